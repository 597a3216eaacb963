// netsh http show sslcert in other languages: each sample of test/fixtures/localized parsed to the values it shows.
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {bindingToAddParams, parseShowSslCert} from '../../src/ops/netsh.ts';
import {ToolError} from '../../src/ops/tool-error.ts';

const localized = (path: string): string => readFileSync(new URL(`../fixtures/localized/${path}`, import.meta.url), 'utf8');
const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');

const IIS_APP_ID = '{4dc3e181-e14b-4a21-b022-59fc669b0914}';
// The ten options the zh-CN sample prints, with its (English) values, in print order.
const ZH_OPTIONS = {
  verifyClientCertRevocation: 'Enabled',
  verifyRevocationWithCachedClientCertOnly: 'Disabled',
  usageCheck: 'Enabled',
  revocationFreshnessTime: '0',
  urlRetrievalTimeout: '0',
  sslCtlIdentifier: null,
  sslCtlStoreName: null,
  dsMapperUsage: 'Disabled',
  clientCertNegotiation: 'Disabled',
  reject: 'Disabled',
};

describe('parseShowSslCert on localized samples', () => {
  test('zh-CN (parser test data): Chinese labels read by position, IP:port and hostname:port keys by value', () => {
    const expected = [
      {ipport: '0.0.0.0:443', certHash: 'ABC123DEF456789012345678901234567890ABCD'},
      {hostnameport: 'www.example.com:443', certHash: 'DEF456789012345678901234567890ABCDEF1234'},
      {hostnameport: '*.example.com:443', certHash: '1234567890ABCDEF1234567890ABCDEF12345678'},
    ].map((key) => ({...key, appId: IIS_APP_ID, certStoreName: 'My', options: ZH_OPTIONS, extra: [], extendedProperties: []}));
    assert.deepEqual(parseShowSslCert(localized('zh-CN/netsh-show-sslcert-parser-testdata.txt')), expected);
    assert.deepEqual(parseShowSslCert(crlf(localized('zh-CN/netsh-show-sslcert-parser-testdata.txt'))), expected);
  });

  test('zh-CN: a parsed binding re-creates with the same options', () => {
    const [binding] = parseShowSslCert(localized('zh-CN/netsh-show-sslcert-parser-testdata.txt'));
    assert.deepEqual(bindingToAddParams(binding!).params, [
      'certhash=ABC123DEF456789012345678901234567890ABCD',
      `appid=${IIS_APP_ID}`,
      'certstorename=My',
      'verifyclientcertrevocation=enable',
      'verifyrevocationwithcachedclientcertonly=disable',
      'usagecheck=enable',
      'revocationfreshnesstime=0',
      'urlretrievaltimeout=0',
      'dsmapperusage=disable',
      'clientcertnegotiation=disable',
      'reject=disable',
    ]);
  });

  test('de (console capture, cut by its author): German labels, key and hash by position', () => {
    // Captured through PowerShell -Verbose: every line carries `AUSFÜHRLICH: `, which is not netsh's.
    const text = localized('de/netsh-show-sslcert-partial.txt').replace(/^AUSFÜHRLICH: ?/gm, '');
    const [binding, ...more] = parseShowSslCert(text);
    assert.equal(more.length, 0);
    assert.equal(binding!.ipport, '0.0.0.0:8091');
    // The author replaced part of the hash (it holds a "g"); the parser reports what was printed.
    assert.equal(binding!.certHash, 'af459df0ed47a6fg4b8f6a20caf2488d3bb6e1bb');
  });

  test('a value no sample shows is refused with the row named, never read as a default', () => {
    const [binding] = parseShowSslCert(
      localized('zh-CN/netsh-show-sslcert-parser-testdata.txt').replace('协商客户端证书               : Disabled', '协商客户端证书               : V1'),
    );
    assert.equal(binding!.options.clientCertNegotiation, 'V1');
    assert.throws(
      () => bindingToAddParams(binding!),
      (e: unknown) => e instanceof ToolError && /cannot interpret "V1" for clientCertNegotiation/.test(e.message) && /"Negotiate Client Certificate"/.test(e.message),
    );
  });
});

import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {
  addSslCert,
  addSslCertCommand,
  bindingToAddParams,
  deleteSslCert,
  deleteSslCertCommand,
  parseNetshResult,
  parseShowSslCert,
  showSslCert,
  showSslCertCommand,
} from '../../src/ops/netsh.ts';
import type {SslBinding} from '../../src/ops/netsh.ts';
import {ToolError} from '../../src/ops/tool-error.ts';
import {FakeHost} from '../helpers/fake-host.ts';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');

const OLD_OPTIONS = {
  verifyClientCertRevocation: 'Enabled',
  verifyRevocationWithCachedClientCertOnly: 'Disabled',
  usageCheck: 'Enabled',
  revocationFreshnessTime: '0',
  urlRetrievalTimeout: '0',
  sslCtlIdentifier: null,
  sslCtlStoreName: null,
  dsMapperUsage: 'Disabled',
  clientCertNegotiation: 'Disabled',
} as const;

const NEW_FLAGS = {
  reject: 'Disabled',
  disableHttp2: 'Not Set',
  disableQuic: 'Not Set',
  disableTls12: 'Not Set',
  disableTls13: 'Not Set',
  disableOcspStapling: 'Not Set',
  enableTokenBinding: 'Not Set',
  logExtendedEvents: 'Not Set',
  disableLegacyTls: 'Not Set',
  enableSessionTicket: 'Not Set',
} as const;

const EXPECTED_2022: SslBinding = {
  ipport: '0.0.0.0:7048',
  certHash: '<CERTIFICATE-THUMBPRINT>',
  appId: '{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}',
  certStoreName: null,
  options: {...OLD_OPTIONS, ...NEW_FLAGS, enableCachingClientHello: 'Not Set'},
  extra: [],
  extendedProperties: [
    {propertyId: '0', fields: [{label: 'Receive Window', value: '1048576'}]},
    {
      propertyId: '1',
      fields: [
        {label: 'Max Settings Per Frame', value: '2796202'},
        {label: 'Max Settings Per Minute', value: '4294967295'},
      ],
    },
    {propertyId: '2', fields: []},
    {propertyId: '3', fields: []},
    {propertyId: '4', fields: []},
  ],
};

const EXPECTED_TEMPLATE: SslBinding = {
  ipport: '<ip:port>',
  certHash: '<hash>',
  appId: '{<guid>}',
  certStoreName: '<store-name>',
  options: {...OLD_OPTIONS, ...NEW_FLAGS, disableSessionId: 'Not Set', enableCachingClientHello: 'Not Set'},
  extra: [],
  extendedProperties: EXPECTED_2022.extendedProperties.slice(0, 2),
};

const EXPECTED_2012R2: SslBinding = {
  ipport: '0.0.0.0:443',
  certHash: 'redacted',
  appId: '{4dc3e181-e14b-4a21-b022-59fc669b0914}',
  certStoreName: 'WebHosting',
  options: {...OLD_OPTIONS},
  extra: [],
  extendedProperties: [],
};

const EXPECTED_NULL_STORE: SslBinding = {
  ipport: '0.0.0.0:443',
  certHash: '5226dc6c54559761cd471b86eb51c096252c90f2',
  appId: '{4dc3e181-e14b-4a21-b022-59fc669b0914}',
  certStoreName: null,
  options: {...OLD_OPTIONS},
  extra: [],
  extendedProperties: [],
};

// Same structure as the 2022 sample, every label replaced by invented German; values and layout unchanged.
const GERMAN_2022 = `SSL-Zertifikatbindungen:
-------------------------

    IP-Adresse:Anschluss         : 0.0.0.0:7048
    Zertifikathash               : <CERTIFICATE-THUMBPRINT>
    Anwendungs-ID                : {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}
    Zertifikatspeichername       : (null)
    Clientzertifikatsperrung überprüfen : Enabled
    Sperrung nur mit zwischengespeichertem Clientzertifikat überprüfen : Disabled
    Verwendungsüberprüfung       : Enabled
    Aktualitätszeit für Sperrung : 0
    URL-Abruftimeout             : 0
    Ctl-Bezeichner               : (null)
    Ctl-Speichername             : (null)
    DS-Zuordnungsverwendung      : Disabled
    Clientzertifikat aushandeln  : Disabled
    Verbindungen ablehnen        : Disabled
    HTTP2 deaktivieren           : Not Set
    QUIC deaktivieren            : Not Set
    TLS1.2 deaktivieren          : Not Set
    TLS1.3 deaktivieren          : Not Set
    OCSP-Heftung deaktivieren    : Not Set
    Tokenbindung aktivieren      : Not Set
    Erweiterte Ereignisse protokollieren : Not Set
    Legacy-TLS-Versionen deaktivieren : Not Set
    Sitzungsticket aktivieren    : Not Set
    Zwischenspeichern von Client-Hello aktivieren : Not Set
 Erweiterte Eigenschaften:
    Eigenschafts-ID              : 0
    Empfangsfenster              : 1048576
 Erweiterte Eigenschaften:
    Eigenschafts-ID              : 1
    Max. Einstellungen pro Frame : 2796202
    Max. Einstellungen pro Minute : 4294967295
 Erweiterte Eigenschaften:
    Eigenschafts-ID              : 2
 Erweiterte Eigenschaften:
    Eigenschafts-ID              : 3
 Erweiterte Eigenschaften:
    Eigenschafts-ID              : 4
`;

const TWO_BINDINGS = `
SSL Certificate bindings:
-------------------------

    Hostname:port                : api.contoso.local:443
    Certificate Hash             : 0123456789abcdef0123456789abcdef01234567
    Application ID               : {11111111-2222-3333-4444-555555555555}
    Certificate Store Name       : My
    Verify Client Certificate Revocation : Enabled
    Verify Revocation Using Cached Client Certificate Only : Disabled
    Usage Check                  : Enabled
    Revocation Freshness Time    : 0
    URL Retrieval Timeout        : 0
    Ctl Identifier               : (null)
    Ctl Store Name               : AdfsTrustedDevices
    DS Mapper Usage              : Disabled
    Negotiate Client Certificate : Enabled
    Reject Connections           : Disabled
    Disable HTTP2                : Set
    Disable QUIC                 : Set

    IP:port                      : [::]:443
    Certificate Hash             : fedcba9876543210fedcba9876543210fedcba98
    Application ID               : {66666666-7777-8888-9999-000000000000}
    Certificate Store Name       : WebHosting
    Verify Client Certificate Revocation : Disabled
    Verify Revocation Using Cached Client Certificate Only : Disabled
    Usage Check                  : Enabled
    Revocation Freshness Time    : 60
    URL Retrieval Timeout        : 15000
    Ctl Identifier               : (null)
    Ctl Store Name               : (null)
    DS Mapper Usage              : Disabled
    Negotiate Client Certificate : Disabled

`;

describe('parseShowSslCert on the samples', () => {
  const cases: [string, SslBinding[]][] = [
    ['netsh-show-sslcert-win10-2022-extended.txt', [EXPECTED_2022]],
    ['netsh-show-sslcert-newest-field-list-template.txt', [EXPECTED_TEMPLATE]],
    ['netsh-show-sslcert-ipport-win2012r2.txt', [EXPECTED_2012R2]],
    ['netsh-show-sslcert-ipport-null-store.txt', [EXPECTED_NULL_STORE]],
    ['netsh-show-sslcert-no-binding.txt', []],
  ];
  for (const [name, expected] of cases) {
    test(name, () => assert.deepEqual(parseShowSslCert(fixture(name)), expected));
    test(`${name} with CRLF line endings`, () => assert.deepEqual(parseShowSslCert(crlf(fixture(name))), expected));
  }

  test('the 2012R2 binding stops at Negotiate Client Certificate: no newer flags invented', () => {
    const [b] = parseShowSslCert(fixture('netsh-show-sslcert-ipport-win2012r2.txt'));
    assert.equal(Object.keys(b!.options).length, 9);
    assert.equal(b!.options.disableQuic, undefined);
  });

  test('extended properties do not overwrite the binding fields', () => {
    const [b] = parseShowSslCert(fixture('netsh-show-sslcert-win10-2022-extended.txt'));
    assert.equal(b!.certHash, '<CERTIFICATE-THUMBPRINT>');
    assert.equal(b!.extra.length, 0);
    assert.deepEqual(
      b!.extendedProperties.map((p) => p.propertyId),
      ['0', '1', '2', '3', '4'],
    );
  });
});

describe('parseShowSslCert on other shapes', () => {
  test('a localized block parses to the same result by position', () => {
    const localized = parseShowSslCert(GERMAN_2022);
    assert.equal(localized.length, 1);
    const [b] = localized;
    // Position 23 has no fixed meaning across builds, so without an English label it stays in extra.
    assert.deepEqual(b!.extra, [{label: 'Zwischenspeichern von Client-Hello aktivieren', value: 'Not Set'}]);
    const {enableCachingClientHello: _dropped, ...options} = EXPECTED_2022.options;
    assert.deepEqual(b, {
      ...EXPECTED_2022,
      options,
      extra: b!.extra,
      extendedProperties: EXPECTED_2022.extendedProperties.map((p) => ({
        propertyId: p.propertyId,
        fields: p.fields.map((f, i) => ({label: b!.extendedProperties[Number(p.propertyId)]!.fields[i]!.label, value: f.value})),
      })),
    });
    assert.deepEqual(parseShowSslCert(crlf(GERMAN_2022)), localized);
  });

  test('French spacing before the colon of a sub-block header still starts a sub-block', () => {
    const text = [
      '    Port IP                      : 0.0.0.0:8391',
      '    Hachage du certificat        : 0123456789abcdef0123456789abcdef01234567',
      '    ID d’application             : {11111111-2222-3333-4444-555555555555}',
      ' Propriétés étendues :',
      '    ID de propriété              : 0',
      '    Fenêtre de réception         : 1048576',
    ].join('\n');
    const [b] = parseShowSslCert(text);
    assert.equal(b!.ipport, '0.0.0.0:8391');
    assert.equal(b!.appId, '{11111111-2222-3333-4444-555555555555}');
    assert.deepEqual(b!.extendedProperties, [{propertyId: '0', fields: [{label: 'Fenêtre de réception', value: '1048576'}]}]);
  });

  test('a capture that starts at the key line, with no header', () => {
    const text = fixture('netsh-show-sslcert-win10-2022-extended.txt').split('\n').slice(3).join('\n');
    assert.deepEqual(parseShowSslCert(text), [EXPECTED_2022]);
  });

  test('two bindings: Hostname:port and [::]:443', () => {
    const bindings = parseShowSslCert(crlf(TWO_BINDINGS));
    assert.equal(bindings.length, 2);
    const [sni, v6] = bindings;
    assert.equal(sni!.hostnameport, 'api.contoso.local:443');
    assert.equal(sni!.ipport, undefined);
    assert.equal(sni!.certStoreName, 'My');
    assert.equal(sni!.options.sslCtlStoreName, 'AdfsTrustedDevices');
    assert.equal(sni!.options.disableHttp2, 'Set');
    assert.equal(sni!.options.disableQuic, 'Set');
    assert.equal(sni!.options.disableTls12, undefined);
    assert.equal(v6!.ipport, '[::]:443');
    assert.equal(v6!.certHash, 'fedcba9876543210fedcba9876543210fedcba98');
    assert.equal(v6!.options.revocationFreshnessTime, '60');
    assert.equal(v6!.options.urlRetrievalTimeout, '15000');
    assert.equal(v6!.options.reject, undefined);
  });

  test('lowercase ip:port key (seen in a Pester mock)', () => {
    const [b] = parseShowSslCert('    ip:port                      : 10.0.0.5:8391\n    Certificate Hash             : abc\n');
    assert.equal(b!.ipport, '10.0.0.5:8391');
    assert.equal(b!.certHash, 'abc');
  });

  test('an English build that inserts an unknown field keeps it in extra and maps the rest by label', () => {
    const lines = fixture('netsh-show-sslcert-win10-2022-extended.txt').split('\n');
    const at = lines.findIndex((l) => l.includes('Disable HTTP2'));
    lines.splice(at, 0, '    Disable Frobnication         : Set');
    const [b] = parseShowSslCert(lines.join('\n'));
    assert.deepEqual(b!.extra, [{label: 'Disable Frobnication', value: 'Set'}]);
    assert.deepEqual(b!.options, EXPECTED_2022.options);
  });

  test('a block whose key line is not recognisable is refused, a one-line message is not', () => {
    const block = '    Zentraler Speicher           : irgendwas\n    Certificate Hash             : abc\n    Revocation Freshness Time    : 0\n';
    assert.throws(() => parseShowSslCert(block), /first line is not an IP:port/);
    assert.deepEqual(parseShowSslCert('SSL-Zertifikatbindungen:\n---\n\nHinweis: nichts gefunden.\n'), []);
  });

  test('the same label twice is refused rather than guessed', () => {
    const text = '    IP:port                      : 0.0.0.0:443\n    Certificate Hash             : a\n    Certificate Hash             : b\n';
    assert.throws(() => parseShowSslCert(text), ToolError);
  });
});

describe('bindingToAddParams', () => {
  test('re-creates every option of the 2022 binding', () => {
    const {params, notCarried} = bindingToAddParams(EXPECTED_2022);
    assert.deepEqual(params, [
      'certhash=<CERTIFICATE-THUMBPRINT>',
      'appid={XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}',
      'verifyclientcertrevocation=enable',
      'verifyrevocationwithcachedclientcertonly=disable',
      'usagecheck=enable',
      'revocationfreshnesstime=0',
      'urlretrievaltimeout=0',
      'dsmapperusage=disable',
      'clientcertnegotiation=disable',
      'reject=disable',
      'disablehttp2=disable',
      'disablequic=disable',
      'disablelegacytls=disable',
      'disabletls12=disable',
      'disabletls13=disable',
      'disableocspstapling=disable',
      'enabletokenbinding=disable',
      'logextendedevents=disable',
      'enablesessionticket=disable',
    ]);
    assert.deepEqual(notCarried, []);
  });

  test('every parameter it emits is one the Windows 2022 usage text lists', () => {
    const usage = fixture('netsh-add-sslcert-usage-win2022.txt');
    const known = new Set([...usage.matchAll(/\[?(\w+)=/g)].map((m) => m[1]));
    const template = parseShowSslCert(fixture('netsh-show-sslcert-newest-field-list-template.txt'))[0]!;
    for (const param of bindingToAddParams(template).params) {
      assert.ok(known.has(param.split('=')[0]!), `${param} is not in the usage text`);
    }
  });

  test('Set / Enabled become enable, store and CTL names are carried', () => {
    const [sni] = parseShowSslCert(TWO_BINDINGS);
    const {params} = bindingToAddParams(sni!);
    assert.ok(params.includes('certstorename=My'));
    assert.ok(params.includes('sslctlstorename=AdfsTrustedDevices'));
    assert.ok(!params.some((p) => p.startsWith('sslctlidentifier=')));
    assert.ok(params.includes('clientcertnegotiation=enable'));
    assert.ok(params.includes('disablehttp2=enable'));
    assert.ok(params.includes('disablequic=enable'));
  });

  test('round trip: show → add parameters → the show output of the re-created binding parses back the same', () => {
    const [, v6] = parseShowSslCert(TWO_BINDINGS);
    const params = new Map(bindingToAddParams(v6!).params.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
    const word = (v: string | undefined) => (v === 'enable' ? 'Enabled' : 'Disabled');
    const reprinted = [
      `    IP:port                      : [::]:443`,
      `    Certificate Hash             : ${params.get('certhash')}`,
      `    Application ID               : ${params.get('appid')}`,
      `    Certificate Store Name       : ${params.get('certstorename') ?? '(null)'}`,
      `    Verify Client Certificate Revocation : ${word(params.get('verifyclientcertrevocation'))}`,
      `    Verify Revocation Using Cached Client Certificate Only : ${word(params.get('verifyrevocationwithcachedclientcertonly'))}`,
      `    Usage Check                  : ${word(params.get('usagecheck'))}`,
      `    Revocation Freshness Time    : ${params.get('revocationfreshnesstime')}`,
      `    URL Retrieval Timeout        : ${params.get('urlretrievaltimeout')}`,
      `    Ctl Identifier               : ${params.get('sslctlidentifier') ?? '(null)'}`,
      `    Ctl Store Name               : ${params.get('sslctlstorename') ?? '(null)'}`,
      `    DS Mapper Usage              : ${word(params.get('dsmapperusage'))}`,
      `    Negotiate Client Certificate : ${word(params.get('clientcertnegotiation'))}`,
    ].join('\n');
    assert.deepEqual(parseShowSslCert(reprinted), [v6]);
  });

  test('refuses a value it cannot interpret (a localized word)', () => {
    const b = {...EXPECTED_2022, options: {...EXPECTED_2022.options, disableQuic: 'Nicht festgelegt'}};
    assert.throws(
      () => bindingToAddParams(b),
      (e: unknown) => e instanceof ToolError && e.tool === 'netsh' && /cannot interpret "Nicht festgelegt" for disableQuic: refusing/.test(e.message),
    );
    const n = {...EXPECTED_2022, options: {...EXPECTED_2022.options, revocationFreshnessTime: 'zero'}};
    assert.throws(() => bindingToAddParams(n), /cannot interpret "zero"/);
  });

  test('refuses a binding without hash or appid', () => {
    assert.throws(() => bindingToAddParams({...EXPECTED_2022, certHash: null}), ToolError);
    assert.throws(() => bindingToAddParams({...EXPECTED_2022, appId: null}), ToolError);
  });

  test('options without an add parameter are reported when not default', () => {
    const b: SslBinding = {
      ...EXPECTED_TEMPLATE,
      options: {...EXPECTED_TEMPLATE.options, disableSessionId: 'Set', enableCachingClientHello: 'Not Set'},
      extra: [
        {label: 'Disable Frobnication', value: 'Set'},
        {label: 'Disable Quux', value: 'Not Set'},
      ],
    };
    const {params, notCarried} = bindingToAddParams(b);
    assert.deepEqual(notCarried, ['Disable Session ID', 'Disable Frobnication']);
    assert.ok(!params.some((p) => /sessionid|cachingclienthello|frobnication/i.test(p)));
  });
});

describe('command builders', () => {
  const HASH = 'E6CC21E72B8357BD5A0990DB7DED3421F3F8B9AA';
  const APPID = '{4dc3e181-e14b-4a21-b022-59fc669b0914}';

  test('show, with and without ipport', () => {
    assert.deepEqual(showSslCertCommand(), {command: 'netsh', args: ['http', 'show', 'sslcert']});
    assert.deepEqual(showSslCertCommand('0.0.0.0:8391'), {command: 'netsh', args: ['http', 'show', 'sslcert', 'ipport=0.0.0.0:8391']});
    assert.deepEqual(showSslCertCommand('[::]:443').args.at(-1), 'ipport=[::]:443');
  });

  test('delete', () => {
    assert.deepEqual(deleteSslCertCommand('0.0.0.0:8391'), {command: 'netsh', args: ['http', 'delete', 'sslcert', 'ipport=0.0.0.0:8391']});
  });

  test('add: one argv element per key=value, appid keeps its braces', () => {
    const cmd = addSslCertCommand('0.0.0.0:8391', {certHash: HASH, appId: APPID, certStoreName: 'Root', options: {clientCertNegotiation: 'Enabled'}});
    assert.deepEqual(cmd, {
      command: 'netsh',
      args: ['http', 'add', 'sslcert', 'ipport=0.0.0.0:8391', `certhash=${HASH}`, `appid=${APPID}`, 'certstorename=Root', 'clientcertnegotiation=enable'],
    });
  });

  test('add: re-creating a captured binding with a new hash keeps appid, store and options', () => {
    const captured = {...EXPECTED_NULL_STORE, certHash: HASH.toLowerCase()};
    const cmd = addSslCertCommand('0.0.0.0:443', captured);
    assert.deepEqual(cmd.args.slice(4), bindingToAddParams(captured).params);
    assert.ok(!cmd.args.some((a) => a.startsWith('certstorename=')));
  });

  test('inputs are validated before anything is built', () => {
    const ok = {certHash: HASH, appId: APPID, certStoreName: 'Root'};
    assert.throws(() => showSslCertCommand('0.0.0.0'), /not an IP:port/);
    assert.throws(() => deleteSslCertCommand('300.0.0.1:443'), /not an IP:port/);
    assert.throws(() => deleteSslCertCommand('0.0.0.0:70000'), /not an IP:port/);
    assert.throws(() => addSslCertCommand('0.0.0.0:8391 certhash=x', ok), /not an IP:port/);
    assert.throws(() => addSslCertCommand('0.0.0.0:8391', {...ok, certHash: `\u200e${HASH}`}), /40 hexadecimal/);
    assert.throws(() => addSslCertCommand('0.0.0.0:8391', {...ok, certHash: HASH.slice(1)}), /40 hexadecimal/);
    assert.throws(() => addSslCertCommand('0.0.0.0:8391', {...ok, appId: APPID.slice(1, -1)}), /GUID in braces/);
    assert.throws(() => addSslCertCommand('0.0.0.0:8391', {...ok, certStoreName: 'My Store'}), /store name/);
    assert.throws(() => addSslCertCommand('0.0.0.0:8391', {...EXPECTED_2022}), /40 hexadecimal/);
  });
});

describe('parseNetshResult', () => {
  const cases: [string, ReturnType<typeof parseNetshResult>, number][] = [
    ['netsh-add-sslcert-success.txt', {ok: true, message: 'SSL Certificate successfully added'}, 0],
    ['netsh-delete-sslcert-success.txt', {ok: true, message: 'SSL Certificate successfully deleted'}, 0],
    ['netsh-add-sslcert-error-183.txt', {ok: false, error: 183, message: 'Cannot create a file when that file already exists.'}, 1],
    ['netsh-add-sslcert-error-1312.txt', {ok: false, error: 1312, message: 'A specified logon session does not exist. It may already have been terminated.'}, 1],
    ['netsh-add-sslcert-error-5-firstline.txt', {ok: false, error: 5, message: 'SSL Certificate add failed, Error: 5'}, 1],
    ['netsh-delete-sslcert-error-2.txt', {ok: false, error: 2, message: 'The system cannot find the file specified.'}, 1],
    ['netsh-add-sslcert-parameter-incorrect.txt', {ok: false, error: 87, message: 'The parameter is incorrect.'}, 1],
    ['netsh-add-sslcert-usage-win2022.txt', {ok: false, error: 'usage', message: 'One or more essential parameters were not entered.'}, 1],
  ];
  for (const [name, expected, exitCode] of cases) {
    test(name, () => {
      assert.deepEqual(parseNetshResult(fixture(name), exitCode), expected);
      assert.deepEqual(parseNetshResult(crlf(fixture(name)), exitCode), expected);
    });
  }

  test('a localized success is recognised by exit code 0 and no error number', () => {
    assert.deepEqual(parseNetshResult('SSL-Zertifikat wurde erfolgreich hinzugefügt.\r\n', 0), {
      ok: true,
      message: 'SSL-Zertifikat wurde erfolgreich hinzugefügt.',
    });
  });

  test('a localized error keeps its number', () => {
    const r = parseNetshResult('Fehler beim Hinzufügen des SSL-Zertifikats, Fehler: 183\nEine Datei kann nicht erstellt werden.\n', 1);
    assert.deepEqual(r, {ok: false, error: 183, message: 'Eine Datei kann nicht erstellt werden.'});
  });

  test('a non-zero exit code without a recognised message is a failure', () => {
    assert.deepEqual(parseNetshResult('Irgendwas.\n', 1), {ok: false, error: 'unknown', message: 'Irgendwas.'});
    assert.equal(parseNetshResult('SSL Certificate successfully added\n', 1).ok, false);
  });
});

describe('host functions', () => {
  const HASH = 'e6cc21e72b8357bd5a0990db7ded3421f3f8b9aa';
  const APPID = '{4dc3e181-e14b-4a21-b022-59fc669b0914}';
  const spec = {certHash: HASH, appId: APPID, certStoreName: 'Root'};

  test('showSslCert returns the parsed bindings', async () => {
    const host = new FakeHost([{command: 'netsh', args: ['http', 'show', 'sslcert'], stdout: crlf(TWO_BINDINGS)}]);
    const bindings = await showSslCert(host);
    assert.deepEqual(
      bindings.map((b) => b.hostnameport ?? b.ipport),
      ['api.contoso.local:443', '[::]:443'],
    );
  });

  test('showSslCert for a missing binding returns [] (exit 1)', async () => {
    const host = new FakeHost([{command: 'netsh', args: ['http', 'show', 'sslcert', 'ipport=0.0.0.0:8391'], stdout: fixture('netsh-show-sslcert-no-binding.txt'), exitCode: 1}]);
    assert.deepEqual(await showSslCert(host, '0.0.0.0:8391'), []);
    assert.deepEqual(host.calls, [{command: 'netsh', args: ['http', 'show', 'sslcert', 'ipport=0.0.0.0:8391']}]);
  });

  test('showSslCert for a missing binding on a localized system returns []', async () => {
    const stdout = '\r\nSSL-Zertifikatbindungen:\r\n-------------------------\r\n\r\nDas System kann die angegebene Datei nicht finden.\r\n\r\n';
    const host = new FakeHost([{command: 'netsh', args: /show sslcert/, stdout, exitCode: 1}]);
    assert.deepEqual(await showSslCert(host, '0.0.0.0:8391'), []);
  });

  test('showSslCert throws on any other failure', async () => {
    const host = new FakeHost([{command: 'netsh', args: /show sslcert/, stdout: 'The parameter is incorrect.\r\n', exitCode: 1}]);
    await assert.rejects(showSslCert(host, '0.0.0.0:8391'), (e: unknown) => e instanceof ToolError && e.details.code === 87 && e.details.exitCode === 1);
  });

  test('addSslCert runs the built command and succeeds on the success text', async () => {
    const host = new FakeHost([{command: 'netsh', args: addSslCertCommand('0.0.0.0:8391', spec).args, stdout: fixture('netsh-add-sslcert-success.txt')}]);
    await addSslCert(host, '0.0.0.0:8391', spec);
    assert.equal(host.calls.length, 1);
  });

  for (const [name, code] of [
    ['netsh-add-sslcert-error-183.txt', 183],
    ['netsh-add-sslcert-error-1312.txt', 1312],
    ['netsh-add-sslcert-error-5-firstline.txt', 5],
  ] as const) {
    test(`addSslCert throws ToolError with code ${code}`, async () => {
      const host = new FakeHost([{command: 'netsh', args: /^http add sslcert /, stdout: crlf(fixture(name)), exitCode: 1}]);
      await assert.rejects(addSslCert(host, '0.0.0.0:8391', spec), (e: unknown) => {
        assert.ok(e instanceof ToolError);
        assert.equal(e.tool, 'netsh');
        assert.equal(e.details.code, code);
        assert.equal(e.details.exitCode, 1);
        assert.match(e.details.output ?? '', new RegExp(`Error: ${code}`));
        assert.match(e.message, new RegExp(`Error ${code}`));
        return true;
      });
    });
  }

  test('addSslCert refuses before running anything when the binding cannot be re-created', async () => {
    const host = new FakeHost([]);
    await assert.rejects(addSslCert(host, '0.0.0.0:8391', {...spec, options: {disableQuic: 'Nicht festgelegt'}}), /refusing/);
    assert.equal(host.calls.length, 0);
  });

  test('deleteSslCert: success, then error 2', async () => {
    const host = new FakeHost([
      {command: 'netsh', args: ['http', 'delete', 'sslcert', 'ipport=0.0.0.0:8391'], stdout: fixture('netsh-delete-sslcert-success.txt'), once: true},
      {command: 'netsh', args: ['http', 'delete', 'sslcert', 'ipport=0.0.0.0:8391'], stdout: fixture('netsh-delete-sslcert-error-2.txt'), exitCode: 1},
    ]);
    await deleteSslCert(host, '0.0.0.0:8391');
    await assert.rejects(deleteSslCert(host, '0.0.0.0:8391'), (e: unknown) => e instanceof ToolError && e.details.code === 2);
  });

  test('an unexpected command fails loudly', async () => {
    const host = new FakeHost([]);
    await assert.rejects(showSslCert(host), /unexpected command: netsh http show sslcert/);
  });
});

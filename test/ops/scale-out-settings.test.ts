import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {MASTER_SETTINGS_PATH, SETTINGS_KEYS, WORKER_SETTINGS_PATH, detectFormat, readSetting, readSettingsFile, replaceSetting} from '../../src/ops/scale-out-settings.ts';
import {ToolError} from '../../src/ops/tool-error.ts';
import {FakeHost} from '../helpers/fake-host.ts';

const OLD = 'E6CC21E72B8357BD5A0990DB7DED3421F3F8B9AA';
const NEW = '0123456789ABCDEF0123456789ABCDEF01234567';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

// The sandbox's worst case: UTF-8 BOM, CRLF, tabs, odd spacing, a misspelled key, nested object, no final newline.
const MASTER_JSON = [
  '{',
  '\t"PortNumber" :8391,',
  `\t"SSLCertThumbprint":   "${OLD}" ,`,
  '  "SqlServerName": "SQL01\\\\INST1",',
  '\t"CleanupCompletedJobsIntervalInMs": 43200000,',
  '\t"LeaseInternval":"00:01:00",',
  '\t"Nested": {"Inner": [1, 2, {"x": null}]},',
  '\t"Flag": true',
  '}',
].join('\r\n');

const masterBytes = () => Buffer.concat([BOM, Buffer.from(MASTER_JSON, 'utf8')]);

/** Asserts that `after` equals `before` except that `oldPart` became `newPart` at one place. */
function assertOnlyChanged(before: Buffer, after: Buffer, oldPart: Buffer, newPart: Buffer): void {
  const at = before.indexOf(oldPart);
  assert.ok(at >= 0, 'old value not found in the original bytes');
  assert.equal(before.indexOf(oldPart, at + 1), -1, 'old value occurs twice in the fixture; the assertion would be ambiguous');
  assert.ok(after.subarray(0, at).equals(before.subarray(0, at)), 'prefix changed');
  assert.ok(after.subarray(at, at + newPart.length).equals(newPart), 'new value not in place');
  assert.ok(after.subarray(at + newPart.length).equals(before.subarray(at + oldPart.length)), 'suffix changed');
  assert.equal(after.length, before.length - oldPart.length + newPart.length);
}

describe('detectFormat', () => {
  test('encodings and syntaxes', () => {
    assert.deepEqual(detectFormat(masterBytes()), {encoding: 'utf8-bom', syntax: 'json'});
    assert.deepEqual(detectFormat(Buffer.from('  \r\n{}')), {encoding: 'utf8', syntax: 'json'});
    assert.deepEqual(detectFormat(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<x/>', 'utf16le')])), {encoding: 'utf16le-bom', syntax: 'xml'});
    assert.deepEqual(detectFormat(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('{}', 'utf16le').swap16()])), {encoding: 'utf16be-bom', syntax: 'json'});
    assert.deepEqual(detectFormat(Buffer.from('<?xml version="1.0"?><c/>')), {encoding: 'utf8', syntax: 'xml'});
  });

  test('neither JSON nor XML is refused clearly', () => {
    assert.throws(() => detectFormat(Buffer.from('PortNumber=8391')), /neither JSON nor XML \(it starts with "P"\)/);
    assert.throws(() => detectFormat(Buffer.from('')), /neither JSON nor XML/);
  });

  test('bytes that would not survive decoding are refused', () => {
    assert.throws(() => detectFormat(Buffer.from([0x7b, 0xff, 0x7d])), /not valid UTF-8/);
    assert.throws(() => detectFormat(Buffer.from('{}', 'utf16le')), /UTF-16 without a byte order mark/);
  });
});

describe('JSON', () => {
  test('reads strings and numbers as written', () => {
    assert.equal(readSetting(masterBytes(), 'SSLCertThumbprint'), OLD);
    assert.equal(readSetting(masterBytes(), 'PortNumber'), '8391');
    assert.equal(readSetting(masterBytes(), 'SqlServerName'), 'SQL01\\INST1');
    assert.equal(readSetting(masterBytes(), 'LeaseInternval'), '00:01:00');
  });

  test('BOM + CRLF + tabs + odd spacing: only the value changes', () => {
    const before = masterBytes();
    const after = replaceSetting(before, 'SSLCertThumbprint', NEW);
    assertOnlyChanged(before, after, Buffer.from(`"${OLD}"`), Buffer.from(`"${NEW}"`));
    assert.equal(readSetting(after, 'SSLCertThumbprint'), NEW);
    assert.ok(after.subarray(0, 3).equals(BOM));
  });

  test('a number stays a number', () => {
    const before = masterBytes();
    const after = replaceSetting(before, 'PortNumber', '8392');
    assertOnlyChanged(before, after, Buffer.from(':8391,'), Buffer.from(':8392,'));
    assert.throws(() => replaceSetting(before, 'PortNumber', 'eighty'), /is a number; "eighty" is not one/);
  });

  test('a value needing escapes is written as a JSON string literal', () => {
    const before = masterBytes();
    const value = 'a"b\\c\td\u00e9';
    const after = replaceSetting(before, 'SqlServerName', value);
    assertOnlyChanged(before, after, Buffer.from('"SQL01\\\\INST1"'), Buffer.from(JSON.stringify(value)));
    assert.equal(readSetting(after, 'SqlServerName'), value);
    assert.equal(JSON.parse(after.subarray(3).toString('utf8')).SqlServerName, value);
  });

  test('UTF-16LE with BOM', () => {
    const before = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(MASTER_JSON, 'utf16le')]);
    const after = replaceSetting(before, 'SSLCertThumbprint', NEW);
    assertOnlyChanged(before, after, Buffer.from(`"${OLD}"`, 'utf16le'), Buffer.from(`"${NEW}"`, 'utf16le'));
    assert.equal(readSetting(after, 'SSLCertThumbprint'), NEW);
  });

  test('UTF-16BE with BOM', () => {
    const before = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(MASTER_JSON, 'utf16le').swap16()]);
    const after = replaceSetting(before, 'SSLCertThumbprint', NEW);
    assertOnlyChanged(before, after, Buffer.from(`"${OLD}"`, 'utf16le').swap16(), Buffer.from(`"${NEW}"`, 'utf16le').swap16());
  });

  test('missing key, named after the file', () => {
    assert.throws(
      () => readSetting(masterBytes(), 'MasterHttpsCertThumbprint', 'MasterSettings.config'),
      (e: unknown) => e instanceof ToolError && e.tool === 'settings' && e.message === 'MasterSettings.config has no MasterHttpsCertThumbprint',
    );
  });

  test('keys match exactly and case-sensitively', () => {
    assert.throws(() => readSetting(masterBytes(), 'LeaseInterval'), /has no LeaseInterval/);
    assert.throws(() => readSetting(masterBytes(), 'sslcertthumbprint'), /has no sslcertthumbprint/);
  });

  test('a duplicate key is refused, also when nested', () => {
    const dup = Buffer.from(`{"SSLCertThumbprint": "${OLD}", "SSLCertThumbprint": "${NEW}"}`);
    assert.throws(() => replaceSetting(dup, 'SSLCertThumbprint', NEW), /has SSLCertThumbprint 2 times/);
    const nested = Buffer.from(`{"SSLCertThumbprint": "${OLD}", "Old": {"SSLCertThumbprint": "${NEW}"}}`);
    assert.throws(() => replaceSetting(nested, 'SSLCertThumbprint', NEW), /has SSLCertThumbprint 2 times/);
    const inArray = Buffer.from(`{"x": [{"PortNumber": 1}], "PortNumber": 2}`);
    assert.throws(() => readSetting(inArray, 'PortNumber'), /2 times/);
  });

  test('non-scalar values are refused', () => {
    assert.throws(() => replaceSetting(masterBytes(), 'Nested', 'x'), /Nested is an object, not a string or number/);
    assert.throws(() => replaceSetting(masterBytes(), 'Flag', 'false'), /Flag is a boolean/);
    assert.throws(() => readSetting(Buffer.from('{"a": null}'), 'a'), /a is null/);
    assert.throws(() => readSetting(Buffer.from('{"a": [1]}'), 'a'), /a is an array/);
  });

  test('invalid JSON is refused', () => {
    assert.throws(() => readSetting(Buffer.from('{"a": "b",}'), 'a'), /not valid JSON/);
  });
});

describe('XML', () => {
  const ADD = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<configuration>',
    '  <!-- <add key="SSLCertThumbprint" value="0000000000000000000000000000000000000000" /> -->',
    '  <appSettings>',
    `    <add key="SSLCertThumbprint" value="${OLD}" />`,
    "    <add value='8391' key='PortNumber'/>",
    '    <add key="SqlServerName" value="SQL01&amp;X" />',
    '  </appSettings>',
    '</configuration>',
    '',
  ].join('\r\n');

  test('<add key value/>: either quote style and attribute order; commented-out copies ignored', () => {
    const before = Buffer.from(ADD);
    assert.equal(readSetting(before, 'PortNumber'), '8391');
    assert.equal(readSetting(before, 'SqlServerName'), 'SQL01&X');
    const after = replaceSetting(before, 'SSLCertThumbprint', NEW);
    assertOnlyChanged(before, after, Buffer.from(`"${OLD}"`), Buffer.from(`"${NEW}"`));
    const port = replaceSetting(before, 'PortNumber', '8392');
    assertOnlyChanged(before, port, Buffer.from("'8391'"), Buffer.from("'8392'"));
  });

  test('escapes for the quote style in use', () => {
    const before = Buffer.from(ADD);
    const after = replaceSetting(before, 'PortNumber', `a'b"<&>`);
    assertOnlyChanged(before, after, Buffer.from("'8391'"), Buffer.from(`'a&apos;b"&lt;&amp;&gt;'`));
    assert.equal(readSetting(after, 'PortNumber'), `a'b"<&>`);
    const dq = replaceSetting(before, 'SSLCertThumbprint', 'x"y');
    assert.equal(readSetting(dq, 'SSLCertThumbprint'), 'x"y');
    assert.ok(dq.includes('value="x&quot;y"'));
  });

  const ELEMENTS = `\ufeff<WorkerSettings>\r\n  <MasterEndpoint>https://master.contoso.local:8391</MasterEndpoint>\r\n  <MasterHttpsCertThumbprint>\r\n    ${OLD}\r\n  </MasterHttpsCertThumbprint>\r\n  <Empty/>\r\n  <Complex><A>1</A></Complex>\r\n</WorkerSettings>`;

  test('<K>V</K>: only the text changes, surrounding whitespace kept', () => {
    const before = Buffer.from(ELEMENTS, 'utf8');
    assert.deepEqual(detectFormat(before), {encoding: 'utf8-bom', syntax: 'xml'});
    assert.equal(readSetting(before, 'MasterHttpsCertThumbprint'), OLD);
    const after = replaceSetting(before, 'MasterHttpsCertThumbprint', NEW);
    assertOnlyChanged(before, after, Buffer.from(OLD), Buffer.from(NEW));
    assert.equal(readSetting(before, 'MasterEndpoint'), 'https://master.contoso.local:8391');
  });

  test('missing, duplicate, empty and complex elements are refused', () => {
    const before = Buffer.from(ELEMENTS, 'utf8');
    assert.throws(() => readSetting(before, 'WorkerHttpsCertThumbprint', 'WorkerSettings.config'), /WorkerSettings.config has no WorkerHttpsCertThumbprint/);
    assert.throws(() => replaceSetting(before, 'Empty', 'x'), /is empty/);
    assert.throws(() => replaceSetting(before, 'Complex', 'x'), /more than text/);
    const dup = Buffer.from(`<c><a><K>1</K></a><b><K>2</K></b></c>`);
    assert.throws(() => replaceSetting(dup, 'K', '3'), /has K 2 times/);
    const mixed = Buffer.from(`<c><add key="K" value="1"/><K>2</K></c>`);
    assert.throws(() => readSetting(mixed, 'K'), /has K 2 times/);
  });
});

describe('readSettingsFile', () => {
  test('returns the bytes, format and top-level scalar values', async () => {
    const host = new FakeHost([], {[MASTER_SETTINGS_PATH]: masterBytes()});
    const file = await readSettingsFile(host, MASTER_SETTINGS_PATH);
    assert.ok(file.bytes.equals(masterBytes()));
    assert.deepEqual(file.format, {encoding: 'utf8-bom', syntax: 'json'});
    assert.deepEqual(file.values, {
      PortNumber: 8391,
      SSLCertThumbprint: OLD,
      SqlServerName: 'SQL01\\INST1',
      CleanupCompletedJobsIntervalInMs: 43200000,
      LeaseInternval: '00:01:00',
      Flag: true,
    });
  });

  test('XML values', async () => {
    const xml = `<c><add key="${SETTINGS_KEYS.workerHttpsCertThumbprint}" value="${OLD}"/><MasterEndpoint> https://m:8391 </MasterEndpoint></c>`;
    const host = new FakeHost([], {[WORKER_SETTINGS_PATH]: xml});
    const file = await readSettingsFile(host, WORKER_SETTINGS_PATH);
    assert.deepEqual(file.values, {WorkerHttpsCertThumbprint: OLD, MasterEndpoint: 'https://m:8391'});
  });

  test('a file of another format is refused with its name', async () => {
    const host = new FakeHost([], {[MASTER_SETTINGS_PATH]: 'PortNumber=8391'});
    await assert.rejects(readSettingsFile(host, MASTER_SETTINGS_PATH), /MasterSettings.config is neither JSON nor XML/);
  });

  test('constants', () => {
    assert.equal(MASTER_SETTINGS_PATH, 'C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\MasterSettings.config');
    assert.equal(WORKER_SETTINGS_PATH, 'C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\WorkerSettings.config');
    assert.deepEqual(Object.values(SETTINGS_KEYS), ['SSLCertThumbprint', 'MasterHttpsCertThumbprint', 'WorkerHttpsCertThumbprint', 'MasterEndpoint', 'PortNumber']);
  });
});

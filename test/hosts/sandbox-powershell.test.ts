// The sandbox's powershell.exe as a pure function (state + arguments + stdin in, output + new state out): the
// PowerShell subset it parses, how it prints JSON and errors, and the Lync cmdlets over a simulated pool.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {createSelfSigned, toPfx} from '../../src/certs/index.ts';
import type {NodeInfo} from '../../src/hosts/host.ts';
import {buildLyncPool, DEMO_PFX_PASSWORD, DEMO_PFX_PATH, DEMO_WEAK_PFX_PATH} from '../../src/hosts/sandbox/lync-demo.ts';
import type {LyncDemoNode} from '../../src/hosts/sandbox/lync-demo.ts';
import {emptyNodeState} from '../../src/hosts/sandbox/state.ts';
import type {NodeState} from '../../src/hosts/sandbox/state.ts';
import {convertToJson} from '../../src/hosts/sandbox/tools/powershell-json.ts';
import {parseScript, SandboxSyntaxError} from '../../src/hosts/sandbox/tools/powershell-parse.ts';
import {powershellProgram, scriptOf} from '../../src/hosts/sandbox/tools/powershell.ts';
import {parseCultureDate} from '../../src/hosts/sandbox/tools/lync-cmdlets.ts';
import type {NodeFiles, ToolResult} from '../../src/hosts/sandbox/tools/program.ts';
import {parseCertificates, parseReplicationStatus} from '../../src/ops/lync.ts';
import {powershellArgs} from '../../src/ops/powershell.ts';

const MASTER: NodeInfo = {name: 'master', machineName: 'MASTER', fqdn: 'master.contoso.local', ip: '10.0.0.10', roles: ['ssis-master']};

function memoryFiles(initial: ReadonlyArray<readonly [string, Buffer]> = []): NodeFiles {
  const map = new Map(initial.map(([k, v]) => [k.toLowerCase(), v]));
  return {read: (p) => map.get(p.toLowerCase()), write: (p, d) => void map.set(p.toLowerCase(), d), exists: (p) => map.has(p.toLowerCase())};
}

interface Run {
  readonly node?: NodeInfo;
  readonly state?: NodeState;
  readonly files?: NodeFiles;
  readonly stdin?: string[];
  readonly now?: Date;
  readonly faults?: string[];
}

function ps(script: string, options: Run = {}): ToolResult {
  return powershellProgram({replicationFaults: options.faults ?? []}).run(
    {
      node: options.node ?? MASTER,
      state: options.state ?? emptyNodeState(),
      files: options.files ?? memoryFiles(),
      now: options.now ?? new Date(),
      ...(options.stdin ? {stdin: options.stdin} : {}),
    },
    // The script as given, without the UTF-8 line powershellArgs puts first: error records' line numbers are the test's.
    ['-NoProfile', '-NonInteractive', '-EncodedCommand', Buffer.from(script, 'utf16le').toString('base64')],
  );
}

describe('powershell.exe arguments', () => {
  test('-EncodedCommand is base64 of UTF-16LE; -Command takes the rest of the line', () => {
    assert.deepEqual(scriptOf(powershellArgs("'é ü'")), {script: "[Console]::OutputEncoding = [Text.Encoding]::UTF8\n'é ü'"});
    assert.deepEqual(scriptOf(['-NoProfile', '-Command', "'a'", '|', 'Out-String']), {script: "'a' | Out-String"});
    assert.match(String((scriptOf(['-File', 'x.ps1']) as {error: string}).error), /only -NoProfile/);
  });
});

describe('the PowerShell subset', () => {
  test('single-quoted literals keep $ and double a quote; variables and member access evaluate', () => {
    const result = ps("$a = 'it''s $HOME'\n$a; 'second'");
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, "it's $HOME\nsecond\n");
  });

  test('[Console]::In.ReadLine() reads stdin one line at a time, $null at its end', () => {
    const result = ps('$p = [Console]::In.ReadLine()\n$q = [Console]::In.ReadLine()\n$p\n$q', {stdin: ['s3cret']});
    assert.equal(result.stdout, 's3cret\n');
  });

  test('[DateTime]::Parse with the invariant culture reads ISO 8601; anything else is refused, not guessed', () => {
    const ok = ps("$d = [DateTime]::Parse('2026-12-01T13:00:00Z', [Globalization.CultureInfo]::InvariantCulture, 'AdjustToUniversal')\n'parsed'");
    assert.equal(ok.exitCode, 0, ok.stderr);
    assert.equal(ok.stdout, 'parsed\n');
    const culture = ps("$d = [DateTime]::Parse('12/01/2026 13:00')");
    assert.equal(culture.exitCode, 1);
    assert.match(culture.stderr, /^certwalk sandbox: powershell: \[DateTime\]::Parse is simulated only with \[Globalization\.CultureInfo\]::InvariantCulture/);
    const bad = ps("$ErrorActionPreference = 'Stop'\n$d = [DateTime]::Parse('1.12.2026', [Globalization.CultureInfo]::InvariantCulture, 'AdjustToUniversal')");
    assert.equal(bad.exitCode, 1);
    assert.equal(
      bad.stderr,
      [
        'Exception calling "Parse" with "3" argument(s): "String was not recognized as a valid DateTime."',
        'At line:2 char:6',
        "+ $d = [DateTime]::Parse('1.12.2026', [Globalization.CultureInfo]::InvariantCulture, 'AdjustToUniversal')",
        `+      ${'~'.repeat(98)}`,
        '    + CategoryInfo          : NotSpecified: (:) [], MethodInvocationException',
        '    + FullyQualifiedErrorId : FormatException',
        ' ',
        '',
      ].join('\n'),
    );
  });

  test("[IO.File]::ReadAllText reads a file of the node (BOM dropped); a missing one is .NET's FileNotFoundException", () => {
    const files = memoryFiles([['C:\\keys\\key.pem', Buffer.from('\uFEFF-----BEGIN X-----\n')]]);
    const ok = ps("$k = [IO.File]::ReadAllText('C:\\Keys\\KEY.pem')\n$k", {files});
    assert.equal(ok.stdout, '-----BEGIN X-----\n\n');
    const missing = ps("$ErrorActionPreference = 'Stop'\n$k = [IO.File]::ReadAllText('C:\\none.pem')", {files});
    assert.equal(missing.exitCode, 1);
    assert.match(missing.stderr, /^Exception calling "ReadAllText" with "1" argument\(s\): "Could not find file 'C:\\none\.pem'\."\n/);
    assert.match(missing.stderr, /FullyQualifiedErrorId : FileNotFoundException/);
  });

  test('syntax outside the subset is a sandbox error naming the place (a bare path is outside it: ops quote paths)', () => {
    assert.throws(() => parseScript('Get-Thing "$x"'), SandboxSyntaxError);
    assert.throws(() => parseScript('Get-Thing -Path C:\\x.pfx'), /line 1 char 19/);
    const result = ps('Get-Thing @{a=1}');
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /^certwalk sandbox: powershell: line 1 char 11: "@" is outside the PowerShell subset/);
  });

  test('an unknown cmdlet is the real "not recognized" error, underlining only its name; Stop ends the script', () => {
    const result = ps("$ErrorActionPreference = 'Stop'\nGet-CsNothing -Identity global\n'not reached'");
    assert.equal(result.exitCode, 1);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr,
      [
        "Get-CsNothing : The term 'Get-CsNothing' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.",
        'At line:2 char:1',
        '+ Get-CsNothing -Identity global',
        '+ ~~~~~~~~~~~~~',
        '    + CategoryInfo          : ObjectNotFound: (Get-CsNothing:String) [], CommandNotFoundException',
        '    + FullyQualifiedErrorId : CommandNotFoundException',
        ' ',
        '',
      ].join('\n'),
    );
  });

  test('without Stop the script goes on after an error; the exit code follows the last statement', () => {
    const goesOn = ps("Get-CsNothing\n'after'");
    assert.equal(goesOn.stdout, 'after\n');
    assert.equal(goesOn.exitCode, 0);
    assert.equal(ps("'before'\nGet-CsNothing").exitCode, 1);
    assert.equal(ps("'x'\nexit 3").exitCode, 3);
  });

  test('printing an object without ConvertTo-Json is refused (the table and list views are not simulated)', async () => {
    const [fe] = await pool();
    const result = ps('Get-CsSipDomain', {node: fe!.node, state: fe!.state});
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /printing objects without ConvertTo-Json/);
  });
});

describe('ConvertTo-Json as Windows PowerShell 5.1 prints it', () => {
  test('one object is not wrapped; two spaces after the colon; nested values indent from their bracket', () => {
    const text = convertToJson([{Name: 'a', List: ['x', 'y'], Inner: {N: 1, On: true, Nothing: null}, When: new Date(1700000000000)}], 3);
    assert.equal(
      text,
      [
        '{',
        '    "Name":  "a",',
        '    "List":  [',
        '                 "x",',
        '                 "y"',
        '             ],',
        '    "Inner":  {',
        '                  "N":  1,',
        '                  "On":  true,',
        '                  "Nothing":  null',
        '              },',
        '    "When":  "\\/Date(1700000000000)\\/"',
        '}',
      ].join('\n'),
    );
  });

  test('several objects are an array; JavaScriptSerializer escapes quotes, <, >, & and the apostrophe', () => {
    assert.equal(convertToJson([{A: 1}, {A: "O'Brien <&>"}], 2), '[\n    {\n        "A":  1\n    },\n    {\n        "A":  "O\\u0027Brien \\u003c\\u0026\\u003e"\n    }\n]');
    assert.equal(convertToJson([], 2), undefined);
    assert.equal(convertToJson([{E: []}], 2), '{\n    "E":  [\n\n          ]\n}');
  });

  test('the ops parser reads what the sandbox prints', async () => {
    const [fe] = await pool();
    const result = ps('Get-CsCertificate -Type OAuthTokenIssuer | Select-Object * | ConvertTo-Json -Depth 3', {node: fe!.node, state: fe!.state});
    const [cert] = parseCertificates(result.stdout);
    assert.equal(cert!.use, 'OAuthTokenIssuer');
    assert.match(cert!.thumbprint, /^[0-9A-F]{40}$/);
    assert.deepEqual(cert!.alternativeNames, ['s2s.contoso.com']);
    assert.ok(cert!.notAfter instanceof Date && cert!.notAfter.getTime() > Date.now());
  });
});

let cachedPool: LyncDemoNode[] | undefined;
async function pool(): Promise<LyncDemoNode[]> {
  cachedPool ??= await buildLyncPool({frontEnds: 3, replicationDelaySeconds: 10});
  return cachedPool;
}

/** Runs on one Front End with the CMS merged in (as dispatch.ts does), returning the merged new state. */
function onFe(fes: readonly LyncDemoNode[], index: number, script: string, options: Omit<Run, 'node' | 'files'> & {files?: NodeFiles; cmsState?: NodeState} = {}) {
  const fe = fes[index]!;
  const cms = (options.cmsState ?? fes[0]!.state).lync!.cms!;
  const state = options.state ?? {...fe.state, lync: {...fe.state.lync!, cms}};
  return ps(script, {...options, node: fe.node, state, files: options.files ?? memoryFiles(fe.files)});
}

const STOP = "$ErrorActionPreference = 'Stop'\n";

describe('Lync cmdlets on the simulated pool', () => {
  test('Import-CsCertificate: a wrong password, a 1024-bit key and a missing file are refused; the right one becomes current', async () => {
    const fes = await pool();
    const importScript = (path: string) => `${STOP}$p = [Console]::In.ReadLine()\nImport-CsCertificate -Identity global -Type OAuthTokenIssuer -Path '${path}' -Password $p`;
    const wrong = onFe(fes, 0, importScript(DEMO_PFX_PATH), {stdin: ['nope']});
    assert.equal(wrong.exitCode, 1);
    assert.match(wrong.stderr, /^Import-CsCertificate : Command execution failed: The specified network password is not correct\.\n/);
    assert.equal(wrong.state, undefined);
    const weak = onFe(fes, 0, importScript(DEMO_WEAK_PFX_PATH), {stdin: [DEMO_PFX_PASSWORD]});
    assert.match(weak.stderr, /has a 1024-bit key\. An OAuthTokenIssuer certificate needs a key of at least 2048 bits/);
    const missing = onFe(fes, 0, importScript('C:\\nowhere.pfx'), {stdin: [DEMO_PFX_PASSWORD]});
    assert.match(missing.stderr, /Could not find file 'C:\\nowhere\.pfx'/);
    const ok = onFe(fes, 0, importScript(DEMO_PFX_PATH), {stdin: [DEMO_PFX_PASSWORD]});
    assert.equal(ok.exitCode, 0, ok.stderr);
    assert.equal(ok.stdout, '');
    const after = parseCertificates(onFe(fes, 0, 'Get-CsCertificate -Type OAuthTokenIssuer | ConvertTo-Json', {state: ok.state!}).stdout);
    assert.equal(after[0]!.subject, 'CN=s2s-import.contoso.com');
  });

  test('Set-CsCertificate -Roll without -EffectiveDate fails; a thumbprint not in the store is not found', async () => {
    const fes = await pool();
    const noDate = onFe(fes, 0, `${STOP}Set-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint '${'A'.repeat(40)}' -Roll`);
    assert.equal(noDate.exitCode, 1);
    assert.match(noDate.stderr, /^Set-CsCertificate : Command execution failed: The Roll parameter requires the EffectiveDate parameter/);
    assert.match(noDate.stderr, /FullyQualifiedErrorId : InvalidArgument,Microsoft\.Rtc\.Management\.Deployment\.SetCertificateCmdlet/);
    const unknown = onFe(fes, 1, `${STOP}Set-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint '${'A'.repeat(40)}'`);
    assert.match(unknown.stderr, /Cannot find a certificate with thumbprint "A{40}"/);
    const badType = onFe(fes, 1, `${STOP}Get-CsCertificate -Type OAuth`);
    assert.match(badType.stderr, /Cannot bind parameter 'Type'\. Cannot convert value "OAuth" to type "Microsoft\.Rtc\.Management\.Deployment\.CertType"/);
    const badParam = onFe(fes, 1, `${STOP}Get-CsCertificate -Tpye Default`);
    assert.match(
      badParam.stderr,
      /A parameter cannot be found that matches parameter name 'Tpye'\.[\s\S]*NamedParameterNotFound,Microsoft\.Rtc\.Management\.Deployment\.GetCertificateCmdlet/,
    );
  });

  test('a roll makes the new certificate current at its date and the old one previous; -EffectiveTime is an alias', async () => {
    const fes = await pool();
    const [candidate] = fes[0]!.state.stores['My']!.filter((c) => /s2s-2027/.test(c.subject));
    const before = parseCertificates(onFe(fes, 0, 'Get-CsCertificate -Type OAuthTokenIssuer | ConvertTo-Json').stdout)[0]!;
    const at = new Date(Date.now() + 3600_000);
    const roll = onFe(
      fes,
      0,
      `${STOP}$e = [DateTime]::Parse('${at.toISOString()}', [Globalization.CultureInfo]::InvariantCulture, 'AdjustToUniversal')\nSet-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint '${candidate!.thumbprint}' -EffectiveTime $e -Roll`,
    );
    assert.equal(roll.exitCode, 0, roll.stderr);
    const read = (now: Date) => parseCertificates(onFe(fes, 0, 'Get-CsCertificate -Type OAuthTokenIssuer | ConvertTo-Json -Depth 3', {state: roll.state!, now}).stdout);
    const staged = read(new Date());
    assert.deepEqual(
      staged.map((c) => c.thumbprint),
      [before.thumbprint, candidate!.thumbprint],
    );
    assert.equal(staged[1]!.effectiveDate?.getTime(), at.getTime());
    const later = read(new Date(at.getTime() + 1000));
    assert.equal(later.length, 1);
    assert.equal(later[0]!.thumbprint, candidate!.thumbprint);
    assert.equal(later[0]!.previousThumbprint, before.thumbprint);
  });

  test('-Roll refuses a key that cannot be exported', async () => {
    const fes = await pool();
    const noExport = fes[0]!.state.stores['My']!.find((c) => !c.exportable)!;
    const result = onFe(
      fes,
      0,
      `${STOP}$e = [DateTime]::Parse('${new Date(Date.now() + 3600_000).toISOString()}', [Globalization.CultureInfo]::InvariantCulture)\nSet-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint '${noExport.thumbprint}' -EffectiveDate $e -Roll`,
    );
    assert.match(result.stderr, /is not exportable, so it cannot be replicated/);
  });

  test('-EffectiveDate as text is read in the server culture: en-GB takes 01/12/2026 as the 1st of December', () => {
    assert.equal(parseCultureDate('01/12/2026 13:00:00', 'en-GB')?.toISOString(), '2026-12-01T13:00:00.000Z');
    assert.equal(parseCultureDate('01/12/2026 1:00:00 PM', 'en-US')?.toISOString(), '2026-01-12T13:00:00.000Z');
    assert.equal(parseCultureDate('13/25/2026', 'en-US'), undefined);
  });

  test('replication: a change reaches each Front End after its delay; a faulted one never gets it', async () => {
    const fes = await pool();
    const t0 = new Date();
    const assign = onFe(fes, 0, `${STOP}Set-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint '${fes[0]!.state.lync!.assigned['Default']}'`, {
      now: t0,
      faults: ['fe3'],
    });
    assert.equal(assign.exitCode, 0, assign.stderr);
    const status = (now: Date) =>
      parseReplicationStatus(onFe(fes, 1, 'Get-CsManagementStoreReplicationStatus | Select-Object * | ConvertTo-Json', {cmsState: assign.state!, now}).stdout);
    assert.deepEqual(
      status(new Date(t0.getTime() + 5000)).map((r) => [r.fqdn, r.upToDate]),
      [
        ['fe1.contoso.com', true],
        ['fe2.contoso.com', false],
        ['fe3.contoso.com', false],
      ],
    );
    assert.deepEqual(
      status(new Date(t0.getTime() + 60_000)).map((r) => r.upToDate),
      [true, true, false],
    );
    const seenOn = (i: number, now: Date) =>
      parseCertificates(onFe(fes, i, 'Get-CsCertificate -Type OAuthTokenIssuer | ConvertTo-Json', {cmsState: assign.state!, now}).stdout)[0]!.thumbprint;
    const assigned = fes[0]!.state.lync!.assigned['Default'];
    assert.equal(seenOn(1, new Date(t0.getTime() + 5000)) === assigned, false, 'fe2 lags 10 s');
    assert.equal(seenOn(1, new Date(t0.getTime() + 10_000)), assigned);
    assert.notEqual(seenOn(2, new Date(t0.getTime() + 3600_000)), assigned, 'fe3 never catches up');
  });

  test('off a Front End the Lync cmdlets are unknown terms', () => {
    const result = ps(`${STOP}Get-CsCertificate -Type OAuthTokenIssuer`);
    assert.match(result.stderr, /^Get-CsCertificate : The term 'Get-CsCertificate' is not recognized/);
    assert.match(result.stderr, /CategoryInfo {10}: ObjectNotFound: \(Get-CsCertificate:String\) \[\], CommandNotFoundException/);
  });

  test('a PFX without a private key cannot be imported', async () => {
    const fes = await pool();
    const made = await createSelfSigned({commonNames: ['s2s.contoso.com']});
    // A PFX of the certificate alone, as the export wizard writes it when "No, do not export the private key" is chosen.
    const {default: forge} = await import('node-forge');
    const asn1 = forge.pkcs12.toPkcs12Asn1(null, [forge.pki.certificateFromPem(made.certPem)], 'pw', {algorithm: '3des'});
    const certOnly = Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
    assert.ok(toPfx(made, 'pw').length > certOnly.length);
    const result = onFe(fes, 0, `${STOP}$p = [Console]::In.ReadLine()\nImport-CsCertificate -Identity global -Type OAuthTokenIssuer -Path 'C:\\c.pfx' -Password $p`, {
      stdin: ['pw'],
      files: memoryFiles([['C:\\c.pfx', certOnly]]),
    });
    assert.match(result.stderr, /does not have a private key/);
  });
});

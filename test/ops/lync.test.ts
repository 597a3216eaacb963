// The Lync cmdlets as certwalk sends them (scripts pinned: values quoted, the date built in PowerShell, the password
// on stdin) and how their ConvertTo-Json output and PowerShell errors are read.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import type {RunOptions, RunResult} from '../../src/hosts/host.ts';
import {
  assignOAuthCommand,
  getOAuthCertificatesCommand,
  importOAuth,
  importOAuthCommand,
  oauthStateOf,
  parseCertificates,
  parseJsonDate,
  parsePowershellError,
  parseReplicationStatus,
  readOAuthState,
  removePreviousOAuthCommand,
  rollOAuth,
  rollOAuthCommand,
} from '../../src/ops/lync.ts';
import {powershellArgs} from '../../src/ops/powershell.ts';
import {ToolError} from '../../src/ops/tool-error.ts';
import {FakeHost} from '../helpers/fake-host.ts';

const T1 = '1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D';
const T2 = 'FEDCBA9876543210FEDCBA9876543210FEDCBA98';

// What Windows PowerShell 5.1 prints for `… | Select-Object * | ConvertTo-Json -Depth 3`: one object is not wrapped.
const ONE = `{
    "Issuer":  "CN=Contoso Issuing CA",
    "NotAfter":  "\\/Date(1801057494000)\\/",
    "NotBefore":  "\\/Date(1769521494000)\\/",
    "SerialNumber":  "21CB8912C6FBE89854E09D3C0ED8EBB3",
    "Subject":  "CN=s2s.contoso.com",
    "AlternativeNames":  [
                             "s2s.contoso.com"
                         ],
    "Thumbprint":  "${T1.toLowerCase()}",
    "EffectiveDate":  null,
    "PreviousThumbprint":  null,
    "PreviousNotAfter":  null,
    "Use":  "OAuthTokenIssuer"
}
`;

describe('Lync commands', () => {
  test('every script stops on the first error and reads objects as JSON', () => {
    assert.equal(getOAuthCertificatesCommand().script, "$ErrorActionPreference = 'Stop'\nGet-CsCertificate -Type OAuthTokenIssuer | Select-Object * | ConvertTo-Json -Depth 3");
    const cmd = assignOAuthCommand(T1.toLowerCase());
    assert.equal(cmd.script, `$ErrorActionPreference = 'Stop'\nSet-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint '${T1}'`);
    assert.deepEqual(cmd.command, {command: 'powershell', args: powershellArgs(cmd.script)});
    assert.equal(removePreviousOAuthCommand().script.split('\n')[1], 'Remove-CsCertificate -Identity global -Type OAuthTokenIssuer -Previous');
  });

  test('the PFX path is a quoted literal and the password is read from stdin, never written into the script', () => {
    const cmd = importOAuthCommand("C:\\Certs\\O'Neil $x.pfx");
    assert.equal(
      cmd.script,
      [
        "$ErrorActionPreference = 'Stop'",
        '$password = [Console]::In.ReadLine()',
        "Import-CsCertificate -Identity global -Type OAuthTokenIssuer -Path 'C:\\Certs\\O''Neil $x.pfx' -Password $password",
      ].join('\n'),
    );
    assert.throws(() => importOAuthCommand('C:\\a\nb.pfx'), ToolError);
  });

  test('-EffectiveDate is built inside PowerShell from invariant ISO 8601, never passed as regional text', () => {
    const cmd = rollOAuthCommand(T2, new Date('2026-12-01T13:00:00.000Z'));
    assert.equal(
      cmd.script,
      [
        "$ErrorActionPreference = 'Stop'",
        "$effective = [DateTime]::Parse('2026-12-01T13:00:00Z', [Globalization.CultureInfo]::InvariantCulture, 'AdjustToUniversal')",
        `Set-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint '${T2}' -EffectiveDate $effective -Roll`,
      ].join('\n'),
    );
    assert.doesNotMatch(cmd.script, /\d{1,2}\/\d{1,2}\/\d{4}/, 'no M/d/yyyy or d/M/yyyy anywhere');
    assert.throws(() => rollOAuthCommand('not-a-thumbprint', new Date()), /40-hex-digit/);
  });
});

describe('reading Get-CsCertificate', () => {
  test('one object, an array, and nothing at all', () => {
    const [cert] = parseCertificates(ONE);
    assert.equal(cert!.thumbprint, T1, 'upper-cased');
    assert.equal(cert!.notAfter?.toISOString(), new Date(1801057494000).toISOString());
    assert.deepEqual(cert!.alternativeNames, ['s2s.contoso.com']);
    assert.equal(cert!.effectiveDate, null);
    assert.equal(parseCertificates(`[${ONE}, ${ONE.replace(T1.toLowerCase(), T2)}]`).length, 2);
    assert.deepEqual(parseCertificates(''), []);
    assert.deepEqual(parseCertificates('\r\n'), []);
  });

  test('keys on the properties that are there: missing ones are empty, names are case-insensitive', () => {
    const [cert] = parseCertificates(`{"thumbprint": "${T1}", "NOTAFTER": "2027-01-01T00:00:00Z"}`);
    assert.equal(cert!.thumbprint, T1);
    assert.equal(cert!.notAfter?.toISOString(), '2027-01-01T00:00:00.000Z', 'PowerShell 7 writes ISO dates');
    assert.equal(cert!.subject, '');
    assert.equal(cert!.previousThumbprint, null);
    assert.throws(() => parseCertificates('Get-CsCertificate : oops'), /expected ConvertTo-Json output/);
  });

  test('dates: JavaScriptSerializer form (with or without an offset) and ISO', () => {
    assert.equal(parseJsonDate('/Date(1700000000000)/')?.getTime(), 1700000000000);
    assert.equal(parseJsonDate('/Date(1700000000000+0100)/')?.getTime(), 1700000000000);
    assert.equal(parseJsonDate('not a date'), null);
    assert.equal(parseJsonDate(null), null);
  });

  test('current is the newest in effect, staged the one still ahead, previous comes from the current', () => {
    const now = new Date('2026-11-01T00:00:00Z');
    const certs = parseCertificates(
      JSON.stringify([
        {Thumbprint: T1, EffectiveDate: null, PreviousThumbprint: 'AA'.repeat(20), PreviousNotAfter: '/Date(1700000000000)/'},
        {Thumbprint: T2, EffectiveDate: '/Date(1796130000000)/', PreviousThumbprint: T1},
      ]),
    );
    const state = oauthStateOf(certs, now);
    assert.equal(state.current?.thumbprint, T1);
    assert.equal(state.staged?.thumbprint, T2);
    assert.equal(state.previousThumbprint, 'AA'.repeat(20));
    const after = oauthStateOf(certs, new Date(1796130000001));
    assert.equal(after.current?.thumbprint, T2);
    assert.equal(after.staged, null);
  });

  test('replication status per replica', () => {
    const status = parseReplicationStatus(
      '[{"UpToDate": true, "ReplicaFqdn": "fe1.contoso.com"}, {"UpToDate": false, "ReplicaFqdn": "fe2.contoso.com", "LastStatusReport": "/Date(1700000000000)/"}]',
    );
    assert.deepEqual(
      status.map((s) => [s.fqdn, s.upToDate]),
      [
        ['fe1.contoso.com', true],
        ['fe2.contoso.com', false],
      ],
    );
    assert.equal(status[1]!.lastStatusReport?.getTime(), 1700000000000);
  });
});

class InputRecordingHost extends FakeHost {
  readonly inputs: (string | undefined)[] = [];
  override async run(command: string, args: readonly string[], options?: RunOptions): Promise<RunResult> {
    this.inputs.push(options?.input);
    return super.run(command, args, options);
  }
}

describe('running the cmdlets', () => {
  test('the password goes to stdin as one line; the arguments hold only the encoded script', async () => {
    const host = new InputRecordingHost([{command: 'powershell', args: powershellArgs(importOAuthCommand('C:\\c.pfx').script)}]);
    await importOAuth(host, 'C:\\c.pfx', 'P@ss w0rd');
    assert.deepEqual(host.inputs, ['P@ss w0rd\n']);
    assert.ok(!host.calls[0]!.args.join(' ').includes('P@ss'));
    await assert.rejects(importOAuth(host, 'C:\\c.pfx', 'two\nlines'), /line break/);
  });

  test('a PowerShell error becomes a ToolError with the cmdlet line and its FullyQualifiedErrorId', async () => {
    const stderr = [
      'Set-CsCertificate : Command execution failed: The Roll parameter requires the EffectiveDate parameter.',
      'At line:3 char:1',
      '+ Set-CsCertificate -Identity global',
      '+ ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~',
      '    + CategoryInfo          : InvalidArgument: (:) [Set-CsCertificate], ArgumentException',
      '    + FullyQualifiedErrorId : InvalidArgument,Microsoft.Rtc.Management.Deployment.SetCertificateCmdlet',
      ' ',
    ].join('\n');
    const when = new Date('2026-12-01T13:00:00Z');
    const host = new FakeHost([{command: 'powershell', args: powershellArgs(rollOAuthCommand(T2, when).script), stderr, exitCode: 1}]);
    const error = await rollOAuth(host, T2, when).then(
      () => null,
      (e: unknown) => e as ToolError,
    );
    assert.ok(error instanceof ToolError);
    assert.equal(error.message, 'Set-CsCertificate -Roll failed on node1: Set-CsCertificate : Command execution failed: The Roll parameter requires the EffectiveDate parameter.');
    assert.equal(error.details.code, 'InvalidArgument,Microsoft.Rtc.Management.Deployment.SetCertificateCmdlet');
    assert.deepEqual(parsePowershellError('\n\nX : y\n'), {message: 'X : y', errorId: null});
  });

  test('readOAuthState through a host', async () => {
    const host = new FakeHost([{command: 'powershell', args: powershellArgs(getOAuthCertificatesCommand().script), stdout: ONE}]);
    const state = await readOAuthState(host, new Date());
    assert.equal(state.current?.thumbprint, T1);
    assert.equal(state.staged, null);
  });
});

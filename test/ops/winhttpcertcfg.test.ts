// winhttpcertcfg: every real sample parsed, the -l/-r texts from the tool's C source, the command builders, and the
// host functions (success read from the text, because some failures exit 0).
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {formatCommand} from '../../src/ops/command.ts';
import {ToolError} from '../../src/ops/tool-error.ts';
import {
  firstSubjectMatch,
  grantKeyAccess,
  grantKeyAccessCommand,
  listKeyAccess,
  listKeyAccessCommand,
  parseWinHttpCertCfg,
  removeKeyAccess,
  removeKeyAccessCommand,
  sameAccount,
  simpleNameString,
  subjectMatches,
} from '../../src/ops/winhttpcertcfg.ts';
import {createSelfSigned} from '../../src/certs/index.ts';
import {emptyNodeState} from '../../src/hosts/sandbox/state.ts';
import {sandboxCertFromDer} from '../../src/hosts/sandbox/tools/stores.ts';
import {winhttpcertcfg} from '../../src/hosts/sandbox/tools/winhttpcertcfg.ts';
import {FakeHost} from '../helpers/fake-host.ts';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');

const BANNER = 'Microsoft (R) WinHTTP Certificate Configuration Tool\nCopyright (C) Microsoft Corporation 2001.\n\n';
const ACCOUNT = 'NT Service\\SSISScaleOutWorker140';
const GRANT_ARGS = ['-g', '-c', 'LOCAL_MACHINE\\My', '-s', 'WORKER1', '-a', ACCOUNT];

describe('parseWinHttpCertCfg on the real samples', () => {
  test('grant: the matching subject and the account granted', () => {
    for (const text of [fixture('winhttpcertcfg-grant.txt'), crlf(fixture('winhttpcertcfg-grant.txt'))]) {
      assert.deepEqual(parseWinHttpCertCfg(text), {
        subject: 'CN=MEVANS-Z620.healinx.inside',
        granted: ['NT AUTHORITY\\NETWORK SERVICE'],
        alreadyGranted: [],
        removed: [],
        notPresent: false,
        accessList: null,
        errors: [],
      });
    }
  });

  test('already granted (two blank lines before the message)', () => {
    const out = parseWinHttpCertCfg(fixture('winhttpcertcfg-already-granted.txt'));
    assert.equal(out.subject, 'CN=MEVANS-Z620.healinx.inside');
    assert.deepEqual(out.alreadyGranted, ['NT AUTHORITY\\NETWORK SERVICE']);
    assert.deepEqual(out.granted, []);
    assert.deepEqual(out.errors, []);
  });

  test('certificate not found (two spaces after "Error:")', () => {
    const out = parseWinHttpCertCfg(fixture('winhttpcertcfg-error-cert-not-found.txt'));
    assert.deepEqual(out.errors, [{code: 'cert-not-found', message: 'Unable to find or obtain a context for requested certificate'}]);
    assert.equal(out.subject, null);
  });

  test('no account', () => {
    assert.deepEqual(parseWinHttpCertCfg(fixture('winhttpcertcfg-error-no-account.txt')).errors, [{code: 'no-account', message: 'No account information was found.'}]);
  });

  test('no access to the key: the indented second sentence belongs to the error', () => {
    const out = parseWinHttpCertCfg(crlf(BANNER + 'Matching certificate:\nCN=WORKER1\n\n') + fixture('winhttpcertcfg-error-no-key-access.txt'));
    assert.equal(out.subject, 'CN=WORKER1');
    assert.deepEqual(out.errors, [
      {code: 'no-key-access', message: 'Access was not successfully obtained for the private key. This can only be done by the user who installed the certificate.'},
    ]);
  });
});

describe('parseWinHttpCertCfg on the texts of the C source', () => {
  test('-l: the access list, with or without a blank line after the heading; a subject printed one RDN per line', () => {
    const real = `${BANNER}Matching certificate:\nCN=10.0.1.1\nCN=WORKER1\n\nAdditional accounts and groups with access to the private key include:\n    NT AUTHORITY\\SYSTEM\n    BUILTIN\\Administrators\n    NT SERVICE\\SSISScaleOutWorker140\n`;
    const sandbox = `${BANNER}Matching certificate:\nCN=10.0.1.1, CN=WORKER1\n\nAdditional accounts and groups with access to the private key include:\n\n    NT AUTHORITY\\SYSTEM\n    BUILTIN\\Administrators\n    NT SERVICE\\SSISScaleOutWorker140\n`;
    for (const text of [real, crlf(real), sandbox]) {
      const out = parseWinHttpCertCfg(text);
      assert.equal(out.subject, 'CN=10.0.1.1, CN=WORKER1');
      assert.deepEqual(out.accessList, ['NT AUTHORITY\\SYSTEM', 'BUILTIN\\Administrators', 'NT SERVICE\\SSISScaleOutWorker140']);
      assert.deepEqual(out.errors, []);
    }
  });

  test('-r: removed, or the account had no access (stderr, not an error)', () => {
    const removed = parseWinHttpCertCfg(`${BANNER}Matching certificate:\nCN=WORKER1\n\nRemoving private key access for account:\n    NT SERVICE\\SSISScaleOutWorker140\n`);
    assert.deepEqual(removed.removed, ['NT SERVICE\\SSISScaleOutWorker140']);
    assert.equal(removed.notPresent, false);
    const none = parseWinHttpCertCfg(`${BANNER}Matching certificate:\nCN=WORKER1\n\nAccount already does not have access to private key.\n\n`);
    assert.deepEqual(none.removed, []);
    assert.equal(none.notPresent, true);
    assert.deepEqual(none.errors, []);
  });

  test('NULL DACL, SID lookup, update failure and the usage text are errors', () => {
    const nullDacl = parseWinHttpCertCfg(
      `${BANNER}Matching certificate:\nCN=WORKER1\n\nOPERATION FAILED\nThe Discretionary Access Control List (DACL) for this object is a NULL DACL.  This implies everyone has full access to this object.\n`,
    );
    assert.deepEqual(
      nullDacl.errors.map((e) => e.code),
      ['null-dacl'],
    );
    const sid = parseWinHttpCertCfg('Error:  Unable to determine account name for SID, error = 0x534\n');
    assert.deepEqual(
      sid.errors.map((e) => e.code),
      ['sid-lookup'],
    );
    const update = parseWinHttpCertCfg('Error: Failed to grant access with error code 0x5\n\nError: Unable to update security info for key container, error = 0x5\n\n');
    assert.deepEqual(
      update.errors.map((e) => e.code),
      ['grant-failed', 'update-failed'],
    );
    assert.deepEqual(
      parseWinHttpCertCfg(`${BANNER}Usage:\n\n    winhttpcertcfg [-?]  : To view help information\n`).errors.map((e) => e.code),
      ['usage'],
    );
  });
});

describe('winhttpcertcfg commands', () => {
  test('grant, list and remove build the argv an admin would type', () => {
    assert.deepEqual(grantKeyAccessCommand('My', 'WORKER1', ACCOUNT), {command: 'winhttpcertcfg', args: GRANT_ARGS});
    assert.equal(formatCommand(grantKeyAccessCommand('My', 'WORKER1', ACCOUNT)), 'winhttpcertcfg -g -c LOCAL_MACHINE\\My -s WORKER1 -a "NT Service\\SSISScaleOutWorker140"');
    assert.equal(formatCommand(listKeyAccessCommand('My', 'WORKER1')), 'winhttpcertcfg -l -c LOCAL_MACHINE\\My -s WORKER1');
    assert.equal(formatCommand(removeKeyAccessCommand('My', '10.0.1.1', 'CONTOSO\\svc')), 'winhttpcertcfg -r -c LOCAL_MACHINE\\My -s 10.0.1.1 -a CONTOSO\\svc');
  });

  test('refuses an empty subject (it would match every certificate), a bad store, an account with a line break', () => {
    assert.throws(() => grantKeyAccessCommand('My', ' ', ACCOUNT), ToolError);
    assert.throws(() => listKeyAccessCommand('My\\x', 'WORKER1'), ToolError);
    assert.throws(() => removeKeyAccessCommand('My', 'WORKER1', 'a\nb'), ToolError);
  });
});

describe('winhttpcertcfg on a host', () => {
  test('grantKeyAccess: granted, then already granted', async () => {
    const host = new FakeHost([
      {command: 'winhttpcertcfg', args: GRANT_ARGS, stdout: fixture('winhttpcertcfg-grant.txt'), once: true},
      {command: 'winhttpcertcfg', args: GRANT_ARGS, stdout: fixture('winhttpcertcfg-already-granted.txt')},
    ]);
    assert.deepEqual(await grantKeyAccess(host, 'My', 'WORKER1', ACCOUNT), {subject: 'CN=MEVANS-Z620.healinx.inside', changed: true});
    assert.deepEqual(await grantKeyAccess(host, 'My', 'WORKER1', ACCOUNT), {subject: 'CN=MEVANS-Z620.healinx.inside', changed: false});
  });

  test('a failure that exits 0 is still a failure; the others carry their code', async () => {
    const cases: [string, string, number, string][] = [
      [`${BANNER}Matching certificate:\nCN=WORKER1\n\n`, fixture('winhttpcertcfg-error-no-key-access.txt'), 0, 'no-key-access'],
      [BANNER, fixture('winhttpcertcfg-error-cert-not-found.txt'), 144, 'cert-not-found'],
      [`${BANNER}Matching certificate:\nCN=WORKER1\n\n`, fixture('winhttpcertcfg-error-no-account.txt'), 84, 'no-account'],
    ];
    for (const [stdout, stderr, exitCode, code] of cases) {
      const host = new FakeHost([{command: 'winhttpcertcfg', args: GRANT_ARGS, stdout, stderr, exitCode}]);
      await assert.rejects(grantKeyAccess(host, 'My', 'WORKER1', ACCOUNT), (e: unknown) => {
        assert.ok(e instanceof ToolError, String(e));
        assert.equal(e.details.code, code);
        assert.equal(e.details.exitCode, exitCode);
        return true;
      });
    }
  });

  test('a non-zero exit code without a known message fails too', async () => {
    const host = new FakeHost([{command: 'winhttpcertcfg', args: GRANT_ARGS, stdout: BANNER, exitCode: 5}]);
    await assert.rejects(grantKeyAccess(host, 'My', 'WORKER1', ACCOUNT), /exit code 5/);
  });

  test('listKeyAccess and removeKeyAccess', async () => {
    const host = new FakeHost([
      {
        command: 'winhttpcertcfg',
        args: ['-l', '-c', 'LOCAL_MACHINE\\My', '-s', 'WORKER1'],
        stdout: `${BANNER}Matching certificate:\nCN=10.0.1.1, CN=WORKER1\n\nAdditional accounts and groups with access to the private key include:\n    NT AUTHORITY\\SYSTEM\n    NT SERVICE\\SSISScaleOutWorker140\n`,
      },
      {
        command: 'winhttpcertcfg',
        args: ['-r', '-c', 'LOCAL_MACHINE\\My', '-s', 'WORKER1', '-a', ACCOUNT],
        stdout: `${BANNER}Matching certificate:\nCN=10.0.1.1, CN=WORKER1\n\nRemoving private key access for account:\n    NT SERVICE\\SSISScaleOutWorker140\n`,
        once: true,
      },
      {
        command: 'winhttpcertcfg',
        args: ['-r', '-c', 'LOCAL_MACHINE\\My', '-s', 'WORKER1', '-a', ACCOUNT],
        stdout: `${BANNER}Matching certificate:\nCN=10.0.1.1, CN=WORKER1\n\n`,
        stderr: 'Account already does not have access to private key.\n\n',
      },
    ]);
    assert.deepEqual(await listKeyAccess(host, 'My', 'WORKER1'), {subject: 'CN=10.0.1.1, CN=WORKER1', accounts: ['NT AUTHORITY\\SYSTEM', 'NT SERVICE\\SSISScaleOutWorker140']});
    assert.equal((await removeKeyAccess(host, 'My', 'WORKER1', ACCOUNT)).changed, true);
    assert.equal((await removeKeyAccess(host, 'My', 'WORKER1', ACCOUNT)).changed, false);
  });
});

describe('subject matching as -s does it', () => {
  test('accounts compare case-insensitively; a bare name equals its qualified form', () => {
    assert.ok(sameAccount('NT SERVICE\\SSISScaleOutWorker140', ACCOUNT));
    assert.ok(sameAccount('SSISScaleOutWorker140', ACCOUNT));
    assert.ok(!sameAccount('CONTOSO\\SSISScaleOutWorker140', ACCOUNT));
    assert.ok(!sameAccount('NT AUTHORITY\\SYSTEM', ACCOUNT));
  });

  test('substring of the RDN values, case-insensitive; the first in store order wins', () => {
    assert.equal(simpleNameString('CN=10.0.1.1, CN=WORKER1'), '10.0.1.1, WORKER1');
    assert.ok(subjectMatches('CN=10.0.1.1, CN=WORKER1', 'worker1'));
    assert.ok(subjectMatches('CN=WORKER10', 'WORKER1'), 'a substring: WORKER1 also finds WORKER10');
    assert.ok(!subjectMatches('CN=WORKER1', 'CN='), 'labels are not part of the compared text');
    const certs = [
      {thumbprint: 'A', subject: 'CN=intranet.contoso.local'},
      {thumbprint: 'B', subject: 'CN=10.0.1.1, CN=WORKER1'},
      {thumbprint: 'C', subject: 'CN=10.0.1.1, CN=WORKER1'},
    ];
    assert.deepEqual(firstSubjectMatch(certs, 'worker1'), {first: certs[1], count: 2});
    assert.deepEqual(firstSubjectMatch(certs, 'nothing'), {first: undefined, count: 0});
  });
});

describe('what the sandbox prints, the parser reads', () => {
  test('-g, -l, -r and -r again on a sandbox node', async () => {
    const made = await createSelfSigned({commonNames: ['WORKER1', '10.0.1.1']});
    let state = emptyNodeState();
    state.stores['My'] = [sandboxCertFromDer(made.der, {keyPem: made.keyPem, exportable: true})];
    state.services['SSISScaleOutWorker140'] = {displayName: 'Worker', account: ACCOUNT, status: 'running', win32ExitCode: 0, startType: 'auto'};
    const files = {read: () => undefined, write: () => undefined, exists: () => false};
    const run = (args: string[]) => {
      const result = winhttpcertcfg.run({node: {name: 'worker1', machineName: 'WORKER1', fqdn: 'worker1', ip: '10.0.1.1', roles: []}, state, files, now: new Date()}, args);
      if (result.state) state = result.state;
      return {...parseWinHttpCertCfg(result.stdout + result.stderr), exitCode: result.exitCode};
    };
    const granted = run(['-g', '-c', 'LOCAL_MACHINE\\My', '-s', 'worker1', '-a', 'SSISScaleOutWorker140']);
    assert.equal(granted.subject, 'CN=10.0.1.1, CN=WORKER1');
    assert.deepEqual(granted.granted, [ACCOUNT]);
    assert.ok(run(['-l', '-c', 'LOCAL_MACHINE\\My', '-s', '10.0.1.1']).accessList!.includes(ACCOUNT));
    const removed = run(['-r', '-c', 'LOCAL_MACHINE\\My', '-s', 'WORKER1', '-a', ACCOUNT]);
    assert.deepEqual([removed.removed, removed.errors, removed.exitCode], [[ACCOUNT], [], 0]);
    assert.deepEqual(state.stores['My']![0]!.keyAcl, []);
    const again = run(['-r', '-c', 'LOCAL_MACHINE\\My', '-s', 'WORKER1', '-a', ACCOUNT]);
    assert.deepEqual([again.removed, again.notPresent, again.errors, again.exitCode], [[], true, [], 0]);
    assert.ok(!run(['-l', '-c', 'LOCAL_MACHINE\\My', '-s', 'WORKER1']).accessList!.includes(ACCOUNT));
  });
});

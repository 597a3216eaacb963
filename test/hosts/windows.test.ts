// The command lines certwalk builds for real Windows hosts, pinned: what runs on a server is exactly this.
import assert from 'node:assert/strict';
import {chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, win32} from 'node:path';
import {after, describe, test} from 'node:test';
import {RemoteHost} from '../../src/hosts/windows/remote-host.ts';
import {remoteCreateScript, remoteReadScript, remoteRunScript, remoteWriteScript} from '../../src/hosts/windows/remote-scripts.ts';
import {resolveCommand, resolveProgram} from '../../src/hosts/windows/resolve-program.ts';
import {parseInventory} from '../../src/hosts/windows/windows-fleet.ts';
import {encodedScriptOf, powershellArgs, psArray, psQuote, setsUtf8Output} from '../../src/ops/powershell.ts';

/** A folder for a stand-in powershell.exe, removed once the file's tests are done. */
const psDirs: string[] = [];
function psDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'certwalk-ps-'));
  psDirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of psDirs) rmSync(dir, {recursive: true, force: true});
});

describe('PowerShell invocation', () => {
  test('-EncodedCommand carries the script as UTF-16LE base64 after the line that makes its output UTF-8, with no profile and no prompts', () => {
    const args = powershellArgs('Get-Date');
    assert.deepEqual(args.slice(0, 3), ['-NoProfile', '-NonInteractive', '-EncodedCommand']);
    assert.equal(Buffer.from(args[3]!, 'base64').toString('utf16le'), '[Console]::OutputEncoding = [Text.Encoding]::UTF8\nGet-Date');
    assert.equal(encodedScriptOf(args), '[Console]::OutputEncoding = [Text.Encoding]::UTF8\nGet-Date');
  });

  test('a script sets UTF-8 output only on a line of its own; the spelling may vary as PowerShell allows', () => {
    assert.ok(setsUtf8Output('[Console]::OutputEncoding = [Text.Encoding]::UTF8\nGet-Date'));
    assert.ok(setsUtf8Output("$ErrorActionPreference = 'Stop'\r\n[System.Console]::OutputEncoding=[System.Text.Encoding]::utf8;\r\nexit 0"));
    assert.ok(!setsUtf8Output('Get-Date'));
    assert.ok(!setsUtf8Output("'[Console]::OutputEncoding = [Text.Encoding]::UTF8'"));
    assert.equal(encodedScriptOf(['-Command', 'Get-Date']), null);
  });

  test('values are single-quoted literals: no expansion, quotes doubled (typographic ones too), unicode kept', () => {
    assert.equal(psQuote("O'Brien"), "'O''Brien'");
    assert.equal(psQuote('WORKER 1 ’s $cert'), "'WORKER 1 ’’s $cert'");
    assert.equal(psQuote('Sérveur-東京'), "'Sérveur-東京'");
    assert.equal(psQuote(''), "''");
    assert.equal(psArray(['a b', "it's"]), "@('a b', 'it''s')");
  });

  test('a remote program call passes the program and every argument as data, with the password on stdin', () => {
    const script = remoteRunScript(
      'worker1.contoso.local',
      'winhttpcertcfg',
      ['-g', '-c', 'LOCAL_MACHINE\\My', '-s', 'WORKER 1 ’s $cert', '-a', 'NT Service\\SSISScaleOutWorker140'],
      true,
    );
    assert.equal(
      script,
      [
        "$ErrorActionPreference = 'Stop'",
        '$user = [Console]::In.ReadLine()',
        '$cred = New-Object System.Management.Automation.PSCredential($user, ([Console]::In.ReadLine() | ConvertTo-SecureString -AsPlainText -Force))',
        "$r = Invoke-Command -ComputerName 'worker1.contoso.local' -Credential $cred -ScriptBlock {",
        '  param([string]$exe, [string[]]$argv)',
        "  try { [Console]::OutputEncoding = [Text.Encoding]::GetEncoding([int](Get-ItemProperty -LiteralPath 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage' -ErrorAction Stop).OEMCP) } catch { }",
        '  $out = & $exe @argv 2>&1 | Out-String',
        '  [pscustomobject]@{ExitCode = $LASTEXITCODE; Output = $out}',
        "} -ArgumentList 'winhttpcertcfg', @('-g', '-c', 'LOCAL_MACHINE\\My', '-s', 'WORKER 1 ’’s $cert', '-a', 'NT Service\\SSISScaleOutWorker140')",
        '[Console]::Out.Write($r.Output)',
        'exit $r.ExitCode',
      ].join('\n'),
    );
  });

  test('a file read on a node with a space and a quote in its path', () => {
    assert.equal(
      remoteReadScript('master', "C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\O'Neil.config", false),
      [
        "$ErrorActionPreference = 'Stop'",
        "Invoke-Command -ComputerName 'master' -ScriptBlock { param([string]$p) [Convert]::ToBase64String([IO.File]::ReadAllBytes($p)) } -ArgumentList 'C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\O''Neil.config'",
      ].join('\n'),
    );
  });

  test('input for the remote program: read after the credential lines, handed over as data and piped to its stdin', () => {
    const script = remoteRunScript('fe2.contoso.com', 'powershell', ['-NoProfile', '-NonInteractive', '-EncodedCommand', 'AAAA'], true, true);
    assert.equal(
      script,
      [
        "$ErrorActionPreference = 'Stop'",
        '$user = [Console]::In.ReadLine()',
        '$cred = New-Object System.Management.Automation.PSCredential($user, ([Console]::In.ReadLine() | ConvertTo-SecureString -AsPlainText -Force))',
        '$payload = [Console]::In.ReadToEnd()',
        "$r = Invoke-Command -ComputerName 'fe2.contoso.com' -Credential $cred -ScriptBlock {",
        '  param([string]$exe, [string[]]$argv, [string]$payload)',
        "  try { [Console]::OutputEncoding = [Text.Encoding]::GetEncoding([int](Get-ItemProperty -LiteralPath 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage' -ErrorAction Stop).OEMCP) } catch { }",
        '  $out = $payload | & $exe @argv 2>&1 | Out-String',
        '  [pscustomobject]@{ExitCode = $LASTEXITCODE; Output = $out}',
        "} -ArgumentList 'powershell', @('-NoProfile', '-NonInteractive', '-EncodedCommand', 'AAAA'), $payload",
        '[Console]::Out.Write($r.Output)',
        'exit $r.ExitCode',
      ].join('\n'),
    );
  });

  test('an argument with a double quote is refused rather than mangled by Windows PowerShell', () => {
    assert.throws(() => remoteRunScript('w1', 'netsh', ['a"b'], false), /double quote/);
  });
});

describe('program resolution', () => {
  const files = new Set(['C:\\Windows\\System32\\netsh.exe', 'C:\\Windows\\System32\\certutil.exe', 'D:\\tools\\winhttpcertcfg.exe']);
  const exists = (p: string) => files.has(p);
  const env = {Path: ';.;C:\\Windows\\System32;D:\\tools', PATHEXT: '.COM;.EXE;.BAT'};

  test('skips the current folder (empty and relative PATH entries) and applies PATHEXT', () => {
    assert.equal(resolveProgram('netsh', env, exists, win32), 'C:\\Windows\\System32\\netsh.exe');
    assert.equal(resolveProgram('winhttpcertcfg', env, exists, win32), 'D:\\tools\\winhttpcertcfg.exe');
  });

  test('refuses relative paths and says when a program is missing', () => {
    assert.throws(() => resolveProgram('.\\netsh.exe', env, exists, win32), /current folder/);
    assert.throws(() => resolveProgram('makecert', env, exists, win32), /"makecert" was not found on PATH/);
  });

  test("az (az.cmd) starts the Azure CLI's python.exe with az.cmd's arguments; other batch files are refused", () => {
    const cli = 'C:\\Program Files\\Microsoft SDKs\\Azure\\CLI2';
    const withAz = new Set([...files, `${cli}\\wbin\\az.cmd`, `${cli}\\python.exe`, 'D:\\tools\\deploy.bat']);
    const azEnv = {Path: `C:\\Windows\\System32;${cli}\\wbin;D:\\tools`, PATHEXT: '.COM;.EXE;.BAT;.CMD'};
    assert.deepEqual(
      resolveCommand('az', azEnv, (p) => withAz.has(p), win32),
      {file: `${cli}\\python.exe`, prefixArgs: ['-IBm', 'azure.cli']},
    );
    assert.deepEqual(
      resolveCommand('netsh', azEnv, (p) => withAz.has(p), win32),
      {file: 'C:\\Windows\\System32\\netsh.exe', prefixArgs: []},
    );
    assert.throws(
      () => resolveCommand('deploy', azEnv, (p) => withAz.has(p), win32),
      /"deploy" is the batch file D:\\tools\\deploy\.bat; Node will not start a batch file without a shell/,
    );
    withAz.delete(`${cli}\\python.exe`);
    assert.throws(() => resolveCommand('az', azEnv, (p) => withAz.has(p), win32), /python\.exe, which is not at .*CLI2\\python\.exe: repair the Azure CLI/);
  });
});

describe('RemoteHost through a stand-in powershell.exe', () => {
  test('runs powershell.exe with the encoded script; the credential goes on stdin, never in the arguments', async () => {
    // Given a fake powershell.exe that reports its arguments and standard input
    const dir = psDir();
    const fake = join(dir, 'powershell.exe');
    writeFileSync(
      fake,
      `#!${process.execPath}\nlet input='';process.stdin.on('data',d=>input+=d);process.stdin.on('end',()=>{process.stdout.write(JSON.stringify({args:process.argv.slice(2),input}));process.exit(3);});\n`,
    );
    chmodSync(fake, 0o755);
    const host = new RemoteHost(
      {name: 'worker1', machineName: 'WORKER1', fqdn: 'worker1.contoso.local', ip: '10.0.1.1', roles: ['ssis-worker']},
      {user: 'CONTOSO\\admin', password: 'pa55 w0rd!'},
      {Path: dir, PATHEXT: '.EXE'},
    );
    // When it runs netsh on the node
    const result = await host.run('netsh', ['http', 'show', 'sslcert', 'ipport=0.0.0.0:8391']);
    // Then powershell.exe got exactly the encoded script, and the password only on stdin
    const seen = JSON.parse(result.stdout) as {args: string[]; input: string};
    assert.deepEqual(seen.args, powershellArgs(remoteRunScript('worker1.contoso.local', 'netsh', ['http', 'show', 'sslcert', 'ipport=0.0.0.0:8391'], true)));
    assert.ok(!seen.args.join(' ').includes('pa55'));
    assert.equal(seen.input, 'CONTOSO\\admin\npa55 w0rd!\n');
    assert.equal(result.exitCode, 3, 'the remote exit code comes back');
  });
});

describe('RemoteHost with input for the remote program', () => {
  test('the credential lines come first, then the input; neither is in the arguments', async () => {
    const dir = psDir();
    const fake = join(dir, 'powershell.exe');
    writeFileSync(
      fake,
      `#!${process.execPath}\nlet input='';process.stdin.on('data',d=>input+=d);process.stdin.on('end',()=>{process.stdout.write(JSON.stringify({args:process.argv.slice(2),input}));});\n`,
    );
    chmodSync(fake, 0o755);
    const node = {name: 'fe2', machineName: 'FE2', fqdn: 'fe2.contoso.com', ip: '10.0.2.12', roles: ['lync-fe']};
    const withCredential = new RemoteHost(node, {user: 'CONTOSO\\admin', password: 'pa55'}, {Path: dir, PATHEXT: '.EXE'});
    const seen = JSON.parse((await withCredential.run('powershell', ['-EncodedCommand', 'AAAA'], {input: 'pfx-secret\n'})).stdout) as {args: string[]; input: string};
    assert.deepEqual(seen.args, powershellArgs(remoteRunScript('fe2.contoso.com', 'powershell', ['-EncodedCommand', 'AAAA'], true, true)));
    assert.equal(seen.input, 'CONTOSO\\admin\npa55\npfx-secret\n');
    assert.ok(!seen.args.join(' ').includes('pfx-secret'));
    const withoutCredential = new RemoteHost(node, null, {Path: dir, PATHEXT: '.EXE'});
    const alone = JSON.parse((await withoutCredential.run('powershell', ['-EncodedCommand', 'AAAA'], {input: 'pfx-secret\n'})).stdout) as {args: string[]; input: string};
    assert.deepEqual(alone.args, powershellArgs(remoteRunScript('fe2.contoso.com', 'powershell', ['-EncodedCommand', 'AAAA'], false, true)));
    assert.equal(alone.input, 'pfx-secret\n');
  });
});

describe('RemoteHost.writeFile', () => {
  test('the file content (a key, a PFX) goes on stdin after the credential, never in the arguments', async () => {
    // Given a stand-in powershell.exe that records its arguments and standard input in a file
    const dir = psDir();
    const fake = join(dir, 'powershell.exe');
    const seenFile = join(dir, 'seen.json');
    writeFileSync(
      fake,
      `#!${process.execPath}\nlet input='';process.stdin.on('data',d=>input+=d);process.stdin.on('end',()=>{require('node:fs').writeFileSync(${JSON.stringify(seenFile)},JSON.stringify({args:process.argv.slice(2),input}));});\n`,
    );
    chmodSync(fake, 0o755);
    const node = {name: 'mlclient', machineName: 'MLCLIENT', fqdn: 'mlclient.contoso.com', ip: '10.0.3.10', roles: ['azureml-client']};
    const host = new RemoteHost(node, {user: 'CONTOSO\\admin', password: 'pa55'}, {Path: dir, PATHEXT: '.EXE'});
    const key = Buffer.from('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----\n');
    // When a private key is written to the node
    await host.writeFile('C:\\Users\\admin\\key.pem', key);
    // Then the script is the pinned one, without the content; the content arrives on stdin after the credential
    const seen = JSON.parse(readFileSync(seenFile, 'utf8')) as {args: string[]; input: string};
    assert.deepEqual(seen.args, powershellArgs(remoteWriteScript('mlclient.contoso.com', 'C:\\Users\\admin\\key.pem', true)));
    assert.ok(!Buffer.from(seen.args.at(-1)!, 'base64').toString('utf16le').includes(key.toString('base64')));
    assert.equal(seen.input, `CONTOSO\\admin\npa55\n${key.toString('base64')}\n`);
  });
});

describe('RemoteHost.createFileExclusive', () => {
  test('one remoting call that creates the file or says it exists: CreateNew, nobody reads it half-written, a failed write removes it', () => {
    assert.equal(
      remoteCreateScript('worker3.contoso.local', "C:\\ProgramData\\certwalk\\O'Neil.lock", true),
      [
        "$ErrorActionPreference = 'Stop'",
        '$user = [Console]::In.ReadLine()',
        '$cred = New-Object System.Management.Automation.PSCredential($user, ([Console]::In.ReadLine() | ConvertTo-SecureString -AsPlainText -Force))',
        '$b = [Console]::In.ReadToEnd().Trim()',
        "Invoke-Command -ComputerName 'worker3.contoso.local' -Credential $cred -ScriptBlock { " +
          'param([string]$p, [string]$b) ' +
          "$ErrorActionPreference = 'Stop'; " +
          '[void][IO.Directory]::CreateDirectory([IO.Path]::GetDirectoryName($p)); ' +
          "try { $f = [IO.File]::Open($p, [IO.FileMode]::CreateNew, [IO.FileAccess]::Write, [IO.FileShare]::None) } catch { if ([IO.File]::Exists($p)) { 'exists'; return }; throw }; " +
          'try { $d = [Convert]::FromBase64String($b); $f.Write($d, 0, $d.Length); $f.Dispose() } catch { $f.Dispose(); [IO.File]::Delete($p); throw }; ' +
          "'created' } -ArgumentList 'C:\\ProgramData\\certwalk\\O''Neil.lock', $b",
      ].join('\n'),
    );
  });

  test('through a stand-in powershell.exe: the pinned script, the content on stdin, created / exists / a failure naming the node and path', async () => {
    // Given a stand-in powershell.exe that records what it got and prints the answer (and exit code) it is told to
    const dir = psDir();
    const fake = join(dir, 'powershell.exe');
    const seenFile = join(dir, 'seen.json');
    const answerFile = join(dir, 'answer.json');
    writeFileSync(
      fake,
      `#!${process.execPath}\nconst fs=require('node:fs');let input='';process.stdin.on('data',d=>input+=d);process.stdin.on('end',()=>{fs.writeFileSync(${JSON.stringify(seenFile)},JSON.stringify({args:process.argv.slice(2),input}));const a=JSON.parse(fs.readFileSync(${JSON.stringify(answerFile)},'utf8'));process.stdout.write(a.stdout);process.stderr.write(a.stderr);process.exit(a.code);});\n`,
    );
    chmodSync(fake, 0o755);
    const answer = (stdout: string, code = 0, stderr = '') => writeFileSync(answerFile, JSON.stringify({stdout, stderr, code}));
    const node = {name: 'worker3', machineName: 'WORKER3', fqdn: 'worker3.contoso.local', ip: '10.0.1.3', roles: ['ssis-worker']};
    const host = new RemoteHost(node, {user: 'CONTOSO\\admin', password: 'pa55'}, {Path: dir, PATHEXT: '.EXE'});
    const path = 'C:\\ProgramData\\certwalk\\node.lock';
    const record = Buffer.from('{"token": "abc"}\n');

    answer('created\r\n');
    assert.equal(await host.createFileExclusive(path, record), true);
    const seen = JSON.parse(readFileSync(seenFile, 'utf8')) as {args: string[]; input: string};
    assert.deepEqual(seen.args, powershellArgs(remoteCreateScript('worker3.contoso.local', path, true)));
    assert.equal(seen.input, `CONTOSO\\admin\npa55\n${record.toString('base64')}\n`);

    answer('exists\r\n');
    assert.equal(await host.createFileExclusive(path, record), false);

    answer(
      '',
      1,
      'Exception calling "CreateDirectory": "Cannot create \'C:\\ProgramData\\certwalk\' because a file or directory with the same name already exists."\r\nAt line:1\r\n',
    );
    await assert.rejects(host.createFileExclusive(path, record), {
      message: `worker3.contoso.local: could not create ${path}: Exception calling "CreateDirectory": "Cannot create 'C:\\ProgramData\\certwalk' because a file or directory with the same name already exists."`,
    });

    answer('something else\r\n');
    await assert.rejects(host.createFileExclusive(path, record), /worker3\.contoso\.local: could not create .*node\.lock: unexpected answer "something else"/);
  });
});

describe('inventory', () => {
  test('fills defaults and refuses what it cannot use', () => {
    const inv = parseInventory(JSON.stringify({nodes: [{name: 'master', roles: ['ssis-master'], fqdn: 'master.contoso.local'}]}), 'fleet.json');
    assert.deepEqual(inv.nodes[0], {name: 'master', machineName: 'MASTER', fqdn: 'master.contoso.local', ip: '', roles: ['ssis-master']});
    assert.throws(() => parseInventory('{', 'f.json'), /f\.json is not JSON/);
    assert.throws(() => parseInventory('{"nodes":[]}', 'f.json'), /^Error: f\.json: "nodes" is empty$/);
    assert.throws(() => parseInventory('{"nodes":[{"name":"a","roles":[]},{"name":"A","roles":[]}]}', 'f.json'), /f\.json: nodes\[1\]\.name: "A" is listed twice/);
    assert.throws(() => parseInventory('{"nodes":[{"name":"a"}]}', 'f.json'), /f\.json: nodes\[0\]\.roles must be a list of strings \(e\.g\. \["ssis-master"\]\), got nothing/);
  });

  // Each malformed field is one error naming the file and the field, not a TypeError later (issue 17).
  test('a field of the wrong type is named with its file, index and value', () => {
    const node = (extra: object) =>
      JSON.stringify({
        nodes: [
          {name: 'a', roles: ['ssis-master']},
          {name: 'b', roles: ['ssis-worker'], ...extra},
        ],
      });
    const cases: [object, RegExp][] = [
      [{fqdn: 123}, /^hosts\.json: nodes\[1\]\.fqdn must be a string, got 123$/],
      [{machineName: null}, /^hosts\.json: nodes\[1\]\.machineName must be a string, got null$/],
      [{roles: {ssis: true}}, /^hosts\.json: nodes\[1\]\.roles must be a list of strings \(e\.g\. \["ssis-master"\]\), got an object$/],
      [{roles: [{name: 'ssis-worker'}]}, /^hosts\.json: nodes\[1\]\.roles\[0\] must be a non-empty string, got an object$/],
      [{name: ''}, /^hosts\.json: nodes\[1\]\.name must not be empty$/],
      [{ip: false}, /^hosts\.json: nodes\[1\]\.ip must be a string, got false$/],
      [{transport: 'ssh'}, /^hosts\.json: nodes\[1\]\.transport must be "local" or "remote", got "ssh"$/],
    ];
    for (const [extra, message] of cases)
      assert.throws(
        () => parseInventory(node(extra), 'hosts.json'),
        (error: Error) => message.test(error.message),
        JSON.stringify(extra),
      );
    assert.throws(() => parseInventory('[1]', 'hosts.json'), /^Error: hosts\.json must hold a JSON object with a "nodes" list, got a list$/);
    assert.throws(() => parseInventory('{"nodes": [7]}', 'hosts.json'), /^Error: hosts\.json: nodes\[0\] must be an object with "name" and "roles", got 7$/);
    assert.throws(() => parseInventory('{"nodes": {}}', 'hosts.json'), /^Error: hosts\.json: "nodes" must be a list of nodes, got an object$/);
  });
});

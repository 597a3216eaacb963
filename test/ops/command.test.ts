// Command display: the script a PowerShell command line carries as -EncodedCommand, for the transcript.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {encodedScript, formatCommand} from '../../src/ops/command.ts';
import {powershellArgs, UTF8_OUTPUT_LINE} from '../../src/ops/powershell.ts';

test('encodedScript decodes -EncodedCommand (UTF-16LE base64) of powershell, whatever the spelling', () => {
  const script = '$cert = Get-CsCertificate -Type OAuthTokenIssuer\n$cert | ConvertTo-Json -Depth 3 # café ☕';
  // powershellArgs puts the line that makes the output UTF-8 first.
  assert.equal(encodedScript({command: 'powershell', args: powershellArgs(script)}), `${UTF8_OUTPUT_LINE}\n${script}`);
  assert.equal(encodedScript({command: 'PowerShell.exe', args: ['-NoProfile', '-enc', Buffer.from('exit 3', 'utf16le').toString('base64')]}), 'exit 3');
  assert.equal(encodedScript({command: 'pwsh', args: ['-EncodedCommand', Buffer.from('1', 'utf16le').toString('base64')]}), '1');
  // The command line itself stays one line, the base64 as it is.
  assert.match(formatCommand({command: 'powershell', args: powershellArgs(script)}), /^powershell -NoProfile -NonInteractive -EncodedCommand [A-Za-z0-9+/]+=*$/);
});

test('encodedScript is null for other programs and for -Command scripts (already readable)', () => {
  assert.equal(encodedScript({command: 'netsh', args: ['http', 'show', 'sslcert']}), null);
  assert.equal(encodedScript({command: 'powershell', args: ['-Command', 'Get-Date']}), null);
  assert.equal(encodedScript({command: 'powershell', args: ['-EncodedCommand']}), null);
  assert.equal(encodedScript({command: 'certutil', args: ['-EncodedCommand', 'AAAA']}), null);
});

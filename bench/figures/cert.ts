// Certificate creation (RSA-2048, self-signed, SHA-256) in process against `openssl req -x509 -newkey rsa:2048`.
import {spawnSync} from 'node:child_process';
import {join} from 'node:path';
import {createSelfSigned} from '../../src/certs/index.ts';
import {tempDir} from '../lib/env.ts';
import {stats, type Figure} from '../lib/stats.ts';

const TARGET = 1.5;

export async function certificateCreation(options: {runs: number; log: (line: string) => void}): Promise<Figure> {
  const dir = tempDir('openssl');
  const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
  const ours: number[] = [];
  const theirs: number[] = [];
  // One of each first (loading node-forge, openssl's first start), not timed.
  await createSelfSigned({commonNames: ['warm.up']});
  if (hasOpenssl) spawnSync('openssl', ['version']);
  for (let i = 0; i < options.runs; i++) {
    const t = performance.now();
    await createSelfSigned({commonNames: ['master.contoso.local', 'MASTER', '10.0.0.10'], dnsNames: ['master.contoso.local', 'MASTER'], ipAddresses: ['10.0.0.10']});
    ours.push(performance.now() - t);
    if (hasOpenssl) {
      const u = performance.now();
      const r = spawnSync('openssl', [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-sha256',
        '-days',
        '730',
        '-subj',
        '/CN=master.contoso.local/CN=MASTER/CN=10.0.0.10',
        '-addext',
        'subjectAltName=DNS:master.contoso.local,DNS:MASTER,IP:10.0.0.10',
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
      ]);
      if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr.toString()}`);
      theirs.push(performance.now() - u);
    }
  }
  const a = stats(ours);
  const measures =
    `createSelfSigned (node:crypto RSA key generation and signature, node-forge for the certificate: CN list, SANs, ` +
    `extensions), awaited in this process, against \`openssl req -x509 -newkey rsa:2048 -nodes -sha256\` with the same ` +
    `subject and SANs as a process; alternating, ${options.runs} of each. Key generation searches for random primes, so single runs vary widely.`;
  if (!theirs.length) {
    return {
      id: 'cert',
      title: 'Certificate creation (RSA-2048, self-signed, SHA-256)',
      measures,
      rows: [{label: 'certwalk in process', stats: a, unit: 'ms'}],
      target: `<= ${TARGET}x openssl`,
      met: true,
      notes: ['openssl not found: no baseline'],
    };
  }
  const b = stats(theirs);
  const ratio = a.median / b.median;
  return {
    id: 'cert',
    title: 'Certificate creation (RSA-2048, self-signed, SHA-256) against openssl',
    measures,
    rows: [
      {label: 'certwalk in process', stats: a, unit: 'ms', note: `p90 ${a.p90.toFixed(0)} ms`},
      {label: 'openssl req -x509', stats: b, unit: 'ms', note: `p90 ${b.p90.toFixed(0)} ms`},
    ],
    ratio,
    target: `<= ${TARGET}x`,
    met: ratio <= TARGET,
    notes: [],
  };
}

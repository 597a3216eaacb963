// `npm run bench`: figures, each against a baseline measured in the same run. No pass/fail here: targets live in
// BENCHMARKS.md and in review, never in timed tests.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createSelfSigned} from '../src/certs/index.ts';

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return {median, min: sorted[0]!, max: sorted.at(-1)!};
}

function fmt(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

async function certificateCreation(runs: number) {
  const ours: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await createSelfSigned({commonNames: ['master.contoso.local', 'MASTER', '10.0.0.10'], dnsNames: ['master.contoso.local', 'MASTER'], ipAddresses: ['10.0.0.10']});
    ours.push(performance.now() - t);
  }
  const openssl: number[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'certwalk-bench-'));
  const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
  if (hasOpenssl) {
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '730', '-subj', '/CN=master.contoso.local', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')]);
      openssl.push(performance.now() - t);
    }
  }
  rmSync(dir, {recursive: true, force: true});
  const a = stats(ours);
  console.log(`certificate creation (RSA-2048, self-signed, SHA-256), ${runs} runs`);
  console.log(`  certwalk in process   median ${fmt(a.median)}  (min ${fmt(a.min)}, max ${fmt(a.max)})`);
  if (openssl.length) {
    const b = stats(openssl);
    console.log(`  openssl req -x509     median ${fmt(b.median)}  (min ${fmt(b.min)}, max ${fmt(b.max)})`);
    console.log(`  ratio (medians)       ${(a.median / b.median).toFixed(2)}x`);
  } else {
    console.log('  openssl not found: no baseline');
  }
}

await certificateCreation(Number(process.env.BENCH_RUNS ?? 10));

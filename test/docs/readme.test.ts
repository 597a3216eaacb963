// README.md stays short and every document it points to exists: reference belongs in docs/, linked.
import assert from 'node:assert/strict';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function relativeLinks(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!).filter((target) => !/^[a-z]+:/i.test(target));
}

test('README.md is at most 8 KB', () => {
  const size = readFileSync(join(root, 'README.md')).length;
  assert.ok(size <= 8192, `README.md is ${size} bytes; move reference to docs/`);
});

test('every relative link of README.md and docs/*.md names a file that exists', () => {
  const files = [
    'README.md',
    ...readdirSync(join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  const broken = files.flatMap((file) =>
    relativeLinks(file)
      .filter((target) => !existsSync(join(root, dirname(file), target)))
      .map((target) => `${file} → ${target}`),
  );
  assert.deepEqual(broken, []);
});

// docs/PARAMETERS.md is generated from the procedures' parameter specs: a spec changed without `npm run docs` fails here.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {parametersDocPath, readParameters, renderParameters} from '../../scripts/parameter-docs.ts';
import {procedures} from '../../src/procedures/index.ts';

test("docs/PARAMETERS.md is what the procedures' parameter specs generate", async () => {
  const read = await readParameters();
  assert.deepEqual(
    read.map((p) => p.id),
    procedures.map((p) => p.id),
    'every procedure, in menu order',
  );
  assert.equal(readFileSync(parametersDocPath, 'utf8'), renderParameters(read), 'docs/PARAMETERS.md is stale: run `npm run docs`');
});

test("a parameter table names aliases, the secret's variable and choices, and escapes a | in help", () => {
  const text = renderParameters([
    {
      id: 'demo',
      title: 'Demo',
      specs: [
        {key: 'workers', label: 'Workers', help: 'one | many', aliases: ['worker'], choices: [{value: 'all', label: 'all'}]},
        {key: 'password', label: 'Password', help: 'typed without echo', secret: true, env: 'DEMO_PASSWORD'},
        {
          key: 'thumbprint',
          label: 'Thumbprint',
          help: 'in My',
          choices: [
            {value: 'A'.repeat(40), label: ''},
            {value: 'B'.repeat(40), label: ''},
          ],
        },
      ],
    },
  ]);
  assert.match(text, /^\| `workers` \(alias `worker`\) \| \*\*Workers\.\*\* one \\\| many \| `all` \|$/m);
  assert.match(text, /^\| `password` \| \*\*Password\.\*\* typed without echo Secret: `certwalk run` reads `DEMO_PASSWORD`\. \| free text \|$/m);
  assert.match(text, /^\| `thumbprint` \| \*\*Thumbprint\.\*\* in My \| a certificate's thumbprint \|$/m);
});

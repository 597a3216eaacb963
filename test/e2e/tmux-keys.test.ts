// Keys as they reach certwalk over RDP and ssh, through the real binary in tmux (80×24): several keys in one chunk,
// letters typed as one burst, keys 10 ms apart, Backspace held down, a paste, then quitting half-way.
import assert from 'node:assert/strict';
import {setTimeout as delay} from 'node:timers/promises';
import {describe, test} from 'node:test';
import {open, world} from '../helpers/e2e.ts';
import type {Tmux} from '../helpers/tmux.ts';

const PROCEDURES = [
  'SSIS Scale Out: change the Master certificate',
  'SSIS Scale Out: change a Worker certificate',
  'Azure ML cluster: SSL for real-time scoring',
  'Lync Server 2013: check the OAuthTokenIssuer certificate',
];

/** The menu row the pointer is on. */
function pointed(screen: string): string {
  return screen.split('\n').find((l) => l.trimStart().startsWith('❯')) ?? '';
}

/** Waits until the pointer is on `title` (the keys' last frame, not a frame drawn half-way through them). */
async function pointerOn(tmux: Tmux, title: string): Promise<string> {
  return tmux.waitFor((s) => pointed(s).includes(title), 10_000).catch(() => assert.fail(`the pointer is not on "${title}":\n${tmux.screen()}`));
}

describe('keys in bursts, through the real binary (tmux, 80×24)', () => {
  test('Home: Down Down Down in one chunk moves three, jjj typed as one burst three more, eight Ups 10 ms apart eight back (wrapping); Down Enter opens the second procedure', async () => {
    const tmux = open(world('keys'), 80, 24);
    try {
      await tmux.waitFor('Choose a procedure:');
      tmux.burst('Down', 'Down', 'Down');
      await pointerOn(tmux, PROCEDURES[3]!);
      tmux.burstText('jjj');
      const six = await tmux.waitFor((s) => pointed(s).includes('Lync Server 2013: roll'));
      assert.ok(pointed(six).includes('roll the OAuthTokenIssuer certificate at a date'), six);
      for (let i = 0; i < 8; i++) {
        tmux.burst('Up');
        await delay(10);
      }
      // From the seventh of nine, eight Ups wrap round to the eighth.
      await pointerOn(tmux, 'remove the expired previous OAuthTokenIssuer certificate');
      tmux.burst('Up', 'Up', 'Up', 'Up', 'Up', 'Up', 'Up', 'Down', 'Enter');
      await tmux.waitFor('SSIS Scale Out: change a Worker certificate · parameters');
    } finally {
      tmux.kill();
    }
  });

  test('a text field: ten Backspaces in one burst empty it, a paste lands whole (its "q" no command), Esc leaves a list unchanged; q quits half-way', async () => {
    const tmux = open(world('keys-field'), 80, 24);
    try {
      await tmux.waitFor('Choose a procedure:');
      tmux.burst('Down', 'Enter');
      await tmux.waitFor('Continue to the plan →');
      // Workers is a list: it opens on worker1, and Esc leaves the value as it was
      tmux.burst('Enter');
      await tmux.waitFor((s) => pointed(s).includes('worker1'));
      tmux.burst('Up', 'Escape');
      const form = await tmux.waitFor(/^› Workers\s+worker1\s*$/m);
      // Key size: Downs to its row and Enter in one burst, ten Backspaces at once, then a paste with a letter that is
      // also a command. The number of Downs is read off the form, so a new parameter above Key size does not break it.
      const rows = form.split('\n');
      const downs = rows.findIndex((row) => /^\s+Key size\s/.test(row)) - rows.findIndex((row) => row.startsWith('› Workers'));
      assert.ok(downs > 0, `no Key size row below Workers:\n${form}`);
      tmux.burst(...Array<string>(downs).fill('Down'), 'Enter');
      await tmux.waitFor('Key size: RSA key size');
      tmux.burst(...Array<string>(10).fill('BSpace'));
      await tmux.waitFor(/^› ?\s*$/m);
      tmux.paste('3072q');
      await tmux.waitFor(/^› 3072q ?\s*$/m);
      tmux.burst('BSpace', 'Enter');
      await tmux.waitFor(/^› Key size\s+3072\s*$/m);
      // Nothing has changed yet: q quits at once
      tmux.burstText('q');
      await tmux.waitFor('[exited 0]');
    } finally {
      tmux.kill();
    }
  });
});

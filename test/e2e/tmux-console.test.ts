// End to end: the real binary in a real terminal (tmux) with `--lang fr --ascii`, as on a French Windows Server's
// console over RDP: the French Home screen in nothing but printable ASCII at 80×24, the key table in French with the
// arrows spelled out, and the language taken from the locale when no flag is given.
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {assertFits, open, ROOT, world} from '../helpers/e2e.ts';
import {Tmux} from '../helpers/tmux.ts';

const PRINTABLE_ASCII = /^[\x20-\x7E\n]*$/;

describe('console support (tmux, 80×24)', () => {
  test('certwalk --lang fr --ascii: the French Home in ASCII, then its key table', async () => {
    const w = world('console', '--workers', '1');
    const tmux = open(w, 80, 24, '--lang', 'fr', '--ascii');
    const home = await tmux.waitFor('Choisissez une procedure :');
    assertFits(home, 80, 24);
    assert.match(home, PRINTABLE_ASCII, `not ASCII:\n${home}`);
    assert.match(home, /^certwalk \| rotation des certificats, etape par etape, avec restauration$/m);
    assert.match(home, /^> SSIS Scale Out : changer le certificat du Master$/m);
    assert.match(home, /^ {2}Lync Server 2013 : OAuthTokenIssuer a la main \(MMC \+ Assistant Deploiement\)$/m);
    assert.match(home, /^Up\/Dn\/jk deplacer \| Entree choisir \| t sessions passees \| \? aide \| q quitter$/m);

    // The highlight moves with the arrow keys and the summary follows it
    await tmux.keys('Down');
    const moved = await tmux.waitFor(/^> SSIS Scale Out : changer le certificat d'un Worker$/m);
    assert.match(moved, /^ssis-worker: Nouveau certificat pour un ou plusieurs Workers/m);

    await tmux.keys('?');
    const help = await tmux.waitFor('Touches de certwalk');
    assertFits(help, 80, 24);
    assert.match(help, PRINTABLE_ASCII, `not ASCII:\n${help}`);
    assert.match(help, /^Up \/ k +monter \/ faire defiler vers le haut +partout$/m);
    assert.match(help, /^n \/ Echap +non \(par defaut\) : pause, rien n'est execute +confirmation$/m);

    await tmux.keys('Escape');
    await tmux.waitFor('Choisissez une procedure :');
    await tmux.keys('q');
    await tmux.waitFor('[exited 0]');
  });

  test('no flags: LANG=ko_KR.UTF-8 gives the Korean Home, drawn in Unicode', async () => {
    const w = world('console-ko', '--workers', '1');
    const tmux = Tmux.start([process.execPath, 'bin/certwalk.js', '--sandbox', w.dir], {
      width: 80,
      height: 24,
      // LC_ALL and LC_MESSAGES emptied: the tmux server inherits the test runner's environment
      env: {CERTWALK_HOME: w.home, LANG: 'ko_KR.UTF-8', LC_ALL: '', LC_MESSAGES: '', LC_CTYPE: '', CERTWALK_ASCII: ''},
      cwd: ROOT,
    });
    try {
      const home = await tmux.waitFor('절차를 선택하세요:');
      assertFits(home, 80, 24);
      assert.match(home, /^❯ SSIS Scale Out: Master 인증서 변경$/m);
      assert.match(home, /^↑↓\/jk 이동 · Enter 선택 · t 지난 세션 · \? 도움말 · q 끝내기$/m);
    } finally {
      tmux.kill();
    }
  });
});

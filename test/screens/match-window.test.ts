// A searched transcript line fitted to the screen (src/screens/match-window.ts): the first match is always on
// screen, whole, and the line never takes more than the width, in any script, with either ellipsis.
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import stringWidth from 'string-width';
import {matchWindow, occurrences, shownText} from '../../src/screens/match-window.ts';

const hits = (parts: ReturnType<typeof matchWindow>) => parts.filter((p) => p.hit).map((p) => p.text);

describe('matchWindow', () => {
  test('a line that fits, or whose match is before the cut, is shown from its start', () => {
    assert.deepEqual(matchWindow('step 9: CONFIRMED by alice', 'confirmed', 40, '…'), [
      {text: 'step 9: ', hit: false},
      {text: 'CONFIRMED', hit: true},
      {text: ' by alice', hit: false},
    ]);
    const cut = matchWindow(`CONFIRMED ${'x'.repeat(100)}`, 'confirmed', 40, '…');
    assert.equal(shownText(cut), `CONFIRMED ${'x'.repeat(29)}…`);
    assert.deepEqual(hits(cut), ['CONFIRMED']);
  });

  test('a match past the cut: the line starts a third of the width before it, behind an ellipsis', () => {
    const line = `${'a'.repeat(100)}MATCH${'b'.repeat(100)}`;
    const shown = shownText(matchWindow(line, 'match', 40, '…'));
    assert.equal(shown, `…${'a'.repeat(13)}MATCH${'b'.repeat(20)}…`);
    assert.equal(stringWidth(shown), 40);
  });

  test('at the end of the line there is no trailing ellipsis', () => {
    assert.equal(shownText(matchWindow(`${'a'.repeat(100)} end MATCH`, 'match', 40, '...')), `...${'a'.repeat(27)} end MATCH`);
  });

  test('wherever the match is, at any width, it is shown whole and the line fits', () => {
    const words = 'Certificate Hash : 証明書のハッシュ 5EDA7F4F1FEDD2442F63874FE5650B17E704341D 인증서 → done'.split(' ');
    for (let at = 0; at <= 60; at += 3) {
      const line = [...Array.from({length: at}, (_, i) => words[i % words.length]), 'NEEDLE', ...words].join(' ');
      for (const width of [12, 20, 40, 79]) {
        for (const ellipsis of ['…', '...']) {
          const parts = matchWindow(line, 'needle', width, ellipsis);
          assert.ok(stringWidth(shownText(parts)) <= width, `${width}: ${shownText(parts)}`);
          assert.deepEqual(hits(parts), ['NEEDLE'], `${width} ${at}: ${shownText(parts)}`);
        }
      }
    }
  });

  test('the ellipsis is never a hit, even when the search is "."', () => {
    const parts = matchWindow(`${'a'.repeat(50)}.b`, '.', 20, '...');
    assert.ok(parts.filter((p) => p.hit).every((p) => p.text === '.'));
    assert.equal(hits(parts).length, 1, shownText(parts));
  });
});

describe('occurrences', () => {
  test('every occurrence, case-insensitively, as offsets into the original text (even when lower-casing changes its length)', () => {
    assert.deepEqual(occurrences('Confirmed, CONFIRMED', 'confirmed'), [
      [0, 9],
      [11, 20],
    ]);
    assert.deepEqual(occurrences('İstanbul confirmed', 'confirmed'), [[9, 18]]);
    assert.deepEqual(occurrences('abc', ''), []);
  });
});

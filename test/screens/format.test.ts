// Measuring and cutting by display cells (a CJK character takes two), wrapping Chinese and Korean the way they are
// typeset, and the one glyph table with its ASCII spelling.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import stringWidth from 'string-width';

import {cut, fit, pad, thumb} from '../../src/screens/format.ts';
import {ASCII_GLYPHS, toAscii, UNICODE_GLYPHS} from '../../src/screens/glyphs.ts';
import {wrap, wrapParts} from '../../src/screens/lines.tsx';

describe('fit, pad, cut: by display width, never splitting a wide character or a grapheme', () => {
  test('a Chinese text cut to an odd width leaves the half cell empty rather than half a character', () => {
    assert.equal(fit('证书证书证书', 6), '证书…');
    assert.equal(stringWidth(fit('证书证书证书', 6)), 5);
    assert.equal(fit('证书证书证书', 7), '证书证…');
    assert.equal(pad('证书证书证书', 6), '证书… ');
    assert.equal(stringWidth(pad('证书证书证书', 6)), 6);
  });

  test('text that fits is left as it is; padding counts cells, not code units', () => {
    assert.equal(fit('인증서', 6), '인증서');
    assert.equal(pad('인증서', 8), '인증서  ');
    assert.equal(pad('nœud', 6), 'nœud  ');
  });

  test('the ASCII ellipsis is three cells, and a width too small for it cuts without one', () => {
    assert.equal(fit('certificate rotation', 10, '...'), 'certifi...');
    assert.equal(fit('certificate', 2, '...'), 'ce');
  });

  test('graphemes stay whole: combining accents and emoji sequences', () => {
    const decomposed = 'Re\u0301sultat'; // é as e + combining acute
    assert.equal(cut(decomposed, 2), 'Re\u0301');
    assert.equal(cut('👩‍💻👩‍💻', 3), '👩‍💻');
  });

  test('thumbprints: whole when they fit, head…tail otherwise, with either ellipsis', () => {
    const value = '3883875B1547395C5A0B48C461DB04DE7BAFBEAE';
    assert.equal(thumb(value, 40), value);
    assert.equal(thumb(value, 16), '3883875B154…BEAE');
    assert.equal(thumb(value, 16, '...'), '3883875B1...BEAE');
    assert.equal(thumb(null, 16, '…', '(aucun)'), '(aucun)');
  });
});

describe('wrap: Chinese breaks between characters, Korean between words, never before closing punctuation', () => {
  const zh = '在你做出选择之前，此步骤之后的内容都不会运行。每次撤销都会先重新读取节点，并且只使用该步骤运行前捕获的内容。';
  const ko = '실행 취소마다 먼저 노드를 다시 읽고, 그 단계 실행 전에 캡처한 내용만 사용합니다. 선택하기 전까지 이 단계 다음은 실행되지 않습니다.';

  for (const width of [12, 13, 20, 21, 37]) {
    test(`at ${width} cells: every line fits, nothing is lost, no line starts with ，。 or ）`, () => {
      for (const text of [zh, ko, `[master] 仅回滚此节点（其他节点保持不变）[需先确认] 运行前需要你确认`]) {
        const lines = wrap(text, width, {}, '  ').map((l) => l.text);
        for (const l of lines) assert.ok(stringWidth(l) <= Math.max(10, width), `${stringWidth(l)} cells: ${l}`);
        assert.equal(lines.join('').replace(/\s/g, ''), text.replace(/\s/g, ''));
        for (const l of lines.slice(1)) assert.doesNotMatch(l.trimStart(), /^[，。、；：？！）]/, lines.join('\n'));
      }
    });
  }

  test('Korean is not broken inside a word', () => {
    const words = new Set(ko.split(' '));
    for (const l of wrap(ko, 24).map((x) => x.text.trim())) for (const w of l.split(' ')) assert.ok(words.has(w), `"${w}" is part of a word:\n${l}`);
  });

  test('a short [tag] stays on one line', () => {
    const lines = wrap(' 2. [master] Delete the SSL binding on 0.0.0.0:8391 (kept to restore)  [需先确认]', 79, {}, '    ').map((l) => l.text);
    assert.ok(
      lines.some((l) => l.includes('[需先确认]')),
      lines.join('\n'),
    );
  });

  test('English wraps exactly as before (wrap-ansi)', () => {
    assert.deepEqual(
      wrap('  netsh http add sslcert ipport=0.0.0.0:8391 failed: SSL Certificate add failed, Error: 1312 A specified logon session', 40, {}, '  ').map((l) => l.text),
      ['  netsh http add sslcert', '  ipport=0.0.0.0:8391 failed: SSL', '  Certificate add failed, Error: 1312 A', '  specified logon session'],
    );
  });
});

describe('the glyph table', () => {
  test('Unicode and ASCII have the same glyphs; ASCII ones are printable ASCII; icons are one cell in both', () => {
    const flat = (g: typeof UNICODE_GLYPHS): [string, string][] =>
      Object.entries(g).flatMap(([k, v]): [string, string][] =>
        typeof v === 'string' ? [[k, v]] : typeof v === 'object' ? Object.entries(v as Record<string, string>).map(([i, s]): [string, string] => [`${k}.${i}`, s]) : [],
      );
    const unicode = new Map(flat(UNICODE_GLYPHS));
    const ascii = new Map(flat(ASCII_GLYPHS));
    assert.deepEqual([...unicode.keys()].sort(), [...ascii.keys()].sort());
    for (const [name, glyph] of ascii) assert.match(glyph, /^[\x20-\x7E]*$/, name);
    for (const [name, glyph] of unicode)
      if (/^(step|node)\./.test(name) || ['ok', 'bad', 'undone', 'cursor', 'pointer', 'rule'].includes(name)) {
        assert.equal(stringWidth(glyph), 1, name);
        assert.equal(stringWidth(ascii.get(name)!), 1, `${name} in ASCII`);
      }
  });

  test('toAscii spells the symbols, drops accents, and keeps the letters of the chosen script', () => {
    assert.equal(toAscii('↑↓ déplacer · Entrée choisir → après…'), 'Up/Dn deplacer | Entree choisir -> apres...');
    assert.equal(toAscii('↑ / k'), 'Up / k');
    assert.equal(toAscii('nœud « Échap » ✔ ✘'), 'noeud " Echap " + !');
    assert.equal(toAscii('──── date'), '---- date');
    assert.equal(toAscii('证书 ✔', /\p{Script=Han}/u), '证书 +');
    assert.equal(toAscii('证书'), '??');
    assert.equal(toAscii('plain ASCII stays the same'), 'plain ASCII stays the same');
  });
});

describe('wrapParts: a heading wraps between its parts', () => {
  test('"plan: 2 steps" stays whole on the second line when the title takes the first', () => {
    const lines = wrapParts('Lync Server 2013: roll the OAuthTokenIssuer certificate at a date · plan: 2 steps · lines 1-10 of 26', '·', 79, {}, '  ').map((l) => l.text);
    assert.deepEqual(lines, ['Lync Server 2013: roll the OAuthTokenIssuer certificate at a date', '  plan: 2 steps · lines 1-10 of 26']);
  });
  test('parts that fit share a line; a part longer than a line is word-wrapped', () => {
    assert.deepEqual(
      wrapParts('a · b · c', '·', 20).map((l) => l.text),
      ['a · b · c'],
    );
    const lines = wrapParts(`${'word '.repeat(10).trim()} · tail`, '·', 20, {}, '  ').map((l) => l.text);
    for (const l of lines) assert.ok(stringWidth(l) <= 20, l);
    assert.equal(lines.join(' ').replace(/\s+/g, ' '), `${'word '.repeat(10).trim()} · tail`.replace(' · ', ' '));
  });
});

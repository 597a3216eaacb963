// The README's screenshot is drawn from a terminal capture: colours, inverse video and XML-special text must land
// on the right cells.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {terminalSvg} from '../../scripts/terminal-svg.ts';

test('a captured screen becomes SVG text runs with their colours, in their cells', async () => {
  const svg = await terminalSvg('\x1b[32m✔ done\x1b[0m a<b & c\n\x1b[7mselected\x1b[0m\n', 20, 2);
  assert.match(svg, /<text x="12\.0" y="25" fill="#0dbc79"[^>]*>✔ done<\/text>/);
  assert.match(svg, /<text x="62\.4" y="25" fill="#cccccc"[^>]*> a&lt;b &amp; c<\/text>/);
  // Inverse video: the default foreground becomes the cell's background, the text takes the background colour.
  assert.match(svg, /<rect x="12\.0" y="29" width="67\.2" height="17" fill="#cccccc"\/>/);
  assert.match(svg, /<text x="12\.0" y="42" fill="#1e1e1e"[^>]*>selected<\/text>/);
  assert.equal((svg.match(/<text /g) ?? []).length, 3, 'one run per style, no run for blank cells');
});

test('a wide character takes two cells: the runs after it start where the terminal put them', async () => {
  const svg = await terminalSvg('证书 \x1b[31mok\x1b[0m\n', 12, 1);
  assert.match(svg, /<text x="12\.0" y="25" fill="#cccccc" textLength="33\.6"[^>]*>证书<\/text>/);
  assert.match(svg, /<text x="54\.0" y="25" fill="#cd3131"[^>]*>ok<\/text>/);
});

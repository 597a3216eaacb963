// ConvertTo-Json as Windows PowerShell 5.1 prints it: JavaScriptSerializer's text (DateTime as "\/Date(ms)\/",
// <, >, & and ' escaped as \u003c …) re-indented by PowerShell's own formatter, which puts two spaces after each
// colon and indents a nested object's or array's members four columns right of its opening bracket, wherever that
// bracket stands on the line. See docs/TOOL-OUTPUT.md ("PowerShell").
import type {PsObject, PsValue} from './powershell-cmdlet.ts';

export class JsonLimitError extends Error {
  override readonly name = 'JsonLimitError';
}

/** The text of `… | ConvertTo-Json -Depth depth` for the pipeline input `values` (one value is not wrapped). */
export function convertToJson(values: readonly PsValue[], depth: number): string | undefined {
  if (values.length === 0) return undefined;
  // A bare [DateTime] gains PowerShell's ETS members (value, DateTime…) in 5.1; certwalk only converts objects.
  if (values.some((v) => v instanceof Date)) throw new JsonLimitError('ConvertTo-Json of a bare [DateTime] (PowerShell adds its ETS members) is not simulated');
  const value: PsValue = values.length === 1 ? values[0]! : values;
  return render(value, 0, depth);
}

function render(value: PsValue, column: number, depthLeft: number): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return quote(`\\/Date(${value.getTime()})\\/`, true);
  if (depthLeft < 0) {
    // PowerShell stringifies what lies deeper than -Depth; certwalk's scripts never go that deep, so refuse.
    throw new JsonLimitError('ConvertTo-Json: object nested deeper than -Depth; the sandbox does not simulate the stringified remainder');
  }
  const inner = ' '.repeat(column + 4);
  const close = ' '.repeat(column);
  if (Array.isArray(value)) {
    const items = value as readonly PsValue[];
    if (items.length === 0) return `[\n\n${close}]`;
    return `[\n${items.map((item) => inner + render(item, column + 4, depthLeft - 1)).join(',\n')}\n${close}]`;
  }
  const entries = Object.entries(value as PsObject);
  if (entries.length === 0) return `{\n\n${close}}`;
  const members = entries.map(([key, member]) => {
    const head = `${inner}${quote(key)}:  `;
    return head + render(member, head.length, depthLeft - 1);
  });
  return `{\n${members.join(',\n')}\n${close}}`;
}

/** JavaScriptSerializer's escaping; `raw` keeps the already-escaped slashes of the date form. */
function quote(text: string, raw = false): string {
  if (raw) return `"${text}"`;
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || ch === '<' || ch === '>' || ch === '&' || ch === "'") out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

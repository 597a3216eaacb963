// Full-screen views are built as an exact list of lines, so a frame never grows past the terminal's height
// (Ink clears the whole screen on every frame once output is taller than the terminal).
import {Text} from 'ink';
import wrapAnsi from 'wrap-ansi';
import {fit} from './format.ts';

export interface Line {
  readonly text: string;
  readonly color?: string;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly inverse?: boolean;
}

export function line(text: string, style: Omit<Line, 'text'> = {}): Line {
  return {text, ...style};
}

/** Word-wraps `text` to `width`, continuation lines indented by `indent`. */
export function wrap(text: string, width: number, style: Omit<Line, 'text'> = {}, indent = ''): Line[] {
  // The first line has the whole width; only the continuation lines give room to the indent.
  const [head = '', ...tail] = wrapAnsi(text, Math.max(10, width), {hard: true, trim: false}).split('\n');
  if (!tail.length) return [{text: head, ...style}];
  const rest = text.slice(head.length).replace(/^ +/, '');
  const continued = wrapAnsi(rest, Math.max(10, width - indent.length), {hard: true, trim: false}).split('\n');
  return [{text: head.trimEnd(), ...style}, ...continued.map((part) => ({text: `${indent}${part.trimEnd()}`, ...style}))];
}

export function Lines({lines, width}: {lines: readonly Line[]; width: number}) {
  return (
    <>
      {lines.map((l, i) => (
        <Text key={i} color={l.color} bold={l.bold} dimColor={l.dim} inverse={l.inverse} wrap="truncate-end">
          {fit(l.text, width) || ' '}
        </Text>
      ))}
    </>
  );
}

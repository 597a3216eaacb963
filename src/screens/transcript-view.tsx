// `t`: a session transcript, scrollable and searchable, newest at the bottom; from Home, the list of past sessions.
import {Box, Text} from 'ink';
import {useKeys} from './keyboard.tsx';
import {useMemo, useRef, useState} from 'react';
import {listSessions, readTranscript, type SessionSummary} from '../session/history.ts';
import type {ProcedurePhase} from '../state/types.ts';
import {matchWindow} from './match-window.ts';
import {fit, pad} from './format.ts';
import {commandsFor, SEARCH_KEYS} from './keys.ts';
import {line, Lines} from './lines.tsx';
import {useUi} from './ui-context.tsx';
import {DEFAULT_UI, type Ui} from './ui.ts';
import {useTerminalSize} from './use-terminal-size.ts';

/** Indexes of the lines containing `query`, case-insensitively. */
export function findMatches(lines: readonly string[], query: string): number[] {
  if (!query) return [];
  const needle = query.toLowerCase();
  return lines.flatMap((text, i) => (text.toLowerCase().includes(needle) ? [i] : []));
}

/** The first match after `from` (before it, backwards), wrapping around; null when there is none. */
export function nextMatch(matches: readonly number[], from: number, direction: 1 | -1): number | null {
  if (!matches.length) return null;
  if (direction === 1) return matches.find((m) => m > from) ?? matches[0]!;
  return [...matches].reverse().find((m) => m < from) ?? matches.at(-1)!;
}

export function TranscriptView({path, onClose}: {path: string; onClose: () => void}) {
  const {columns, rows} = useTerminalSize();
  const {g, t, text} = useUi();
  // Transcripts stay English (they are for auditors); on an ASCII console their symbols are spelled in ASCII.
  const all = useMemo(() => readTranscript(path).map(text), [path, text]);
  const height = Math.max(3, rows - 3);
  const maxTop = Math.max(0, all.length - height);
  const [{top, current}, setView] = useState<{top: number; current: number | null}>({top: maxTop, current: null});
  // The search being typed (null: no prompt open) and the search in force. Refs as well as state: keys typed faster
  // than frames are drawn must each see the previous key's effect, not the last frame's.
  const typingRef = useRef<string | null>(null);
  const queryRef = useRef('');
  const [typing, setTyping] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const matches = useMemo(() => findMatches(all, query), [all, query]);

  const editSearch = (text: string | null) => {
    typingRef.current = text;
    setTyping(text);
  };
  /** To the next (previous) match after the current one, or after the top of the screen when there is none yet. */
  const jump = (direction: 1 | -1) => {
    const found = findMatches(all, queryRef.current);
    setView((view) => {
      const start = view.current ?? (direction === 1 ? view.top - 1 : view.top + height);
      const target = nextMatch(found, start, direction);
      // The match lands a third of the way down, with context above it.
      return target === null ? {...view, current: null} : {current: target, top: Math.max(0, Math.min(maxTop, target - Math.floor(height / 3)))};
    });
  };
  const scroll = (by: (top: number) => number) => setView((view) => ({...view, top: Math.max(0, Math.min(maxTop, by(view.top)))}));

  useKeys((input, key) => {
    const typed = typingRef.current;
    if (typed !== null) {
      if (key.escape) editSearch(null);
      else if (key.return) {
        editSearch(null);
        queryRef.current = typed;
        setQuery(typed);
        // A new search starts from the top of the screen: the first match at or below what is shown comes first.
        setView((view) => ({...view, current: null}));
        jump(1);
      } else if (key.backspace || key.delete) editSearch(typed.slice(0, -1));
      else if (input && !key.ctrl && !key.meta && !key.upArrow && !key.downArrow && !key.leftArrow && !key.rightArrow) editSearch(typed + input);
      return;
    }
    if (SEARCH_KEYS.search.includes(input)) return editSearch('');
    if (queryRef.current && SEARCH_KEYS.next.includes(input)) return jump(1);
    if (queryRef.current && SEARCH_KEYS.previous.includes(input)) return jump(-1);
    const commands = commandsFor(input, key);
    if (commands.includes('back') || commands.includes('quit') || commands.includes('transcript')) onClose();
    else if (commands.includes('up')) scroll((t) => t - 1);
    else if (commands.includes('down')) scroll((t) => t + 1);
    else if (commands.includes('page-up')) scroll((t) => t - height);
    else if (commands.includes('page-down')) scroll((t) => t + height);
  });

  const width = columns - 1;
  const visible = all.slice(top, top + height);
  const position = current === null ? 0 : matches.indexOf(current) + 1;
  const searchState = !query ? '' : matches.length ? t('transcript.match', {query, position: position || '-', count: matches.length}) : t('transcript.noMatch', {query});
  const footer =
    typing !== null
      ? `/${typing}${g.caret}  ${t('transcript.typing')}`
      : t('transcript.footer', {from: top + 1, to: Math.min(all.length, top + height), total: all.length, search: searchState});
  return (
    <Box flexDirection="column">
      <Lines lines={[line(t('transcript.title', {path}), {bold: true})]} width={width} />
      {visible.map((shown, i) => (
        <Highlighted key={i} text={shown} width={width} query={query} marked={matches.length > 0} current={top + i === current} />
      ))}
      {Array.from({length: height - visible.length}, (_, i) => (
        <Text key={`blank-${i}`}> </Text>
      ))}
      <Lines lines={[line(footer, {dim: typing === null, bold: typing !== null})]} width={width} />
    </Box>
  );
}

/**
 * One transcript line with every occurrence of the search inverted, scrolled sideways when its first match lies past
 * the cut; the current match's line also in yellow. Inverse and colour vanish under NO_COLOR, so while a search has
 * matches a marker column says which lines match (•) and which is the current one (❯).
 */
function Highlighted({text, width, query, marked, current}: {text: string; width: number; query: string; marked: boolean; current: boolean}) {
  const {g} = useUi();
  if (!query) return <Text wrap="truncate-end">{fit(text, width, g.ellipsis) || ' '}</Text>;
  const parts = matchWindow(text, query, marked ? width - 2 : width, g.ellipsis);
  const gutter = marked ? `${current ? g.pointer : parts.some((p) => p.hit) ? g.hit : ' '} ` : '';
  return (
    <Text wrap="truncate-end" color={current ? 'yellow' : undefined}>
      {gutter}
      {parts.length
        ? parts.map((p, i) =>
            p.hit ? (
              <Text key={i} inverse>
                {p.text}
              </Text>
            ) : (
              p.text
            ),
          )
        : ' '}
    </Text>
  );
}

/** Past sessions, newest first: Enter opens one in the viewer. */
export function TranscriptList({dir, onOpen, onClose}: {dir: string; onOpen: (path: string) => void; onClose: () => void}) {
  const {columns, rows} = useTerminalSize();
  const ui = useUi();
  const {t} = ui;
  const sessions = useMemo(() => listSessions(dir), [dir]);
  const [selected, setSelected] = useState(0);
  const height = Math.max(3, rows - 4);
  const top = Math.max(0, Math.min(selected - Math.floor(height / 2), sessions.length - height));
  useKeys((input, key) => {
    const commands = commandsFor(input, key);
    if (commands.includes('back') || commands.includes('quit') || commands.includes('transcript')) onClose();
    else if (commands.includes('select') && sessions[selected]) onOpen(sessions[selected].path);
    else if (commands.includes('up')) setSelected((s) => Math.max(0, s - 1));
    else if (commands.includes('down')) setSelected((s) => Math.min(sessions.length - 1, s + 1));
    else if (commands.includes('page-up')) setSelected((s) => Math.max(0, s - height));
    else if (commands.includes('page-down')) setSelected((s) => Math.max(0, Math.min(sessions.length - 1, s + height)));
  });
  const width = columns - 1;
  const visible = sessions.slice(top, top + height);
  return (
    <Box flexDirection="column">
      <Lines
        lines={[
          line(t('sessions.title', {dir}), {bold: true}),
          line(
            `  ${pad(t('sessions.started'), 17, ui.g.ellipsis)} ${pad(t('sessions.procedure'), 22, ui.g.ellipsis)} ${pad(t('sessions.user'), 12, ui.g.ellipsis)} ${t('sessions.state')}`,
            {dim: true},
          ),
          ...(sessions.length ? [] : [line(t('sessions.none'))]),
          // The pointer as well as the inverse bar: without colour (NO_COLOR) the bar is not drawn.
          ...visible.map((s, i) => (top + i === selected ? line(`${ui.g.pointer} ${sessionRow(s, ui)}`, {inverse: true}) : line(`  ${sessionRow(s, ui)}`))),
          ...Array.from({length: Math.max(0, height - Math.max(1, visible.length))}, () => line('')),
          line(ui.plural('sessions.footer', sessions.length, {count: sessions.length}), {dim: true}),
        ]}
        width={width}
      />
    </Box>
  );
}

export function sessionRow(s: SessionSummary, {g, t, text}: Ui = DEFAULT_UI): string {
  const when = s.startedAt.replace('T', ' ').slice(0, 16);
  const state = STATES.has(s.state) ? t(`state.${s.state as SessionState}`) : text(s.state);
  return `${pad(when, 17)} ${pad(`${text(s.procedure)}${s.continues ? t('sessions.continued') : ''}`, 22, g.ellipsis)} ${pad(text(s.user), 12, g.ellipsis)} ${state}`;
}

/** A session's final state as the transcript records it (a procedure phase, or `unfinished`). */
type SessionState = ProcedurePhase | 'unfinished';
const STATES: ReadonlySet<string> = new Set<SessionState>([
  'idle',
  'running',
  'paused',
  'failed',
  'rolling-back',
  'rolled-back',
  'rollback-failed',
  'completed',
  'aborted',
  'unfinished',
]);

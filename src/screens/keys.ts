// The one key-binding table. Every key is a letter, an arrow, Enter or Esc: what an RDP console passes through.
// The help overlay is generated from it.
import type {KeyFlags} from './key-events.ts';
import type {PlainKey} from '../i18n/en.ts';

export type KeyCommand =
  | 'up'
  | 'down'
  | 'page-up'
  | 'page-down'
  | 'select'
  | 'back'
  | 'confirm'
  | 'confirm-kind'
  | 'decline'
  | 'start'
  | 'pause'
  | 'rollback'
  | 'rollback-node'
  | 'nodes'
  | 'retry'
  | 'skip'
  | 'transcript'
  | 'help'
  | 'quit';

export interface Binding {
  readonly command: KeyCommand;
  /** As matched against the input; shown through Ui.keyName (↑ reads "Up" on an ASCII console). */
  readonly keys: readonly string[];
  /** What it does and where, as catalog keys (src/i18n/en.ts). */
  readonly help: PlainKey;
  readonly where: PlainKey;
}

export const BINDINGS: readonly Binding[] = [
  {command: 'up', keys: ['↑', 'k'], help: 'key.up', where: 'where.everywhere'},
  {command: 'down', keys: ['↓', 'j'], help: 'key.down', where: 'where.everywhere'},
  {command: 'page-up', keys: ['PgUp', 'u'], help: 'key.page-up', where: 'where.scrolling'},
  {command: 'page-down', keys: ['PgDn', 'd'], help: 'key.page-down', where: 'where.scrolling'},
  {command: 'select', keys: ['Enter'], help: 'key.select', where: 'where.menus'},
  {command: 'back', keys: ['Esc', 'b'], help: 'key.back', where: 'where.everywhere'},
  {command: 'start', keys: ['s'], help: 'key.start', where: 'where.plan'},
  {command: 'confirm', keys: ['y'], help: 'key.confirm', where: 'where.confirmation'},
  {command: 'confirm-kind', keys: ['a'], help: 'key.confirm-kind', where: 'where.confirmation'},
  {command: 'decline', keys: ['n', 'Esc'], help: 'key.decline', where: 'where.confirmation'},
  {command: 'pause', keys: ['p'], help: 'key.pause', where: 'where.run'},
  {command: 'rollback', keys: ['r'], help: 'key.rollback', where: 'where.run'},
  {command: 'nodes', keys: ['g'], help: 'key.nodes', where: 'where.manyNodes'},
  {command: 'rollback-node', keys: ['x'], help: 'key.rollback-node', where: 'where.stopped'},
  {command: 'retry', keys: ['e'], help: 'key.retry', where: 'where.failure'},
  {command: 'skip', keys: ['s'], help: 'key.skip', where: 'where.failure'},
  {command: 'transcript', keys: ['t'], help: 'key.transcript', where: 'where.transcript'},
  {command: 'help', keys: ['?'], help: 'key.help', where: 'where.everywhere'},
  {command: 'quit', keys: ['q'], help: 'key.quit', where: 'where.everywhere'},
];

/**
 * The transcript viewer's search, its own screen: `n` is "next match" there, not "decline". Kept out of BINDINGS
 * because the help overlay shows one line per binding in 24 rows; the viewer's footer names these keys.
 */
export const SEARCH_KEYS: Readonly<Record<'search' | 'next' | 'previous', readonly string[]>> = {
  search: ['/', 'f'],
  next: ['n'],
  previous: ['N'],
};

/** Maps a key event to the commands it may mean; the screen decides which one applies. */
export function commandsFor(input: string, key: Readonly<KeyFlags>): KeyCommand[] {
  const found: KeyCommand[] = [];
  if (key.upArrow) found.push('up');
  if (key.downArrow) found.push('down');
  if (key.pageUp) found.push('page-up');
  if (key.pageDown) found.push('page-down');
  if (key.return) found.push('select');
  if (key.escape) found.push('back', 'decline');
  // Ctrl-C asks like q does: an RDP user reaching for it mid-step must not leave a half-done change unexplained.
  if (key.ctrl && input === 'c') found.push('quit');
  // Alt+letter and pasted text are no command: a pasted "y" must not confirm anything.
  if (key.ctrl || key.meta || key.paste) return found;
  for (const binding of BINDINGS) if (binding.keys.includes(input)) found.push(binding.command);
  return found;
}

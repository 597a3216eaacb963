// The one key-binding table. Every key is a letter, an arrow, Enter or Esc: what an RDP console passes through.
// The help overlay is generated from it.
import type {Key} from 'ink';

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
  readonly keys: readonly string[];
  readonly help: string;
  readonly where: string;
}

export const BINDINGS: readonly Binding[] = [
  {command: 'up', keys: ['↑', 'k'], help: 'move up / scroll up', where: 'everywhere'},
  {command: 'down', keys: ['↓', 'j'], help: 'move down / scroll down', where: 'everywhere'},
  {command: 'page-up', keys: ['PgUp', 'u'], help: 'scroll a page up', where: 'plan, run, transcript'},
  {command: 'page-down', keys: ['PgDn', 'd'], help: 'scroll a page down', where: 'plan, run, transcript'},
  {command: 'select', keys: ['Enter'], help: "choose / edit / continue; a node's steps", where: 'menus, node list'},
  {command: 'back', keys: ['Esc', 'b'], help: 'back / close', where: 'everywhere'},
  {command: 'start', keys: ['s'], help: 'start the procedure', where: 'plan'},
  {command: 'confirm', keys: ['y'], help: 'yes: run this destructive step', where: 'confirmation'},
  {command: 'confirm-kind', keys: ['a'], help: 'yes, and to every remaining step of this kind', where: 'confirmation'},
  {command: 'decline', keys: ['n', 'Esc'], help: 'no (the default): pause, nothing runs', where: 'confirmation'},
  {command: 'pause', keys: ['p'], help: 'pause after the current step / resume', where: 'run'},
  {command: 'rollback', keys: ['r'], help: 'roll back: undo every completed step, newest first', where: 'run'},
  {command: 'nodes', keys: ['g'], help: 'node list (failed first) or step list', where: 'run, many nodes'},
  {command: 'rollback-node', keys: ['x'], help: 'roll back this node only (others keep theirs)', where: 'run, when stopped'},
  {command: 'retry', keys: ['e'], help: 'retry the failed step (keeps what was captured first)', where: 'run, after a failure'},
  {command: 'skip', keys: ['s'], help: 'skip the failed step, when that is safe', where: 'run, after a failure'},
  {command: 'transcript', keys: ['t'], help: 'session transcript; past sessions on Home', where: 'home, run, done'},
  {command: 'help', keys: ['?'], help: 'this help', where: 'everywhere'},
  {command: 'quit', keys: ['q'], help: 'quit (asks when a procedure is not finished)', where: 'everywhere'},
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

/** Maps an Ink key event to the commands it may mean; the screen decides which one applies. */
export function commandsFor(input: string, key: Key): KeyCommand[] {
  const found: KeyCommand[] = [];
  if (key.upArrow) found.push('up');
  if (key.downArrow) found.push('down');
  if (key.pageUp) found.push('page-up');
  if (key.pageDown) found.push('page-down');
  if (key.return) found.push('select');
  if (key.escape) found.push('back', 'decline');
  // Ctrl-C asks like q does: an RDP user reaching for it mid-step must not leave a half-done change unexplained.
  if (key.ctrl && input === 'c') found.push('quit');
  if (key.ctrl || key.meta) return found;
  for (const binding of BINDINGS) if (binding.keys.includes(input)) found.push(binding.command);
  return found;
}

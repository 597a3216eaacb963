// Driving certwalk's screens in tmux: Home → Parameters → Plan, and timing one keystroke to the frame that shows it.
import type {TmuxTerminal} from './tmux.ts';
import {delay} from './env.ts';

/** Keys typed before Ink attaches its input handlers can be lost: the first one waits this long after the first frame. */
const FIRST_KEY_SETTLE_MS = 600;
/**
 * And each later one this long after the frame it answers: Ink re-subscribes a useInput handler in a passive effect,
 * which can run after the frame is on screen, so a key typed at once can reach the handler of the state before it
 * (Enter right after `j` chose the first procedure although the second was highlighted).
 */
const KEY_SETTLE_MS = 150;

/**
 * From launch to the Plan screen of ssis-worker (the second procedure on Home): the default worker, or every worker
 * (the first choice of the Workers picker). The caller presses `s`.
 */
export async function driveToRun(term: TmuxTerminal, options: {procedure: 'ssis-worker'; allWorkers?: boolean; planTimeoutMs?: number}): Promise<void> {
  const home = await term.waitFor(/Choose a procedure:/, 0, 60_000);
  await delay(FIRST_KEY_SETTLE_MS);
  let from = term.offset;
  term.key('j');
  const next = async (key: string) => {
    await delay(KEY_SETTLE_MS);
    from = term.offset;
    term.key(key);
  };
  await term.waitFor(/ssis-worker: /, Math.max(from, home.end), 10_000);
  await next('Enter');
  await term.waitFor(/Continue to the plan/, from, 120_000);
  if (options.allWorkers) {
    await next('Enter');
    await term.waitFor(/Enter accept · Esc cancel/, from, 10_000);
    await next('Enter');
    await term.waitFor(/Workers +all/, from, 10_000);
  }
  await next('k');
  await term.waitFor(/› Continue to the plan/, from, 10_000);
  await next('Enter');
  await term.waitFor(/plan: \d+ steps/, from, options.planTimeoutMs ?? 120_000);
  await delay(KEY_SETTLE_MS);
}

export interface KeystrokeSample {
  readonly sentAt: number;
  readonly latency: number;
}

/** Types `key` and waits for the first frame after it that matches `shows`. */
export async function keystrokeSample(term: TmuxTerminal, key: string, shows: RegExp, timeoutMs: number): Promise<KeystrokeSample> {
  const from = term.offset;
  const sentAt = term.key(key);
  const arrival = await term.waitFor(shows, from, timeoutMs);
  return {sentAt, latency: arrival.at - sentAt};
}

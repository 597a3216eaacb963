// Fault injection: make the next matching command fail so failure and rollback paths can be exercised.
// Rules live in DIR/faults.json (consumed as they fire) or in env CERTWALK_SANDBOX_FAULT (one invocation, not consumed).
import {readFile} from 'node:fs/promises';
import {writeFileAtomic} from './atomic-write.ts';
import {withLock} from './lock.ts';
import {sandboxPaths} from './state.ts';

export interface FaultRule {
  /** Only this node; any node when absent. */
  readonly node?: string;
  /** Program as typed (`netsh`, `sc.exe`): compared case-insensitively without `.exe`. */
  readonly program: string;
  /** Case-insensitive substring of the arguments joined by spaces, e.g. `add sslcert`. */
  readonly match?: string;
  /** How many times it fires; default 1; 0 = every time. */
  readonly times?: number;
  /** Default 1. */
  readonly exitCode?: number;
  /** Printed on stdout instead of the program's own error text. */
  readonly output?: string;
  /**
   * Print the output this many lines a second, as a command whose output streams does, instead of all at once (the
   * tool process only: a fleet running the tools in process prints it at once).
   */
  readonly linesPerSecond?: number;
}

export function normaliseProgram(program: string): string {
  return program.toLowerCase().replace(/\.exe$/, '');
}

export function ruleMatches(rule: FaultRule, node: string, program: string, args: readonly string[]): boolean {
  if (rule.node !== undefined && rule.node !== node) return false;
  if (normaliseProgram(rule.program) !== normaliseProgram(program)) return false;
  return rule.match === undefined || args.join(' ').toLowerCase().includes(rule.match.toLowerCase());
}

export async function addFault(dir: string, rule: FaultRule): Promise<void> {
  validateRule(rule);
  await withLock(sandboxPaths.faultsLock(dir), async () => {
    await writeRules(dir, [...(await readRules(dir)), rule]);
  });
}

export async function listFaults(dir: string): Promise<FaultRule[]> {
  return readRules(dir);
}

export async function clearFaults(dir: string): Promise<void> {
  await withLock(sandboxPaths.faultsLock(dir), () => writeRules(dir, []));
}

/** The first rule that fires for this command (env rules first), consuming one use of a file rule. */
export async function takeFault(dir: string, node: string, program: string, args: readonly string[], envRules: string | undefined): Promise<FaultRule | undefined> {
  if (envRules) {
    const fromEnv = parseRules(envRules, 'CERTWALK_SANDBOX_FAULT').find((rule) => ruleMatches(rule, node, program, args));
    if (fromEnv) return fromEnv;
  }
  return withLock(sandboxPaths.faultsLock(dir), async () => {
    const rules = await readRules(dir);
    const index = rules.findIndex((rule) => ruleMatches(rule, node, program, args));
    const rule = rules[index];
    if (!rule) return undefined;
    const times = rule.times ?? 1;
    if (times === 1) rules.splice(index, 1);
    else if (times > 1) rules[index] = {...rule, times: times - 1};
    if (times !== 0) await writeRules(dir, rules);
    return rule;
  });
}

async function readRules(dir: string): Promise<FaultRule[]> {
  let text: string;
  try {
    text = await readFile(sandboxPaths.faults(dir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return parseRules(text, sandboxPaths.faults(dir));
}

async function writeRules(dir: string, rules: readonly FaultRule[]): Promise<void> {
  await writeFileAtomic(sandboxPaths.faults(dir), `${JSON.stringify(rules, null, 2)}\n`);
}

function parseRules(text: string, source: string): FaultRule[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not valid JSON: ${(error as Error).message}`, {cause: error});
  }
  if (!Array.isArray(value)) throw new Error(`${source}: expected an array of fault rules`);
  for (const rule of value) validateRule(rule as FaultRule, source);
  return value as FaultRule[];
}

function validateRule(rule: FaultRule, source = 'fault rule'): void {
  if (typeof rule !== 'object' || rule === null || typeof rule.program !== 'string' || rule.program === '') {
    throw new Error(`${source}: each rule needs a "program" (e.g. {"program": "netsh", "match": "add sslcert"})`);
  }
  if (rule.times !== undefined && (!Number.isInteger(rule.times) || rule.times < 0)) {
    throw new Error(`${source}: "times" must be a whole number ≥ 0 (0 = forever)`);
  }
  if (rule.linesPerSecond !== undefined && !(typeof rule.linesPerSecond === 'number' && rule.linesPerSecond > 0)) {
    throw new Error(`${source}: "linesPerSecond" must be a number > 0`);
  }
}

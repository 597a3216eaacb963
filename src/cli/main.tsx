// certwalk's entry point: parses flags, then starts the Ink app or one of the unattended commands.
import {catalog} from '../procedures/catalog.ts';
import {defaultSandboxDir, defaultTranscriptDir} from '../runner/paths.ts';
import type {FleetChoice} from './fleet.ts';
import type {Out} from './out.ts';
import type {OptionValues} from './options.ts';
import {parseCommandLine} from './parse.ts';
import {closest} from './suggest.ts';
import {UsageError} from './usage-error.ts';
import {SANDBOX_TOOL_FLAG} from '../hosts/sandbox/tool-path.ts';
import {holdYoungGeneration} from './young-generation.ts';
import {statusLine} from './status-line.ts';

// Each command loads what it uses when it runs (dynamic imports): the interactive app's first frame must not wait
// for forge, execa or the procedures' code, and `certwalk list` needs none of them.
const out: Out = {log: (line) => console.log(line), error: (line) => console.error(line)};

function parseParams(values: readonly string[] | undefined): Record<string, string> {
  const params: Record<string, string> = {};
  for (const item of values ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param takes key=value, not "${item}"`);
    params[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return params;
}

/** PROCEDURE of `plan` and `run`, checked against the catalog before any procedure's code loads. */
function procedureId(commandName: string, id: string | undefined): string {
  const ids = catalog.map((p) => p.id);
  if (!id) throw new UsageError(`certwalk ${commandName} needs a procedure: ${ids.join(', ')}`);
  if (ids.includes(id)) return id;
  const guess = closest(id, ids);
  throw new UsageError(`unknown procedure "${id}"${guess ? ` (did you mean ${guess}?)` : ''}; known: ${ids.join(', ')}`);
}

async function main(argv: string[]): Promise<number> {
  // Each command is parsed with its own options (options.ts): an option of another command is an error, not ignored.
  const line = parseCommandLine(argv);
  if (line.kind === 'help') {
    out.log(line.text);
    return 0;
  }
  const {command, args: rest, values} = line;
  const commandName = command.name;
  if (values.version) {
    out.log('certwalk 0.1.0');
    return 0;
  }
  const transcriptDir = values['transcript-dir'];
  const concurrency = values.concurrency === undefined ? 1 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError(`--concurrency takes a number from 1 to 64, not "${values.concurrency}"`);
  const onFailure = values['on-failure'] ?? 'stop';
  if (onFailure !== 'stop' && onFailure !== 'continue') throw new UsageError(`--on-failure takes stop or continue, not "${onFailure}"`);
  // An empty --sandbox (an unset variable in a script) must not quietly mean the demo sandbox.
  if (values.sandbox === '') throw new UsageError('--sandbox needs a directory made by `certwalk sandbox init DIR`');
  if (values.hosts === '') throw new UsageError('--hosts needs an inventory file');
  if (values.sandbox && values.hosts) throw new UsageError('choose --sandbox DIR or --hosts FILE, not both');
  if (values.user && !values.hosts) throw new UsageError('--user is for real Windows hosts: add --hosts FILE');
  const credential = values.user ? {user: values.user, password: await (await import('./prompt-secret.ts')).promptSecret(`password for ${values.user}: `)} : undefined;
  const fleetChoice: FleetChoice = {
    ...(values.sandbox ? {sandbox: values.sandbox} : {}),
    ...(values.hosts ? {hosts: values.hosts} : {}),
    ...(credential ? {credential} : {}),
  };
  const yes = values.yes ?? false;

  switch (commandName) {
    case '': {
      if (!process.stdin.isTTY) {
        out.error('certwalk needs a terminal for the interactive walk-through; use `certwalk run PROCEDURE --yes` in scripts');
        return 2;
      }
      // chalk (through Ink) reads FORCE_COLOR but not the NO_COLOR convention; it reads it when Ink first loads.
      if (process.env.NO_COLOR) process.env.FORCE_COLOR = '0';
      // The screens' chunk (Ink, React: most of the start) is read from disk while the console and the fleet are looked at.
      const app = import('../screens/start.tsx');
      app.catch(() => undefined);
      const status = statusLine(process.stderr, `certwalk: opening ${fleetChoice.hosts ?? fleetChoice.sandbox ?? 'the demo sandbox'}…`);
      const [{resolveConsole}, {openFleet}] = await Promise.all([import('../screens/console.ts'), import('./fleet.ts')]);
      // The screens' language and glyphs: --lang / --ascii / --unicode, else the locale and the console (console.ts).
      const screen = resolveConsole({lang: values.lang, ascii: values.ascii ?? false, unicode: values.unicode ?? false}, process.platform, process.env);
      let fleet, startApp;
      try {
        if (!screen.ok) throw new UsageError(screen.error);
        fleet = await openFleet(fleetChoice, status);
        ({startApp} = await app);
      } finally {
        status.clear();
      }
      // startApp draws the first frame before it returns its promise.
      const exited = startApp({
        fleet,
        transcriptDir: transcriptDir ?? defaultTranscriptDir(),
        concurrency,
        onLaneFailure: onFailure,
        ...screen.choice,
        ...(values['no-alt-screen'] ? {altScreen: false} : {}),
      });
      holdYoungGeneration();
      return exited;
    }
    case 'list': {
      const width = Math.max(...catalog.map((p) => p.id.length));
      for (const p of catalog) out.log(`${p.id.padEnd(width)}  ${p.title}`);
      return 0;
    }
    case 'plan':
    case 'run': {
      const id = procedureId(commandName, rest[0]);
      const [{findProcedure}, {openFleet}, {planCommand, runCommandLine}] = await Promise.all([import('../procedures/index.ts'), import('./fleet.ts'), import('./unattended.ts')]);
      const definition = findProcedure(id);
      const fleet = await openFleet(fleetChoice);
      const params = parseParams(values.param);
      if (commandName === 'plan') return planCommand(definition, fleet, params, out);
      return runCommandLine(
        definition,
        fleet,
        params,
        {
          yes,
          checkOnly: values['check-only'] ?? false,
          concurrency,
          onLaneFailure: onFailure,
          ...(values.journal ? {journal: values.journal} : {}),
          ...(transcriptDir ? {transcriptDir} : {}),
        },
        out,
      );
    }
    case 'rollback': {
      if (!values.journal) throw new UsageError('certwalk rollback needs --journal FILE (the path is printed when a run starts)');
      const [{readJournal}, {openFleet, fleetFromJournal}, {rollbackCommandLine}] = await Promise.all([
        import('../runner/journal.ts'),
        import('./fleet.ts'),
        import('./unattended.ts'),
      ]);
      const read = readJournal(values.journal);
      const fleet = await openFleet(fleetFromJournal(read.header, fleetChoice));
      return rollbackCommandLine(fleet, {journal: values.journal, read, yes, ...(transcriptDir ? {transcriptDir} : {})}, out);
    }
    case 'transcripts': {
      const {transcriptsCommand} = await import('./transcripts.ts');
      return transcriptsCommand(transcriptDir ?? defaultTranscriptDir(), {json: values.json ?? false}, out);
    }
    case 'resume': {
      // `resume A --journal B`: which one was meant is unknown, so neither is resumed.
      if (rest[0] !== undefined && values.journal !== undefined && rest[0] !== values.journal)
        throw new UsageError(`certwalk resume: two journals given (${rest[0]} and --journal ${values.journal})`);
      const journal = rest[0] ?? values.journal;
      const [{readJournal}, {openFleet, fleetFromJournal}, {listUnfinished, refuseEndedSession, resumeCommandLine}] = await Promise.all([
        import('../runner/journal.ts'),
        import('./fleet.ts'),
        import('./unattended.ts'),
      ]);
      if (!journal) {
        // With a fleet named, its node locks tell of sessions too (a journal kept elsewhere, or on another machine).
        const named = fleetChoice.hosts !== undefined || fleetChoice.sandbox !== undefined;
        const {heldLocks} = await import('../runner/node-locks.ts');
        const locks = named ? (await heldLocks(await openFleet(fleetChoice))).map((refusal) => ({node: refusal.node, holder: refusal.holder})) : [];
        return listUnfinished(out, locks);
      }
      const read = readJournal(journal);
      // An ended session has nothing to resume: said before its fleet (which may be gone by now) is looked at.
      if (refuseEndedSession(journal, read, out)) return 2;
      const fleet = await openFleet(fleetFromJournal(read.header, fleetChoice));
      return resumeCommandLine(fleet, {journal, read, yes, ...(transcriptDir ? {transcriptDir} : {})}, out);
    }
    case 'unlock': {
      const node = rest[0];
      if (!node) throw new UsageError('certwalk unlock NODE [--yes] (--sandbox DIR or --hosts FILE as for the session that locked it)');
      const [{openFleet}, {breakLock, isStale, readLock}] = await Promise.all([import('./fleet.ts'), import('../runner/node-locks.ts')]);
      const fleet = await openFleet(fleetChoice);
      const holder = await readLock(await fleet.host(node));
      if (!holder) {
        out.log(`${node} is not locked`);
        return 0;
      }
      out.log(
        `${node} is locked by ${holder.procedure} (session ${holder.session}), process ${holder.pid} of ${holder.user} on ${holder.machine}, since ${holder.startedAt}${isStale(holder) ? ' (that process is no longer running)' : ''}`,
      );
      if (holder.journal) out.log(`its journal: ${holder.journal} (certwalk resume ${holder.journal}, or certwalk rollback --journal ${holder.journal} --yes)`);
      if (!yes) {
        out.error('add --yes to break the lock: only once that certwalk is gone and the node has been checked (certwalk resume lists unfinished sessions)');
        return 2;
      }
      await breakLock(fleet, node);
      const {recordUnlock} = await import('../runner/unlock-record.ts');
      const records = recordUnlock(node, holder);
      out.log(`lock on ${node} broken${records.length ? `; recorded in ${records.join(' and ')}` : ''}`);
      return 0;
    }
    case 'sandbox init':
    case 'sandbox show':
    case 'sandbox fault':
      return sandboxCommand(commandName.slice('sandbox '.length), rest[0], values);
    default:
      // Only a command with a table in options.ts gets here: one without a case is a bug, not a usage error.
      throw new Error(`command "${commandName}" is in the option tables but not handled`);
  }
}

async function sandboxCommand(action: string, positional: string | undefined, values: OptionValues): Promise<number> {
  // `sandbox show --sandbox DIR` means DIR too: ignoring the flag would show the demo sandbox instead.
  if (positional !== undefined && values.sandbox !== undefined && positional !== values.sandbox)
    throw new UsageError(`certwalk sandbox ${action}: two directories given (${positional} and --sandbox ${values.sandbox})`);
  const dirArg = positional ?? values.sandbox;
  // show and fault work on a sandbox `init` made (the demo one is made on first use), never on a new directory.
  const existing = async () => {
    const [{checkSandbox}, {demoSandbox}] = await Promise.all([import('../hosts/sandbox/manifest-check.ts'), import('./fleet.ts')]);
    const at = dirArg ?? (await demoSandbox());
    return {dir: at, manifest: await checkSandbox(at)};
  };
  switch (action) {
    case 'init': {
      const dir = dirArg ?? defaultSandboxDir();
      const workers = values.workers === undefined ? 3 : Number(values.workers);
      if (!Number.isInteger(workers) || workers < 0 || workers > 5000) throw new UsageError(`--workers takes a number from 0 to 5000, not "${values.workers}"`);
      const {sandboxDriveOption, sandboxLocaleOption} = await import('./sandbox-init-options.ts');
      const locale = sandboxLocaleOption(values.locale);
      const drive = sandboxDriveOption(values.drive);
      const [{initSandbox}, {readManifest}] = await Promise.all([import('../hosts/sandbox/init.ts'), import('../hosts/sandbox/state.ts')]);
      await initSandbox(dir, {workers, force: values.force ?? false, ...(locale ? {locale} : {}), ...(drive ? {drive} : {})});
      const {nodes} = await readManifest(dir);
      const withRole = (role: string) => nodes.filter((n) => n.roles.includes(role)).map((n) => n.name);
      const parts = [`SSIS master and ${withRole('ssis-worker').length} worker(s)`];
      if (withRole('lync-fe').length) parts.push(`Lync pool ${withRole('lync-fe').join(', ')}`);
      if (withRole('azureml-client').length) parts.push(`Azure ML admin node ${withRole('azureml-client').join(', ')}`);
      const setting = [locale && `nodes in ${locale}`, drive && `SQL Server on ${drive}:`].filter(Boolean).join(', ');
      out.log(`sandbox ready in ${dir}: ${parts.join('; ')}${setting ? ` (${setting})` : ''}`);
      return 0;
    }
    case 'show': {
      const {dir} = await existing();
      const [{showSandbox}, {summarizeSandbox}] = await Promise.all([import('../hosts/sandbox/show.ts'), import('./sandbox-summary.ts')]);
      const state = await showSandbox(dir, values.node ? {node: values.node} : {});
      if (values.json) out.log(JSON.stringify(state, null, 2));
      else for (const line of summarizeSandbox(state)) out.log(line);
      return 0;
    }
    case 'fault': {
      if (!values.program) throw new UsageError('certwalk sandbox fault DIR --program netsh [--match "add sslcert"] [--node master] [--times 1]');
      const times = values.times === undefined ? 1 : Number(values.times);
      const {dir, manifest} = await existing();
      // A rule for a node the sandbox does not have would never fire: the failure a test expects would not happen.
      if (values.node !== undefined && !manifest.nodes.some((n) => n.name === values.node)) {
        throw new UsageError(`--node ${values.node}: sandbox ${dir} has no such node; its nodes: ${nodeNames(manifest.nodes)}`);
      }
      const {addFault} = await import('../hosts/sandbox/faults.ts');
      await addFault(dir, {
        program: values.program,
        ...(values.node ? {node: values.node} : {}),
        ...(values.match ? {match: values.match} : {}),
        times,
        ...(values['exit-code'] ? {exitCode: Number(values['exit-code'])} : {}),
        ...(values.output ? {output: values.output} : {}),
      });
      out.log(`fault added: the next ${times || 'every'} ${values.program}${values.match ? ` "${values.match}"` : ''} on ${values.node ?? 'any node'} fails`);
      return 0;
    }
    default:
      throw new Error(`sandbox action "${action}" is in the option tables but not handled`);
  }
}

/** Up to 20 names, then how many more (a sandbox may have thousands of workers). */
function nodeNames(nodes: readonly {name: string}[]): string {
  const names = nodes.slice(0, 20).map((n) => n.name);
  return `${names.join(', ')}${nodes.length > 20 ? ` and ${nodes.length - 20} more` : ''}`;
}

function exitWith(error: unknown): void {
  // CERTWALK_USAGE: a file or directory the command line named is not what certwalk needs (inventory-check.ts).
  const code = (error as {code?: string}).code;
  if (error instanceof UsageError || code === 'CERTWALK_USAGE') {
    out.error(`certwalk: ${(error as Error).message}`);
    process.exitCode = 2;
    return;
  }
  out.error(`certwalk: ${error instanceof Error ? error.message : String(error)}`);
  if (process.env.CERTWALK_DEBUG) console.error(error);
  process.exitCode = 1;
}

// A portable copy of this bundle is also the sandbox's simulated Windows tools (see src/hosts/sandbox/tool-path.ts).
if (process.argv[2] === SANDBOX_TOOL_FLAG) {
  const {sandboxToolMain} = await import('../hosts/sandbox/tool-main.ts');
  await sandboxToolMain(process.argv.slice(3));
} else {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, exitWith);
}

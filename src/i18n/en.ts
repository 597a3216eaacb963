// English: the source of truth for every text the screens show. The other catalogs have the type `Catalog`, so a
// key missing there is a type error; `{name}` placeholders must be the same in every language (test/i18n checks it).
// Arrows in a text are keys (↑↓ reads "Up/Dn" on an ASCII console); key letters stay as they are in every language.
// Not here: step titles, commands, tool output, parameter labels and transcripts (they come from the procedures and
// the nodes, and transcripts stay English for auditors), and the procedures' titles and summaries (procedures.ts).

export const en = {
  // Words used in several places
  'phase.idle': 'IDLE',
  'phase.running': 'RUNNING',
  'phase.paused': 'PAUSED',
  'phase.pausing': 'PAUSING',
  'phase.failed': 'FAILED',
  'phase.rolling-back': 'ROLLING BACK',
  'phase.rolled-back': 'ROLLED BACK',
  'phase.rollback-failed': 'ROLLBACK INCOMPLETE',
  'phase.completed': 'COMPLETED',
  'phase.aborted': 'ABORTED',
  /** A session's final state in lists (lower case, as the transcript records it). */
  'state.idle': 'idle',
  'state.running': 'running',
  'state.paused': 'paused',
  'state.failed': 'failed',
  'state.rolling-back': 'rolling-back',
  'state.rolled-back': 'rolled-back',
  'state.rollback-failed': 'rollback-incomplete',
  'state.completed': 'completed',
  'state.aborted': 'aborted',
  'state.unfinished': 'unfinished',
  /** The part of a step that failed. */
  'stepPhase.capture': 'capture',
  'stepPhase.do': 'do',
  'stepPhase.verify': 'verify',

  // Home
  'home.title': 'certwalk · certificate rotations, step by step, with rollback',
  'home.target': 'target: {target}',
  'home.choose': 'Choose a procedure:',
  'home.footer': '↑↓/jk move · Enter choose{transcripts} · ? help · q quit',
  'home.footer.transcripts': ' · t past sessions',

  // The screen flow (app.tsx)
  'app.reading': 'Reading {title} defaults from the nodes…',
  'app.locking': 'Locking the nodes (one certwalk at a time per node)…',
  'app.nothingChanged': 'Nothing was changed: {error}',

  // Parameters
  'params.title': '{title} · parameters',
  'params.intro': 'Defaults were read from the nodes. Nothing changes until you start the plan.',
  'params.empty': '(empty)',
  'params.continue': 'Continue to the plan →',
  'params.continue.help': 'Check every value against the nodes and show the plan',
  'params.checking': 'Checking the parameters against the nodes…',
  'params.typeValue': 'Type a value…',
  'params.footer': '↑↓ move · Enter edit/continue · Esc back · ? help',
  'params.footer.editing': 'Enter accept · Esc cancel',

  // Plan
  'plan.title': '{title} · plan: {count} steps{lines}',
  'plan.lines': ' · lines {from}-{to} of {total}',
  'plan.asksFirst': '[asks first]',
  'plan.legend': '$ exact command · ~ an edit certwalk makes in place · [asks first] = you confirm before it runs',
  'plan.footer': 's/Enter start · ↑↓ PgUp/PgDn scroll · Esc back · ? help',

  // Run: the step list
  'run.title': 'certwalk · {title}',
  'run.phase': '{phase} {done}/{total}',
  'status.reading': 'reading {time}',
  'status.confirm': 'confirm?',
  'status.running': 'running {time}',
  'status.checking': 'checking {time}',
  'status.failed': 'FAILED ({phase})',
  'status.interrupted': 'INTERRUPTED',
  'status.skipped': 'skipped',
  'status.undoing': 'undoing {time}',
  'status.undone': 'undone',
  'status.undoFailed': 'UNDO FAILED',
  'status.stopped': 'stopped',
  'run.above': '{arrow}{count} above',
  'run.below': '{arrow}{count} below',
  'run.nodePosition': 'node {index}/{total}',
  'run.nodeHeading': '{node}: {done}/{total} steps done · Esc back to the node list',
  'run.noSuchNode': '{node}: no such node · Esc back to the node list',
  'run.undoError': 'undo: {error}',

  // Run: counts per node in a fan-out
  'lanes.nodes': 'nodes {count}:',
  'lanes.failed': '{icon} {count} failed',
  'lanes.running': '{icon} {count} running',
  'lanes.done': '{icon} {count} done',
  'lanes.waiting': '{icon} {count} waiting',
  'lanes.undone': '{icon} {count} undone',
  'lanes.failedNames': '{separator} failed: {names}',

  // Run: before/after, read-back, output
  'changes.node': 'node',
  'changes.what': 'what',
  'changes.before': 'before',
  'changes.after': 'after',
  'changes.noValue': '(none)',
  'changes.none': 'nothing changed yet',
  'changes.earlier': '{ellipsis} {count} earlier change(s) in the transcript',
  'readBack.line': '{icon} read back [{node}] {checks}{more}',
  'readBack.expected': '{what} {observed} = expected',
  'readBack.unexpected': '{what} {observed} (expected {expected})',
  'readBack.more': ' · {count} more checks ok',
  'output.title': 'Output',
  'output.command': 'Output · [{node}] {command}',

  // Run: the confirmation box
  'confirm.title': 'Confirm [{node}]: {title}',
  'confirm.commands': 'Will run:',
  'confirm.removes': 'Removes:',
  'confirm.references': 'Still pointing at it:',
  'confirm.warnings': 'Warnings:',
  'confirm.restore': 'Kept to restore it:',
  'confirm.answer': 'y yes · n/Esc no (default: nothing runs)',
  'confirm.answerKind': 'y yes · n/Esc no (default) · a yes to this + {count} like it',
  'modal.more': '↑↓ scroll: {count} more line(s) in this box',

  // Run: rollback boxes
  'rollback.title': 'Roll back: undo every step that changed something, newest first',
  'rollback.nothing': 'nothing has changed yet: rolling back just ends the procedure',
  'rollback.item': '{n}. undo [{node}] {title}',
  'rollback.note': 'Each undo re-reads the node first and uses only what was captured before the step ran.',
  'rollback.answer': 'y start the rollback · n/Esc cancel',
  'nodeRollback.title': 'Roll back {node} only: the other nodes keep their changes',
  'nodeRollback.noNode': '(no node selected)',
  'nodeRollback.nothing': 'nothing to undo on this node',
  'nodeRollback.note': 'Afterwards the node is back to not started: p runs it again, r rolls back everything.',
  'nodeRollback.answer': 'y roll back this node · n/Esc cancel',
  'nodeRollback.close': 'n/Esc close',

  // Run: a failed step
  'failure.title': '{icon} FAILED during {phase} · [{node}] {title}',
  'failure.interrupted': '{icon} INTERRUPTED (certwalk stopped) during {phase} · [{node}] {title}',
  'failure.check': '{icon} {what}: expected {expected}, observed {observed}',
  'failure.others': "{count} other step(s) failed too (g: the node list shows each node's reason)",
  'failure.waits': 'Nothing after this step runs until you choose.',
  'failure.retry': 'e retry',
  'failure.resume': 'e resume (reads it back first)',
  'failure.skip': 's skip',
  'failure.rollback': 'r roll back',
  'failure.nodeOnly': 'x this node only',
  'failure.quit': 'q quit (the session stays unfinished)',

  // Run: footers
  'footer.hint': '({hint})',
  'footer.nodes.back': 'Esc node list',
  'footer.nodes.home': 'Enter home · ↑↓ node',
  'footer.nodes.move': '↑↓/Enter node',
  'footer.nodes.running': '{move} · g steps · p pause · r roll back · ? help',
  'footer.nodes.paused': '{move} · g steps · x undo node · p resume · r undo all · ? help',
  'footer.nodes.failed': '{move} · g steps · x undo node · e retry · r undo all · ? help',
  'footer.nodes.completed': '{move} · g steps · x undo node · r undo all · ? help',
  'footer.quit': 'Quit, leaving it as is? y quit · n stay (the journal keeps what rollback needs)',
  'footer.quitUnfinished': 'Quit, leaving it unfinished? y quit · n stay',
  'footer.answerAbove': 'answer above · ↑↓ scroll',
  'quit.title': '{icon} This session changed nodes and has not finished:',
  'quit.window': '{node} is half-changed: “{done}” ran, “{next}” has not',
  'quit.windowFailed': '{node} may be half-changed: “{step}” failed during its change',
  'quit.inFlight': '[{node}] {title} is running: its result will be unknown (resume reads it back first)',
  'quit.done': '{done} of {total} steps done',
  'quit.stays': 'It stays unfinished and its nodes stay locked to it; certwalk shows it when it starts again. The two ways back:',
  'footer.rollbackFailed': 'r roll back again (retries the failed undos) · t transcript · q quit',
  'footer.confirm': 'answer above · ↑↓ scroll · r roll back instead · t transcript · ? help',
  'footer.running': 'p pause · r roll back · t transcript · ↑↓ scroll steps · ? help · q quit',
  'footer.paused': 'PAUSED · p resume · r roll back · t transcript · q quit',
  'footer.pausing': 'PAUSING after the running step ends · r roll back · t transcript · q quit',
  'footer.failed': 'e retry · r roll back · t transcript · q quit',
  'footer.failedSkip': 'e retry · s skip · r roll back · t transcript · q quit',
  'footer.rollingBack': 'rolling back… t transcript · ? help',
  'footer.completed': 'Enter home · r roll back · t transcript · q quit',
  'footer.ended': 'Enter home · t transcript · q quit',

  // Run: hints after a key that did nothing
  'hint.enterDoesNotConfirm': 'Enter alone does not confirm: press y to run this step, n to stop',
  'hint.alreadyRolledBack': 'already rolled back',
  'hint.oneNode': 'one node at a time here: the step list shows everything',
  'hint.noNode': 'no node to roll back on its own here: g shows the node list',
  'hint.stopFirst': 'a node can be rolled back on its own once the procedure is stopped: p pause first',

  // Done (the end of a run)
  'done.completed': '{icon} Completed: all {count} steps done and read back',
  'done.undoFailures': '{icon} {count} undo(s) failed: the session stays unfinished and locked; fix the cause, then r retries them',
  'done.rolledBack': '{icon} Rolled back: {count} step(s) undone, newest first, each re-read before and after',
  'done.leftAsIs': 'Left as is: roll back later with `certwalk rollback --journal FILE --yes`',
  'done.transcript': 'Transcript (what ran, who confirmed, every command and its output):',
  'done.journal': 'Journal (for `certwalk rollback --journal FILE --yes`):',

  // Recovery
  'recovery.title': 'certwalk · unfinished sessions on this fleet',
  'recovery.intro': 'certwalk stopped before these procedures ended. Nothing runs until you choose.',
  'recovery.started': 'started {time} by {user} on {machine}',
  'recovery.progress': '{done}/{total} steps done · {state}',
  'recovery.crashed': 'stopped without closing',
  'recovery.ended': 'ended {state}',
  'recovery.inUse': 'still open in process {pid} on this machine: close it there',
  'recovery.uncertain': 'uncertain: {what}',
  'recovery.failed': 'failed: [{node}] {title}: {error}',
  'recovery.undoFailed': 'undo failed: [{node}] {title}: {error}',
  'recovery.canResume': 'can be resumed or rolled back ({count} step(s) to undo) · journal {journal}',
  'recovery.rollbackOnly': 'a rollback had started: it can only be rolled back ({count} step(s) to undo) · journal {journal}',
  'recovery.footer': '↑↓ choose · Enter open (e resume · r roll back · q leave) · Esc later',

  // Help (the key table's texts are below)
  'help.title': 'certwalk keys',
  'help.intro': 'Letters, arrows, Enter and Esc only: nothing an RDP console swallows.',
  'help.destructive': 'Destructive steps always ask; No is the default and Enter alone never confirms.',
  'help.close': 'Esc / ? / q close this help',
  /** Named keys as the key table shows them (letters and arrows are never translated). */
  'keyName.Enter': 'Enter',
  'keyName.Esc': 'Esc',
  'keyName.PgUp': 'PgUp',
  'keyName.PgDn': 'PgDn',
  'key.up': 'move up / scroll up',
  'key.down': 'move down / scroll down',
  'key.page-up': 'scroll a page up',
  'key.page-down': 'scroll a page down',
  'key.select': "choose / edit / continue; a node's steps",
  'key.back': 'back / close',
  'key.start': 'start the procedure',
  'key.confirm': 'yes: run this destructive step',
  'key.confirm-kind': 'yes, and to every remaining step of this kind',
  'key.decline': 'no (the default): pause, nothing runs',
  'key.pause': 'pause after the current step / resume',
  'key.rollback': 'roll back: undo every completed step, newest first',
  'key.nodes': 'node list (failed first) or step list',
  'key.rollback-node': 'roll back this node only (others keep theirs)',
  'key.retry': 'retry the failed step (keeps its first capture)',
  'key.skip': 'skip the failed step, when that is safe',
  'key.transcript': 'session transcript; past sessions on Home',
  'key.help': 'this help',
  'key.quit': 'quit (asks when a procedure is not finished)',
  'where.everywhere': 'everywhere',
  'where.scrolling': 'plan, run, transcript',
  'where.menus': 'menus, node list',
  'where.plan': 'plan',
  'where.confirmation': 'confirmation',
  'where.run': 'run',
  'where.manyNodes': 'run, many nodes',
  'where.stopped': 'run, when stopped',
  'where.failure': 'run, after a failure',
  'where.transcript': 'home, run, done',

  // Transcript viewer and past sessions
  'transcript.title': 'transcript {path}',
  'transcript.footer': 'lines {from}-{to} of {total} · {search}/ search · ↑↓ PgUp/PgDn · Esc close',
  'transcript.match': '"{query}" {position}/{count} · n N next/prev · ',
  'transcript.noMatch': '"{query}": no match · ',
  'transcript.typing': 'Enter search · Esc cancel',
  'sessions.title': 'past sessions in {dir}',
  'sessions.started': 'started (UTC)',
  'sessions.procedure': 'procedure',
  'sessions.user': 'user',
  'sessions.state': 'final state',
  'sessions.continued': ' (cont.)',
  'sessions.none': 'no sessions yet: each procedure run writes a transcript here',
  'sessions.footer.one': '{count} session · ↑↓ move · Enter open · Esc close',
  'sessions.footer.other': '{count} sessions · ↑↓ move · Enter open · Esc close',
} as const satisfies Record<string, string>;

export type MessageKey = keyof typeof en;
/** What every other language provides: a text for each key (a missing or unknown key is a type error). */
export type Catalog = {readonly [K in MessageKey]: string};

type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;
/** The `{name}` placeholders of a message, from its English text. */
export type ParamsOf<K extends MessageKey> = Placeholders<(typeof en)[K]>;
/** Keys of the messages without placeholders. */
export type PlainKey = {[K in MessageKey]: [ParamsOf<K>] extends [never] ? K : never}[MessageKey];

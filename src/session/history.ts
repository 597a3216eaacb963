// Past and unfinished sessions as the screens list them (Home's `t`, the transcript viewer, the Recovery screen at
// start): the screens ask the session service, which reads the state directory. Light on purpose: Home loads it, so
// it must not pull the procedures or the runner's step code into the first frame.
export {listSessions, readTranscript, type SessionSummary} from '../runner/transcript.ts';
export {unfinishedSessions, type UnfinishedSession} from '../runner/recovery.ts';

// The session service: what the app and the unattended commands both call to choose, check, start and continue a
// procedure session. Loaded when a procedure is chosen or a session continued, not for the first frame.
export {openDraft, type Draft, type Planned} from './draft.ts';
export {startSession, type StartOptions} from './start.ts';
export {continueSession, sessionSecrets, trustSession, type ContinueOptions, type TrustedJournal} from './continue.ts';
export type {OpenSession} from './open-session.ts';

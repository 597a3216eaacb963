// Which screen the app shows, as a pure function of events: the keys' callbacks and the session service's answers
// become events here; app.tsx does the I/O and renders. Tested without rendering (test/screens/app-flow.test.ts).
import type {Validation} from '../procedures/types.ts';
import type {UnfinishedSession} from '../runner/recovery.ts';
import type {Draft, OpenSession, Planned} from '../session/index.ts';

type Values = Readonly<Record<string, string>>;

export type Screen =
  | {readonly name: 'home'; readonly error?: string}
  | {readonly name: 'recovery'}
  | {readonly name: 'loading'; readonly message: string}
  | {readonly name: 'params'; readonly draft: Draft; readonly values: Values; readonly errors: Values; readonly checking: boolean}
  | {readonly name: 'plan'; readonly draft: Draft; readonly planned: Planned}
  | {readonly name: 'run'; readonly title: string; readonly session: OpenSession};

export interface Flow {
  readonly screen: Screen;
  /** What the Recovery screen still offers: a session opened from it leaves the list. */
  readonly recoverable: readonly UnfinishedSession[];
}

export type FlowEvent =
  /** A wait the admin is told about (reading a procedure's defaults, taking the node locks). */
  | {readonly type: 'waiting'; readonly message: string}
  | {readonly type: 'draft-opened'; readonly draft: Draft}
  | {readonly type: 'edited'; readonly key: string; readonly value: string}
  | {readonly type: 'submitted'}
  | {readonly type: 'checked'; readonly result: Validation<Planned>}
  | {readonly type: 'check-failed'; readonly error: string}
  | {readonly type: 'back'}
  | {readonly type: 'session-opened'; readonly title: string; readonly session: OpenSession; readonly recovered?: UnfinishedSession}
  /** Back to Home, with why when something could not be done (a procedure that failed to load, a lock refused). */
  | {readonly type: 'home'; readonly error?: string};

export function initialFlow(unfinished: readonly UnfinishedSession[]): Flow {
  return {screen: unfinished.length ? {name: 'recovery'} : {name: 'home'}, recoverable: unfinished};
}

/** The next screen; an event that does not belong to the screen shown leaves it as it is. */
export function flow(state: Flow, event: FlowEvent): Flow {
  const {screen} = state;
  const show = (next: Screen): Flow => ({...state, screen: next});
  switch (event.type) {
    case 'waiting':
      return show({name: 'loading', message: event.message});
    case 'draft-opened':
      return show({name: 'params', draft: event.draft, values: event.draft.form.values, errors: {}, checking: false});
    case 'edited':
      return screen.name === 'params' ? show({...screen, values: {...screen.values, [event.key]: event.value}, errors: {}}) : state;
    case 'submitted':
      return screen.name === 'params' ? show({...screen, checking: true, errors: {}}) : state;
    case 'checked':
      if (screen.name !== 'params') return state;
      return show(event.result.ok ? {name: 'plan', draft: screen.draft, planned: event.result.value} : {...screen, checking: false, errors: event.result.errors});
    case 'check-failed':
      return screen.name === 'params' ? show({...screen, checking: false, errors: {_: event.error}}) : state;
    case 'back':
      if (screen.name === 'params') return show({name: 'home'});
      // The values the plan was made from, to change one.
      if (screen.name === 'plan') return show({name: 'params', draft: screen.draft, values: screen.planned.params, errors: {}, checking: false});
      return state;
    case 'session-opened':
      return {
        screen: {name: 'run', title: event.title, session: event.session},
        recoverable: event.recovered ? state.recoverable.filter((s) => s !== event.recovered) : state.recoverable,
      };
    case 'home':
      return show(event.error === undefined ? {name: 'home'} : {name: 'home', error: event.error});
  }
}

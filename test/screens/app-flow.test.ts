// The app's screen flow as a pure function: Home → Parameters → Plan → Run and back, Recovery first when sessions
// did not finish, and answers that no longer fit the screen shown are dropped. No rendering, no sandbox.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import type {UnfinishedSession} from '../../src/runner/recovery.ts';
import type {Draft, OpenSession, Planned} from '../../src/session/index.ts';
import {flow, initialFlow, type Flow, type FlowEvent} from '../../src/screens/app-flow.ts';

// Stand-ins: the flow only carries these objects from one screen to the next.
const draft = {form: {values: {port: '8391', workers: 'all'}, specs: []}} as unknown as Draft;
const planned = {params: {port: '8392', workers: 'all'}, prepared: {resolved: null, secrets: {}}, steps: []} as unknown as Planned;
const session = {} as OpenSession;
const unfinished = [{journal: 'a.jsonl'}, {journal: 'b.jsonl'}] as unknown as UnfinishedSession[];

const after = (events: readonly FlowEvent[], start: Flow = initialFlow([])): Flow => events.reduce(flow, start);
const toParams: FlowEvent[] = [
  {type: 'waiting', message: 'Reading…'},
  {type: 'draft-opened', draft},
];

describe('the app flow', () => {
  test('starts at Home, or at Recovery when sessions did not finish', () => {
    assert.deepEqual(initialFlow([]).screen, {name: 'home'});
    assert.deepEqual(initialFlow(unfinished), {screen: {name: 'recovery'}, recoverable: unfinished});
  });

  test('a chosen procedure opens Parameters with the defaults its form read', () => {
    assert.deepEqual(after(toParams).screen, {name: 'params', draft, values: draft.form.values, errors: {}, checking: false});
  });

  test('an edit changes one value and clears the errors shown', () => {
    const refused = after([...toParams, {type: 'submitted'}, {type: 'checked', result: {ok: false, errors: {port: 'no binding'}}}]);
    assert.deepEqual(refused.screen, {name: 'params', draft, values: draft.form.values, errors: {port: 'no binding'}, checking: false});
    assert.deepEqual(flow(refused, {type: 'edited', key: 'port', value: '8392'}).screen, {
      name: 'params',
      draft,
      values: {port: '8392', workers: 'all'},
      errors: {},
      checking: false,
    });
  });

  test('checking shows while prepare runs; its failure is shown on the form', () => {
    const checking = after([...toParams, {type: 'submitted'}]);
    assert.equal(checking.screen.name === 'params' && checking.screen.checking, true);
    assert.deepEqual(flow(checking, {type: 'check-failed', error: 'node unreachable'}).screen, {
      name: 'params',
      draft,
      values: draft.form.values,
      errors: {_: 'node unreachable'},
      checking: false,
    });
  });

  test('accepted parameters show the Plan; back returns to Parameters with the values it was made from, then Home', () => {
    const plan = after([...toParams, {type: 'submitted'}, {type: 'checked', result: {ok: true, value: planned}}]);
    assert.deepEqual(plan.screen, {name: 'plan', draft, planned});
    const params = flow(plan, {type: 'back'});
    assert.deepEqual(params.screen, {name: 'params', draft, values: planned.params, errors: {}, checking: false});
    assert.deepEqual(flow(params, {type: 'back'}).screen, {name: 'home'});
  });

  test('a session opened shows Run; one continued from Recovery leaves its list', () => {
    assert.deepEqual(after([{type: 'session-opened', title: 'SSIS', session}]).screen, {name: 'run', title: 'SSIS', session});
    const continued = flow(initialFlow(unfinished), {type: 'session-opened', title: 'SSIS', session, recovered: unfinished[0]!});
    assert.deepEqual(continued.recoverable, [unfinished[1]]);
  });

  test('Home shows why something could not be done', () => {
    assert.deepEqual(after([{type: 'home', error: 'master is locked'}]).screen, {name: 'home', error: 'master is locked'});
    assert.deepEqual(after([{type: 'home', error: 'x'}, {type: 'home'}]).screen, {name: 'home'});
  });

  test('answers that arrive on another screen leave it as it is', () => {
    const home = initialFlow([]);
    for (const event of [
      {type: 'edited', key: 'port', value: '1'},
      {type: 'submitted'},
      {type: 'checked', result: {ok: true, value: planned}},
      {type: 'check-failed', error: 'x'},
      {type: 'back'},
    ] as const) {
      assert.equal(flow(home, event), home, event.type);
    }
  });
});

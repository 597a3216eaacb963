// A command on a Lync Front End reads and changes the pool's Central Management Store, which lives in the state of
// the pool's CMS Front End (lync-state.ts). This runs a change on one node's state with the CMS merged in, holding
// the CMS node's lock and then the node's own: every caller takes them in that order, so two Front Ends changing
// the CMS at once wait for each other instead of deadlocking, and a command on the CMS node takes its one lock.
import {withLock} from './lock.ts';
import type {LyncNodeState} from './lync-state.ts';
import {readNodeState, sandboxPaths, updateNodeState, writeNodeState} from './state.ts';
import type {NodeState} from './state.ts';

type Change<T> = (state: NodeState) => {state?: NodeState; result: T} | Promise<{state?: NodeState; result: T}>;

export async function updateFrontEndState<T>(dir: string, node: string, change: Change<T>): Promise<T> {
  // The pool a Front End belongs to never changes, so reading it before taking any lock is safe.
  const cmsNode = (await readNodeState(dir, node)).lync?.cmsNode;
  if (!cmsNode || cmsNode === node) return updateNodeState(dir, node, change);
  return withLock(sandboxPaths.nodeLock(dir, cmsNode), async () => {
    const holder = await readNodeState(dir, cmsNode);
    const cms = holder.lync?.cms;
    return updateNodeState(dir, node, async (state) => {
      const merged: NodeState = state.lync && cms ? {...state, lync: {...state.lync, cms}} : state;
      const {state: changed, result} = await change(merged);
      if (!changed) return {result};
      const newCms = changed.lync?.cms;
      if (newCms && newCms !== cms && holder.lync) await writeNodeState(dir, cmsNode, {...holder, lync: {...holder.lync, cms: newCms}});
      const own = withoutCms(changed);
      return JSON.stringify(own) === JSON.stringify(state) ? {result} : {state: own, result};
    });
  });
}

function withoutCms(state: NodeState): NodeState {
  if (!state.lync) return state;
  const {cms: _cms, ...lync}: LyncNodeState = state.lync;
  return {...state, lync};
}

// Waiting for a new Azure ML cluster to finish provisioning. `az ml env create` returns while the cluster is still
// Creating and a real creation runs for many minutes, so `az ml env show` is read until provisioningState is final
// (Succeeded, Failed, Canceled) or the timeout passes. Every read is a line in the output pane and the transcript.
// Time is the step context's clock (ctx.now), and the pause between reads a parameter, so that a test neither sleeps
// nor depends on how fast its machine is.
import type {AzureMlEnvironment} from '../../ops/azureml.ts';
import type {StepContext} from '../types.ts';

/** How long to wait for provisioning, and how long to pause between reads (0: read again at once). */
export interface ProvisioningWait {
  readonly timeoutSeconds: number;
  readonly intervalSeconds: number;
}

export const MAX_POLL_INTERVAL_SECONDS = 600;

/** Real creations take many minutes; the sandbox's clusters are ready after a few reads. */
export function defaultProvisioningWait(fleetKind: string): {readonly timeout: string; readonly interval: string} {
  return fleetKind === 'sandbox' ? {timeout: '120', interval: '1'} : {timeout: '1800', interval: '30'};
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Target {
  readonly cluster: string;
  readonly resourceGroup: string;
}

/**
 * Reads the cluster until its provisioningState is final. Succeeded: returns it. Failed or Canceled, the cluster gone,
 * or the timeout: throws, saying what to check; the step fails after its capture, so a rollback deletes the cluster.
 */
export async function waitForProvisioning(ctx: StepContext, t: Target, read: () => Promise<AzureMlEnvironment | null>, wait: ProvisioningWait): Promise<AzureMlEnvironment> {
  const started = ctx.now().getTime();
  const deadline = started + wait.timeoutSeconds * 1000;
  const where = `cluster ${t.cluster} in ${t.resourceGroup}`;
  const show = `az ml env show -g ${t.resourceGroup} -n ${t.cluster}`;
  for (;;) {
    const env = await read();
    const now = ctx.now().getTime();
    const elapsed = `${Math.round((now - started) / 1000)} s`;
    if (!env) throw new Error(`${where} is gone while it was provisioning (${show}: not found after ${elapsed}); someone deleted it, or Azure gave up on it`);
    const state = env.provisioningState || '(none)';
    if (state === 'Succeeded') {
      ctx.note(`${t.cluster}: provisioningState Succeeded after ${elapsed}`);
      return env;
    }
    if (state === 'Failed' || state === 'Canceled') {
      throw new Error(
        `the creation of ${where} ended ${state} after ${elapsed} (${show}); see why in the resource group's activity log (Azure portal, or az monitor activity-log list -g ${t.resourceGroup}). A rollback deletes the cluster this session created`,
      );
    }
    if (now >= deadline) {
      throw new Error(
        `${where} is still ${state} after ${wait.timeoutSeconds} s (the provisioningTimeout): check its provisioningState with ${show} and the resource group's activity log; retry waits again without creating it twice, a rollback deletes the cluster this session created`,
      );
    }
    ctx.note(`${t.cluster}: provisioningState ${state}, ${elapsed} of ${wait.timeoutSeconds} s; reading again in ${wait.intervalSeconds} s`);
    await pause(Math.min(wait.intervalSeconds * 1000, deadline - now));
  }
}

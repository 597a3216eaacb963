// Step: restart a Windows service so it loads the new settings. Undone after every other step (undoLast), so the
// service restarts once more on the restored files and certificates, back to the status it had. Only on restored
// files: the undo first reads the settings steps it depends on, and refuses (changing nothing) when one still holds
// another value than the one captured before the session (its undo failed as a conflict, or someone changed it).
import {queryService, queryServiceCommand, restartService, startServiceCommand, stopService, stopServiceCommand} from '../../ops/service.ts';
import {formatCommand} from '../../ops/command.ts';
import type {ServiceState} from '../../ops/service.ts';
import {defineStep, type Step} from '../define.ts';
import {captureDependency, settingRestored, type CapturedDependency, type SettingDependency} from './setting.ts';
import {undoRefused} from './undo-guard.ts';

interface RestartCapture {
  readonly wasRunning: boolean;
  readonly state: ServiceState;
  /**
   * What "restored" means for the settings the service reads: the values they held before the session. Absent from
   * a capture journaled before restarts checked their settings.
   */
  readonly restoredFirst?: readonly CapturedDependency[];
}

export function restartServiceStep(options: {
  id: string;
  node: string;
  service: string;
  skippable?: boolean;
  /** Settings steps (same node) whose files the service reads: its undo runs only once they hold their old values. */
  restoredFirst?: readonly SettingDependency[];
}): Step<RestartCapture> {
  const {id, node, service} = options;
  return defineStep<RestartCapture>({
    id,
    title: `Restart ${service}`,
    node,
    kind: 'restart-service',
    destructive: false,
    skippable: options.skippable ?? false,
    undoLast: true,
    hasUndo: true,
    plan: () => [
      {node, text: formatCommand(stopServiceCommand(service))},
      {node, text: formatCommand(startServiceCommand(service))},
      {node, text: `${formatCommand(queryServiceCommand(service))}   (until RUNNING)`},
    ],
    async capture(ctx) {
      const status = await queryService(await ctx.host(node), service);
      // The settings steps ran before this one: their "before" values are what the undo must find restored.
      const restoredFirst = (options.restoredFirst ?? []).flatMap((dep) => captureDependency(ctx, dep) ?? []);
      return {captured: {wasRunning: status.state === 'running', state: status.state, restoredFirst}};
    },
    async do(ctx) {
      await restartService(await ctx.host(node), service);
    },
    async verify(ctx) {
      const status = await queryService(await ctx.host(node), service);
      const ok = status.state === 'running';
      return {
        checks: [{what: `${service} state`, expected: 'running', observed: ok ? 'running' : `${status.state} (exit code ${status.win32ExitCode})`, ok}],
        changes: [],
      };
    },
    async undo(ctx, captured) {
      const host = await ctx.host(node);
      for (const dep of captured.restoredFirst ?? []) {
        const check = await settingRestored(host, dep);
        if (!check.ok) {
          throw undoRefused(
            ctx,
            node,
            `not restarted: ${dep.key} in ${dep.path} on ${node} holds ${check.found}, not the value ${dep.before} it had before this session (that setting was not restored), so ${service} would start on a file certwalk did not restore; certwalk changed nothing.`,
          );
        }
      }
      if (captured.wasRunning) {
        await restartService(host, service);
        return `restarted ${service} on the restored settings`;
      }
      if ((await queryService(host, service)).state === 'stopped') return `${service} is stopped, as it was before (already restored)`;
      await stopService(host, service);
      return `stopped ${service}, as it was before`;
    },
  });
}

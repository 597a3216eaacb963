// Step: restart a Windows service so it loads the new settings. Undone after every other step (undoLast), so the
// service restarts once more on the restored files and certificates, back to the status it had.
import {queryService, queryServiceCommand, restartService, startServiceCommand, stopService, stopServiceCommand} from '../../ops/service.ts';
import {formatCommand} from '../../ops/command.ts';
import type {StepDefinition} from '../types.ts';
import {asRecord} from './util.ts';

export function restartServiceStep(options: {id: string; node: string; service: string; skippable?: boolean}): StepDefinition {
  const {id, node, service} = options;
  return {
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
      return {captured: {wasRunning: status.state === 'running', state: status.state}};
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
      if (asRecord(captured).wasRunning === true) {
        await restartService(host, service);
        return `restarted ${service} on the restored settings`;
      }
      await stopService(host, service);
      return `stopped ${service}, as it was before`;
    },
  };
}

// What the real Scale Out services verify when they start. A failed check makes the simulated service die during
// start (STOPPED, exit code 1067), which is how a half-finished rotation shows up on a real node.
import {MASTER_SERVICE, WORKER_SERVICE, parseSettingsJson, settingsPathOf} from '../scale-out-files.ts';
import type {ToolContext} from './program.ts';
import {findByThumbprint, sameAccount} from './stores.ts';

/** Why the service would fail to start, or undefined when it starts. */
export function startFailure(context: ToolContext, serviceName: string): string | undefined {
  if (serviceName.toLowerCase() === MASTER_SERVICE.toLowerCase()) return masterFailure(context);
  if (serviceName.toLowerCase() === WORKER_SERVICE.toLowerCase()) return workerFailure(context, serviceName);
  return undefined;
}

function masterFailure(context: ToolContext): string | undefined {
  const path = settingsPathOf(context.state, MASTER_SERVICE);
  const settings = readSettings(context, path);
  if (typeof settings === 'string') return settings;
  const thumbprint = stringSetting(settings, 'SSLCertThumbprint');
  if (!thumbprint) return `${path}: SSLCertThumbprint is missing`;
  const cert = findByThumbprint(context.state, 'Root', thumbprint) ?? findByThumbprint(context.state, 'My', thumbprint);
  if (!cert) return `SSLCertThumbprint ${thumbprint} is in neither LocalMachine\\Root nor LocalMachine\\My`;
  if (!cert.keyPem) return `certificate ${thumbprint} has no private key`;
  const port = settings['PortNumber'];
  const binding = context.state.bindings.find((b) => b.ipport === `0.0.0.0:${port}`);
  if (!binding) return `no http.sys SSL binding on 0.0.0.0:${port}`;
  if (binding.certhash.toLowerCase() !== thumbprint.toLowerCase()) {
    return `the binding on 0.0.0.0:${port} uses ${binding.certhash}, not SSLCertThumbprint ${thumbprint}`;
  }
  return undefined;
}

function workerFailure(context: ToolContext, serviceName: string): string | undefined {
  const settings = readSettings(context, settingsPathOf(context.state, WORKER_SERVICE));
  if (typeof settings === 'string') return settings;
  const masterThumbprint = stringSetting(settings, 'MasterHttpsCertThumbprint');
  if (!masterThumbprint || !findByThumbprint(context.state, 'Root', masterThumbprint)) {
    return `MasterHttpsCertThumbprint ${masterThumbprint ?? '(missing)'} is not in LocalMachine\\Root`;
  }
  const workerThumbprint = stringSetting(settings, 'WorkerHttpsCertThumbprint');
  const cert = workerThumbprint ? findByThumbprint(context.state, 'My', workerThumbprint) : undefined;
  if (!cert) return `WorkerHttpsCertThumbprint ${workerThumbprint ?? '(missing)'} is not in LocalMachine\\My`;
  if (!cert.keyPem) return `worker certificate ${cert.thumbprint} has no private key`;
  const account = context.state.services[serviceName]?.account ?? serviceName;
  if (!cert.keyAcl.some((granted) => sameAccount(granted, account))) {
    return `${account} has no read access to the private key of ${cert.thumbprint}`;
  }
  return undefined;
}

function readSettings(context: ToolContext, path: string): Record<string, unknown> | string {
  const bytes = context.files.read(path);
  if (!bytes) return `${path} not found`;
  try {
    return parseSettingsJson(bytes);
  } catch (error) {
    return `${path} cannot be parsed: ${(error as Error).message}`;
  }
}

/** The thumbprint exactly as written: the services do not forgive invisible characters either. */
function stringSetting(settings: Record<string, unknown>, key: string): string | undefined {
  const value = settings[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

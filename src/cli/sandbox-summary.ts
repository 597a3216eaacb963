// `certwalk sandbox show DIR` without --json: what an admin would look at on each node, one screen per few nodes.
import type {SandboxSnapshot} from '../hosts/sandbox/show.ts';
import {summarizeAzureMl} from '../hosts/sandbox/azureml-snapshot.ts';

const THUMBPRINT_KEYS = ['SSLCertThumbprint', 'MasterHttpsCertThumbprint', 'WorkerHttpsCertThumbprint'];

export function summarizeSandbox(snapshot: SandboxSnapshot): string[] {
  const out: string[] = [];
  for (const node of Object.values(snapshot.nodes)) {
    out.push(`${node.name} (${node.machineName}, ${node.fqdn}, ${node.ip}) ${node.roles.join(', ')}`);
    for (const b of node.bindings) out.push(`  binding  ${b.ipport} → ${b.certhash.toUpperCase()} store ${b.certstorename ?? '(null)'} appid ${b.appid}`);
    for (const [path, file] of Object.entries(node.settings)) {
      const name = path.slice(path.lastIndexOf('\\') + 1);
      for (const key of THUMBPRINT_KEYS) {
        const value = file.values?.[key];
        if (typeof value === 'string') out.push(`  setting  ${name} ${key} = ${value}`);
      }
    }
    for (const [store, certs] of Object.entries(node.stores)) {
      for (const c of certs) out.push(`  store    ${store.padEnd(5)} ${c.thumbprint} ${c.subject}${c.hasPrivateKey ? ' (key)' : ''}`);
    }
    if (node.lync) {
      const l = node.lync;
      const roll = (s: {staged: {thumbprint: string; effectiveDate: string} | null}) => (s.staged ? `, staged ${s.staged.thumbprint} from ${s.staged.effectiveDate}` : '');
      out.push(`  lync     pool ${l.pool}, SIP domain ${l.sipDomain}, Default ${l.assigned['Default'] ?? '(none)'}`);
      out.push(
        `  lync     OAuthTokenIssuer here: current ${l.replica.current ?? '(none)'}, previous ${l.replica.previous ?? '(none)'}${roll(l.replica)}${l.replica.upToDate ? '' : ' (replica NOT up to date)'}`,
      );
      if (l.cms) out.push(`  lync     CMS (global): current ${l.cms.current ?? '(none)'}, previous ${l.cms.previous ?? '(none)'}${roll(l.cms)}`);
    }
    if (node.azureml) out.push(...summarizeAzureMl(node.azureml));
    for (const [name, service] of Object.entries(node.services)) {
      out.push(`  service  ${name} ${service.status}${service.status === 'stopped' && service.win32ExitCode ? ` (exit code ${service.win32ExitCode})` : ''}`);
    }
  }
  return out;
}

// The Azure ML part of `certwalk sandbox show`: what a rotation changes and a rollback must put back. The key is
// shown only by its fingerprint, and the modification time is left out (Azure moves it on every change, undo too).
import {createHash, createPrivateKey, X509Certificate} from 'node:crypto';
import type {AzureMlState} from './azureml-state.ts';
import {scoringUri} from './azureml-state.ts';

export interface AzureMlClusterSnapshot {
  readonly resourceGroup: string;
  readonly name: string;
  readonly provisioningState: string;
  readonly publicIpAddress: string;
  readonly ssl: {readonly status: string; readonly cname: string | null; readonly certThumbprint: string | null; readonly keySha256: string | null};
  readonly services: Record<string, {readonly state: string; readonly scoringUri: string}>;
}

export interface AzureMlSnapshot {
  readonly clusters: readonly AzureMlClusterSnapshot[];
  readonly current: string | null;
  readonly dns: Record<string, string>;
}

export function snapshotAzureMl(azure: AzureMlState): AzureMlSnapshot {
  const clusters = azure.resourceGroups.flatMap((group) =>
    group.clusters.map((c) => ({
      resourceGroup: group.name,
      name: c.name,
      provisioningState: c.provisioningState,
      publicIpAddress: c.publicIpAddress,
      ssl: {
        status: c.ssl.status,
        cname: c.ssl.cname,
        certThumbprint: c.ssl.cert ? thumbprintOf(c.ssl.cert) : null,
        keySha256: c.ssl.key ? keyFingerprint(c.ssl.key) : null,
      },
      services: Object.fromEntries(c.services.map((s) => [s.name, {state: s.state, scoringUri: scoringUri(c, s)}])),
    })),
  );
  const dns = Object.fromEntries(Object.entries(azure.dns).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {clusters, current: azure.current ? `${azure.current.resourceGroup}/${azure.current.name}` : null, dns};
}

/** SHA-256 of the key's PKCS#8 DER: the same key compares equal whatever PEM layout (CRLF, PKCS#1) carried it. */
function keyFingerprint(pem: string): string {
  try {
    return createHash('sha256')
      .update(createPrivateKey(pem).export({type: 'pkcs8', format: 'der'}))
      .digest('hex');
  } catch {
    return '(not a private key)';
  }
}

function thumbprintOf(pem: string): string {
  try {
    return new X509Certificate(pem).fingerprint.replace(/:/g, '');
  } catch {
    return '(not a certificate)';
  }
}

/** `certwalk sandbox show` lines for an Azure ML admin node: each cluster's SSL and scoring, the current one, DNS. */
export function summarizeAzureMl(azure: AzureMlSnapshot): string[] {
  const out: string[] = [];
  for (const c of azure.clusters) {
    const ssl = c.ssl.status === 'Enabled' ? `SSL Enabled for ${c.ssl.cname ?? '(no CNAME)'}, certificate ${c.ssl.certThumbprint ?? '(none)'}` : 'SSL Disabled';
    const current = azure.current === `${c.resourceGroup}/${c.name}` ? ' (current)' : '';
    out.push(`  azureml  ${c.resourceGroup}/${c.name}${current} ${c.provisioningState}, front end ${c.publicIpAddress}, ${ssl}`);
    for (const [name, s] of Object.entries(c.services)) out.push(`  azureml    service ${name} ${s.state}: ${s.scoringUri}`);
  }
  for (const [name, ip] of Object.entries(azure.dns)) out.push(`  dns      ${name} A ${ip}`);
  return out;
}

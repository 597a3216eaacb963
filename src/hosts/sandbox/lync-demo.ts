// The demo Lync Server 2013 pool: Front Ends fe1…feN of pool01.contoso.com (SIP domain contoso.com), the CMS on
// fe1, an OAuthTokenIssuer certificate that expires in about two months (due for a roll), and what the procedures'
// refusals need to be seen: a 1024-bit and a wrong-domain candidate in LocalMachine\My, a certificate whose key
// cannot be exported, and two PFX files under C:\Certificates (password DEMO_PFX_PASSWORD).
import {generateKeyPairSync} from 'node:crypto';
import {createSelfSigned, generateKeyPem} from '../../certs/create.ts';
import type {MadeCert} from '../../certs/create.ts';
import {toPfx} from '../../certs/pfx.ts';
import type {NodeInfo} from '../host.ts';
import {EMPTY_OAUTH} from './lync-state.ts';
import type {LyncNodeState, LyncReplica} from './lync-state.ts';
import {emptyNodeState} from './state.ts';
import type {NodeState} from './state.ts';
import {cmsCertificateFromDer} from './tools/lync-cmdlets.ts';
import {sandboxCertFromDer} from './tools/stores.ts';

export const LYNC_POOL = 'pool01.contoso.com';
export const LYNC_SIP_DOMAIN = 'contoso.com';
/** The documented example password (server-to-server authentication doc); the demo's PFX files open with it. */
export const DEMO_PFX_PASSWORD = 'P@ssw0rd';
export const DEMO_PFX_PATH = 'C:\\Certificates\\ServerToServerAuth.pfx';
export const DEMO_WEAK_PFX_PATH = 'C:\\Certificates\\Legacy1024.pfx';
const DAY_MS = 24 * 60 * 60 * 1000;

export interface LyncDemoOptions {
  readonly frontEnds: number;
  /** fe1 gets 0, fe2 this, fe3 twice this, …: how long a CMS change takes to reach each Front End. Default 3. */
  readonly replicationDelaySeconds?: number;
  /** Whether an OAuthTokenIssuer certificate is assigned already. Default true. */
  readonly oauthAssigned?: boolean;
  /** Regional format of the servers (how a -EffectiveDate string is read). Default en-GB: a US date misreads. */
  readonly culture?: string;
}

export interface LyncDemoNode {
  readonly node: NodeInfo;
  readonly state: NodeState;
  readonly files: ReadonlyArray<readonly [string, Buffer]>;
}

export function lyncFrontEndNode(n: number): NodeInfo {
  return {name: `fe${n}`, machineName: `FE${n}`, fqdn: `fe${n}.${LYNC_SIP_DOMAIN}`, ip: `10.0.2.${10 + n}`, roles: ['lync-fe']};
}

export async function buildLyncPool(options: LyncDemoOptions): Promise<LyncDemoNode[]> {
  const count = options.frontEnds;
  if (!Number.isInteger(count) || count < 0 || count > 12) throw new Error(`lyncFrontEnds must be 0-12, got ${count}`);
  if (count === 0) return [];
  const delay = options.replicationDelaySeconds ?? 3;
  const nodes = Array.from({length: count}, (_, i) => lyncFrontEndNode(i + 1));
  const now = Date.now();
  const deployed = new Date(now - 300 * DAY_MS);
  // Sandbox only: one 2048-bit key behind several demo certificates (each still has its own thumbprint).
  const [key, otherKey] = await Promise.all([generateKeyPem(), generateKeyPem()]);
  const weakKey = generateKeyPairSync('rsa', {modulusLength: 1024}).privateKey.export({type: 'pkcs8', format: 'pem'}).toString();
  const make = (cn: string, dnsNames: string[], keyPem: string, notBefore: Date, validDays: number) =>
    createSelfSigned({commonNames: [cn], dnsNames, keyPem, notBefore, validDays});
  const [poolCert, currentOAuth, rollCandidate, fabrikam, noExport, weak, pfxCert] = await Promise.all([
    make(LYNC_POOL, [LYNC_POOL, ...nodes.map((n) => n.fqdn), `sip.${LYNC_SIP_DOMAIN}`], key!, deployed, 730),
    make(`s2s.${LYNC_SIP_DOMAIN}`, [`s2s.${LYNC_SIP_DOMAIN}`], otherKey!, deployed, 365),
    make(`s2s-2027.${LYNC_SIP_DOMAIN}`, [`s2s-2027.${LYNC_SIP_DOMAIN}`], otherKey!, new Date(now - DAY_MS), 730),
    make('intranet.fabrikam.com', ['intranet.fabrikam.com'], key!, deployed, 730),
    make(`s2s-noexport.${LYNC_SIP_DOMAIN}`, [`s2s-noexport.${LYNC_SIP_DOMAIN}`], key!, new Date(now - DAY_MS), 730),
    make(`legacy.${LYNC_SIP_DOMAIN}`, [`legacy.${LYNC_SIP_DOMAIN}`], weakKey, deployed, 730),
    make(`s2s-import.${LYNC_SIP_DOMAIN}`, [`s2s-import.${LYNC_SIP_DOMAIN}`], otherKey!, new Date(now - DAY_MS), 730),
  ]);
  const replicas: LyncReplica[] = nodes.map((n, i) => ({node: n.name, fqdn: n.fqdn, delaySeconds: i * delay}));
  const oauth = options.oauthAssigned === false ? EMPTY_OAUTH : {...EMPTY_OAUTH, current: cmsCertificateFromDer(currentOAuth.der)};
  const exportable = (cert: MadeCert) => sandboxCertFromDer(cert.der, {keyPem: cert.keyPem, exportable: true});
  return nodes.map((node, i) => {
    const state = emptyNodeState();
    state.stores['My'] = [exportable(poolCert), exportable(fabrikam), exportable(weak)];
    if (i === 0) state.stores['My'].push(exportable(rollCandidate), sandboxCertFromDer(noExport.der, {keyPem: noExport.keyPem, exportable: false}));
    const lync: LyncNodeState = {
      pool: LYNC_POOL,
      sipDomain: LYNC_SIP_DOMAIN,
      cmsNode: nodes[0]!.name,
      culture: options.culture ?? 'en-GB',
      assigned: {Default: poolCert.info.thumbprint},
      ...(i === 0 ? {cms: {replicas, revisions: [{at: deployed.toISOString(), oauth, missedBy: []}]}} : {}),
    };
    state.lync = lync;
    const files: Array<readonly [string, Buffer]> =
      i === 0
        ? [
            [DEMO_PFX_PATH, toPfx(pfxCert, DEMO_PFX_PASSWORD)],
            [DEMO_WEAK_PFX_PATH, toPfx(weak, DEMO_PFX_PASSWORD)],
          ]
        : [];
    return {node, state, files};
  });
}

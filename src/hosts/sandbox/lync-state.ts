// The simulated Lync Server 2013 pool: what each Front End knows (NodeState.lync) and the Central Management Store
// (CMS) that holds the global OAuthTokenIssuer configuration. The CMS lives in the state of ONE Front End of the pool
// (`cmsNode`, the pool's first FE, where a real pool keeps its master store); a cmdlet run on any FE reads and
// changes it there (dispatch.ts takes the CMS node's lock, then the FE's own: always in that order).
//
// Replication is computed, not run: every change appends a revision stamped with its time; a Front End sees the
// newest revision at least `delaySeconds` old, except revisions it missed (a Front End under the
// `lync-replication` fault never receives a change made while the fault holds). A roll staged for an effective
// date becomes current when that date passes, also computed when read. Everything here is a pure function.
import type {CertificateRecord} from '../../certs/certificate.ts';

/** A certificate as the CMS holds it for global use (replicated with its key to every Front End). */
export interface CmsCertificate extends CertificateRecord {
  /**
   * DNS names of the subject alternative name extension (CertInfo's dnsNames). Named as Get-CsCertificate names them,
   * and kept so: the state.json of every sandbox made so far holds them under this name.
   */
  readonly alternativeNames: readonly string[];
}

/** `Set-CsCertificate … -Roll -EffectiveDate`: this certificate becomes current at that time. */
export interface StagedRoll {
  readonly certificate: CmsCertificate;
  /** ISO 8601. */
  readonly effectiveDate: string;
}

/** The global OAuthTokenIssuer assignment. Lync 2013 keeps two: current and previous. */
export interface OAuthTokenIssuerConfig {
  readonly current: CmsCertificate | null;
  /** When `current` became current through a roll (ISO), else null. */
  readonly effectiveDate: string | null;
  readonly previous: CmsCertificate | null;
  readonly staged: StagedRoll | null;
}

export interface CmsRevision {
  /** ISO 8601: when the change reached the CMS. */
  readonly at: string;
  readonly oauth: OAuthTokenIssuerConfig;
  /** Front Ends (node names) that never receive this revision (replication fault at the time of the change). */
  readonly missedBy: readonly string[];
}

export interface LyncReplica {
  readonly node: string;
  readonly fqdn: string;
  /** How long a change takes to reach this Front End. */
  readonly delaySeconds: number;
}

export interface CentralManagementStore {
  readonly replicas: readonly LyncReplica[];
  /** Oldest first; never empty (the first is the state at deployment). */
  readonly revisions: readonly CmsRevision[];
}

export interface LyncNodeState {
  /** The pool FQDN (`pool01.contoso.com`). */
  readonly pool: string;
  readonly sipDomain: string;
  /** The Front End whose state holds the CMS. */
  readonly cmsNode: string;
  /** The Windows regional format a culture-dependent -EffectiveDate string is parsed in (`en-GB`, `en-US`). */
  readonly culture: string;
  /** Per-computer certificate assignments by use (`Default` → thumbprint in LocalMachine\My). */
  readonly assigned: Readonly<Record<string, string>>;
  /** Only on `cmsNode`. */
  readonly cms?: CentralManagementStore;
}

/** The program name a fault rule uses to stop replication to a Front End (`sandbox fault DIR --program lync-replication --node fe3`). */
export const REPLICATION_FAULT_PROGRAM = 'lync-replication';

export const EMPTY_OAUTH: OAuthTokenIssuerConfig = {current: null, effectiveDate: null, previous: null, staged: null};

/** The configuration as it stands at `now`: a staged roll whose date has passed has happened. */
export function resolveOAuth(config: OAuthTokenIssuerConfig, now: Date): OAuthTokenIssuerConfig {
  const staged = config.staged;
  if (!staged || Date.parse(staged.effectiveDate) > now.getTime()) return config;
  return {current: staged.certificate, effectiveDate: staged.effectiveDate, previous: config.current, staged: null};
}

export function latestRevision(cms: CentralManagementStore): CmsRevision {
  return cms.revisions[cms.revisions.length - 1]!;
}

/** The revision a Front End holds at `now`: the newest that had time to reach it and that it did not miss. */
export function replicaRevision(cms: CentralManagementStore, node: string, now: Date): CmsRevision {
  const delayMs = (cms.replicas.find((r) => r.node === node)?.delaySeconds ?? 0) * 1000;
  for (let i = cms.revisions.length - 1; i > 0; i--) {
    const revision = cms.revisions[i]!;
    if (Date.parse(revision.at) + delayMs <= now.getTime() && !revision.missedBy.includes(node)) return revision;
  }
  return cms.revisions[0]!;
}

/** Whether a Front End holds the newest revision. */
export function replicaUpToDate(cms: CentralManagementStore, node: string, now: Date): boolean {
  return replicaRevision(cms, node, now) === latestRevision(cms);
}

/** A new revision on top of the CMS (the caller passes who is cut off from replication right now). */
export function withRevision(cms: CentralManagementStore, oauth: OAuthTokenIssuerConfig, now: Date, missedBy: readonly string[]): CentralManagementStore {
  return {...cms, revisions: [...cms.revisions, {at: now.toISOString(), oauth, missedBy: [...missedBy]}]};
}

/**
 * Every global certificate that ever reached this Front End: replication deploys them, with their keys, into the
 * FE's certificate store and never removes them, which is why Set-CsCertificate can name them by thumbprint there.
 */
export function deployedCertificates(cms: CentralManagementStore, node: string, now: Date): CmsCertificate[] {
  const held = replicaRevision(cms, node, now);
  const found = new Map<string, CmsCertificate>();
  for (const revision of cms.revisions) {
    if (revision.missedBy.includes(node)) continue;
    for (const cert of certificatesOf(revision.oauth)) found.set(cert.thumbprint, cert);
    if (revision === held) break;
  }
  return [...found.values()];
}

function certificatesOf(config: OAuthTokenIssuerConfig): CmsCertificate[] {
  return [config.current, config.previous, config.staged?.certificate ?? null].filter((c): c is CmsCertificate => c !== null);
}

// The Lync part of `sandbox show`: a Front End's certificate assignments, what its CMS replica holds now and, on the
// CMS node, the global configuration. Revisions (the replication history) are left out: two snapshots of the same
// configuration compare equal however many changes and rollbacks led to it.
import {EMPTY_OAUTH, latestRevision, replicaRevision, resolveOAuth} from './lync-state.ts';
import type {CentralManagementStore, LyncNodeState, OAuthTokenIssuerConfig} from './lync-state.ts';

export interface OAuthSnapshotView {
  readonly current: string | null;
  readonly previous: string | null;
  readonly staged: {readonly thumbprint: string; readonly effectiveDate: string} | null;
}

export interface LyncSnapshot {
  readonly pool: string;
  readonly sipDomain: string;
  readonly assigned: Readonly<Record<string, string>>;
  /**
   * This Front End's replica of the CMS, as of the snapshot. `upToDate`: it holds the same token issuer configuration
   * as the CMS (by content, so a change and its rollback that never reached a Front End leave it up to date).
   */
  readonly replica: OAuthSnapshotView & {readonly upToDate: boolean};
  /** Only on the Front End that holds the CMS. */
  readonly cms?: OAuthSnapshotView & {readonly replicas: readonly {readonly node: string; readonly fqdn: string; readonly delaySeconds: number}[]};
}

function view(config: OAuthTokenIssuerConfig): OAuthSnapshotView {
  return {
    current: config.current?.thumbprint ?? null,
    previous: config.previous?.thumbprint ?? null,
    staged: config.staged ? {thumbprint: config.staged.certificate.thumbprint, effectiveDate: config.staged.effectiveDate} : null,
  };
}

/** `cms` is the pool's store (read from the CMS node by the caller); `now` decides replication and staged rolls. */
export function snapshotLync(node: string, lync: LyncNodeState, cms: CentralManagementStore | undefined, now: Date): LyncSnapshot {
  const held = cms ? view(resolveOAuth(replicaRevision(cms, node, now).oauth, now)) : view(EMPTY_OAUTH);
  const master = cms ? view(resolveOAuth(latestRevision(cms).oauth, now)) : undefined;
  return {
    pool: lync.pool,
    sipDomain: lync.sipDomain,
    assigned: {...lync.assigned},
    replica: {...held, upToDate: JSON.stringify(held) === JSON.stringify(master)},
    ...(lync.cms ? {cms: {...view(resolveOAuth(latestRevision(lync.cms).oauth, now)), replicas: lync.cms.replicas.map((r) => ({...r}))}} : {}),
  };
}

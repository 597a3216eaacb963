// Whether a master certificate answers to the host the workers connect to. A worker checks the master's certificate
// against the host of its MasterEndpoint (WorkerSettings.config); a certificate without that name fails every
// worker's TLS handshake after the restart, which the documents warn about and nothing else would catch in time.
import type {CertInfo} from '../certs/cert-info.ts';

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** An IP literal is matched only by an equal IP, never by a DNS name or a wildcard (RFC 6125 §6.2.1, §6.4.3). */
function isIp(host: string): boolean {
  return IPV4.test(host) || host.includes(':');
}

/**
 * RFC 6125 §6.4.3, the strict reading browsers use: `*` only as the whole left-most label, matching exactly one
 * label, and never with fewer than two labels after it (`*.com` matches nothing).
 */
function dnsNameMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!p.startsWith('*.')) return p === h;
  const suffix = p.slice(2);
  if (suffix.includes('*') || suffix.split('.').length < 2) return false;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === suffix;
}

/** The names a certificate answers to: its SAN DNS names and IPs, and its CNs (which Windows' TLS still reads). */
export function certificateNames(info: Pick<CertInfo, 'commonNames' | 'dnsNames' | 'ipAddresses'>): string[] {
  return [...new Set([...info.commonNames, ...info.dnsNames, ...info.ipAddresses])];
}

/** Whether one of `names` (CN or SAN DNS/IP values) covers `host`, case-insensitively, wildcards as RFC 6125 allows. */
export function namesCover(names: readonly string[], host: string): boolean {
  if (isIp(host)) return names.some((n) => n.toLowerCase() === host.toLowerCase());
  return names.some((n) => !isIp(n) && dnsNameMatches(n, host));
}

/** The endpoint host of a MasterEndpoint value (`https://master.contoso.local:8391`), or an error sentence. */
export function endpointHostOf(endpoint: unknown): {ok: true; host: string} | {ok: false; error: string} {
  if (typeof endpoint !== 'string' || endpoint.trim() === '')
    return {ok: false, error: 'has no MasterEndpoint string value, so which name the worker expects on the certificate is unknown'};
  try {
    const host = new URL(endpoint.trim()).hostname.replace(/^\[(.*)\]$/, '$1');
    if (host) return {ok: true, host};
  } catch {
    // reported below
  }
  return {ok: false, error: `has MasterEndpoint "${endpoint}", which is not a URL such as https://master.contoso.local:8391`};
}

/** When a certificate is used, for the validity check: now must lie in [notBefore, notAfter]. */
export function validityRefusal(info: Pick<CertInfo, 'thumbprint' | 'notBefore' | 'notAfter'>, now: Date): string | null {
  if (now < info.notBefore) return `${info.thumbprint} is not valid yet (valid from ${info.notBefore.toISOString()})`;
  if (now > info.notAfter) return `${info.thumbprint} expired on ${info.notAfter.toISOString()}`;
  return null;
}

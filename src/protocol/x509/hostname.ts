/**
 * Service identity, RFC 9525 §6: the reference identifier (the name the client dialled) against
 * the presented identifiers in subjectAltName.
 * - DNS-IDs (§6.3): case-insensitive ASCII comparison; a wildcard only as the complete
 *   left-most label (`*.example.com`), matching exactly one non-empty label; never partial
 *   (`f*o.example.com`), never beyond the left-most label, never `*.com`.
 * - IP-IDs (§6.4): octet-for-octet against iPAddress entries; never against DNS-IDs or the CN.
 * - The subject commonName is consulted only when the certificate has no dNSName at all, which
 *   is what OpenSSL 3's X509_check_host does by default (RFC 9525 §6.2.1 would never use it).
 * One trailing dot on either name is ignored (an absolute name is the same name).
 */
import type { GeneralNames } from './extensions.ts';
import { formatIp, parseIp } from './ip.ts';

export interface NameMatch {
  ok: boolean;
  /** What kind of reference identifier `serverName` is. */
  kind: 'dns' | 'ip';
  /** The presented identifier that matched. */
  matched?: string;
  /** Every presented identifier of that kind, as compared. */
  presented: string[];
  /** Whether the comparison fell back to the subject commonName. */
  usedCommonName: boolean;
}

function stripDot(s: string): string {
  return s.endsWith('.') ? s.slice(0, -1) : s;
}

/** RFC 9525 §6.3 comparison of one DNS-ID with the reference identifier. */
export function matchDnsName(reference: string, presented: string): boolean {
  const ref = stripDot(reference.toLowerCase());
  const pres = stripDot(presented.toLowerCase());
  if (!ref || !pres || ref.includes('*') || ref.startsWith('.') || ref.includes('..')) return false;
  if (!pres.includes('*')) return ref === pres;
  if (!pres.startsWith('*.') || pres.indexOf('*', 1) >= 0) return false;
  const base = pres.slice(2);
  // At least two labels after the wildcard, none of them empty: no `*.com`, no `*..com`.
  const baseLabels = base.split('.');
  if (baseLabels.length < 2 || baseLabels.some((l) => l === '')) return false;
  const dot = ref.indexOf('.');
  if (dot <= 0) return false;
  return ref.slice(dot + 1) === base;
}

/**
 * Compare `serverName` (a host name or an IP literal) with the certificate's identities.
 * `commonNames` are the subject's CN values, used only when there is no dNSName.
 */
export function matchServerName(serverName: string, san: GeneralNames | undefined, commonNames: readonly string[] = []): NameMatch {
  const ip = parseIp(serverName);
  if (ip) {
    const presented = san?.ipAddresses ?? [];
    const want = formatIp(ip);
    const matched = presented.find((p) => p === want);
    return { ok: matched !== undefined, kind: 'ip', presented, usedCommonName: false, ...(matched ? { matched } : {}) };
  }
  const dns = san?.dnsNames ?? [];
  const usedCommonName = dns.length === 0;
  const presented = usedCommonName ? [...commonNames] : dns;
  const matched = presented.find((p) => matchDnsName(serverName, p));
  return { ok: matched !== undefined, kind: 'dns', presented, usedCommonName, ...(matched ? { matched } : {}) };
}

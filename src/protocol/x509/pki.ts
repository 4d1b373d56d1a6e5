/**
 * A small PKI for the simulator: a self-signed root CA, an intermediate CA it signs, and a
 * server (leaf) certificate the intermediate signs — RFC 5280 §4 certificates with the profile
 * public CAs use (basicConstraints and keyUsage critical, extKeyUsage serverAuth, subjectAltName,
 * key identifiers by RFC 7093 method 1) — plus, on request, a v2 CRL from the leaf's issuer.
 *
 * Everything is plain data: the clock comes in as `now`, serial numbers from `provider.random`,
 * keys from `provider.generateSigningKey`. Every input the fault catalogue changes (validity,
 * names, SANs, CA flags, key usage, who signs what) is a field of the spec, so a fault is a
 * different spec, never a different code path.
 */
import type { CryptoProvider, SigningKey } from '../crypto-provider.ts';
import { type CertificateSpec, decodeCertificate, encodeCertificate } from './certificate.ts';
import { encodeCrl } from './crl.ts';
import type { CRLReasonName, ExtKeyUsageName, ExtensionsSpec, KeyUsageName } from './extensions.ts';
import type { NameSpec } from './name.ts';

const DAY = 86_400_000;
const YEAR = 365 * DAY;

export interface PartySpec {
  subject?: NameSpec;
  /** The issuer name written into the certificate (default: the issuer's subject). */
  issuerName?: NameSpec;
  notBefore?: number;
  notAfter?: number;
  keyKind?: SigningKey['kind'];
  /** Reuse a key instead of generating one. */
  key?: SigningKey;
  serialNumber?: Uint8Array;
  /** `null` leaves the extension out. */
  basicConstraints?: { cA: boolean; pathLenConstraint?: number; critical?: boolean } | null;
  keyUsage?: KeyUsageName[] | null;
  keyUsageCritical?: boolean;
  extKeyUsage?: (ExtKeyUsageName | string)[] | null;
  subjectAltName?: { dnsNames?: string[]; ipAddresses?: string[]; critical?: boolean } | null;
  keyIdentifiers?: { subject?: boolean; authority?: boolean };
  /** Sign with this key instead of the issuer's: the names still chain, the signature does not verify. */
  signWith?: SigningKey;
  otherExtensions?: ExtensionsSpec['other'];
}

export interface IntermediateSpec extends PartySpec {
  /** `root` (default) or `self`: a self-signed "intermediate" that chains to nothing. */
  issuer?: 'root' | 'self';
}

export interface LeafSpec extends PartySpec {
  /** subjectAltName dNSName entries (default `mail.example.test`); `subjectAltName` overrides. */
  dnsNames?: string[];
  ipAddresses?: string[];
  /** Who signs the leaf: the intermediate (default; the root when there is none), the root, or the leaf itself. */
  issuer?: 'intermediate' | 'root' | 'self';
}

export interface CrlRequest {
  /** List the leaf (default true). */
  revokeLeaf?: boolean;
  /** Other serial numbers to list. */
  serials?: Uint8Array[];
  thisUpdate?: number;
  nextUpdate?: number | null;
  revocationDate?: number;
  reason?: CRLReasonName;
  /** Sign with another key than the issuer's. */
  signWith?: SigningKey;
}

export interface PkiSpec {
  /** The clock, ms since the epoch: defaults are relative to it. */
  now: number;
  root?: PartySpec;
  /** `null`: no intermediate, the root signs the leaf. */
  intermediate?: IntermediateSpec | null;
  leaf?: LeafSpec;
  /** Issue a CRL from the leaf's issuer. */
  crl?: CrlRequest;
}

export interface IssuedCertificate {
  der: Uint8Array;
  key: SigningKey;
  subject: NameSpec;
}

export interface Pki {
  root: IssuedCertificate;
  intermediate?: IssuedCertificate;
  leaf: IssuedCertificate;
  /** What the server sends: the leaf, then the intermediate if there is one. */
  chain: Uint8Array[];
  /** What the client trusts: the root. */
  trustAnchors: Uint8Array[];
  /** The CRL, when one was asked for. */
  crls: Uint8Array[];
}

export const DEFAULT_NAMES = {
  root: { C: 'CN', O: 'Handshake Lab', CN: 'Handshake Lab Root CA' },
  intermediate: { C: 'CN', O: 'Handshake Lab', CN: 'Handshake Lab Issuing CA 1' },
  leafOrganization: 'Handshake Lab Mail',
  leafDnsName: 'mail.example.test',
} as const;

/** A positive 16-octet serial number (RFC 5280 §4.1.2.2: at most 20 octets, non-negative). */
export function randomSerial(provider: CryptoProvider): Uint8Array {
  const s = provider.random(16);
  s[0] = (s[0] & 0x7f) | 0x01;
  return s;
}

function extensionsOf(
  p: PartySpec,
  defaults: Required<Pick<PartySpec, 'basicConstraints' | 'keyUsage' | 'extKeyUsage' | 'subjectAltName'>>,
): ExtensionsSpec {
  const bc = p.basicConstraints === undefined ? defaults.basicConstraints : p.basicConstraints;
  const ku = p.keyUsage === undefined ? defaults.keyUsage : p.keyUsage;
  const eku = p.extKeyUsage === undefined ? defaults.extKeyUsage : p.extKeyUsage;
  const san = p.subjectAltName === undefined ? defaults.subjectAltName : p.subjectAltName;
  const ext: ExtensionsSpec = {};
  if (bc) ext.basicConstraints = bc;
  if (ku) ext.keyUsage = { usages: ku, critical: p.keyUsageCritical ?? true };
  if (eku) ext.extKeyUsage = { purposes: eku };
  if (san) ext.subjectAltName = san;
  if (p.otherExtensions) ext.other = p.otherExtensions;
  return ext;
}

/** Build root → intermediate → leaf (and a CRL) from a plain-data spec. ECDSA P-256 unless told otherwise. */
export async function makePki(provider: CryptoProvider, spec: PkiSpec): Promise<Pki> {
  const now = spec.now;
  const rootSpec = spec.root ?? {};
  const interSpec = spec.intermediate === null ? null : (spec.intermediate ?? {});
  const leafSpec = spec.leaf ?? {};

  const keyFor = (p: PartySpec): Promise<SigningKey> =>
    p.key ? Promise.resolve(p.key) : provider.generateSigningKey(p.keyKind ?? 'ecdsa-p256');
  // In order, for the same reason as the signatures below.
  const rootKey = await keyFor(rootSpec);
  const interKey = interSpec ? await keyFor(interSpec) : undefined;
  const leafKey = await keyFor(leafSpec);

  const issue = async (
    p: PartySpec,
    subject: NameSpec,
    key: SigningKey,
    issuer: { name: NameSpec; key: SigningKey },
    validity: { notBefore: number; notAfter: number },
    extensions: ExtensionsSpec,
  ): Promise<IssuedCertificate> => {
    const cert: CertificateSpec = {
      serialNumber: p.serialNumber ?? randomSerial(provider),
      issuer: p.issuerName ?? issuer.name,
      subject,
      notBefore: p.notBefore ?? validity.notBefore,
      notAfter: p.notAfter ?? validity.notAfter,
      subjectPublicKeyInfo: key.spki,
      extensions,
      ...(p.keyIdentifiers ? { keyIdentifiers: p.keyIdentifiers } : {}),
    };
    // With `signWith`, the authority key identifier still names the real issuer (its spki), so
    // the chain builds and only the signature fails.
    const der = await encodeCertificate(
      cert,
      p.signWith ? { ...p.signWith, spki: issuer.key.spki } : issuer.key,
      provider,
    );
    return { der, key, subject };
  };

  // One after the other, not side by side: an ECDSA signature under a seed draws its nonce from
  // the seeded stream once its digest is ready, and side by side the order of those draws would
  // depend on which digest WebCrypto finishes first — the same seed must give the same bytes.
  const rootName = rootSpec.subject ?? DEFAULT_NAMES.root;
  const interName = interSpec?.subject ?? DEFAULT_NAMES.intermediate;
  const dnsNames = leafSpec.dnsNames ?? (leafSpec.ipAddresses ? [] : [DEFAULT_NAMES.leafDnsName]);
  const leafName = leafSpec.subject ?? {
    C: 'CN',
    O: DEFAULT_NAMES.leafOrganization,
    CN: dnsNames[0] ?? leafSpec.ipAddresses?.[0] ?? 'server',
  };
  const leafIssuer =
    leafSpec.issuer === 'self'
      ? { name: leafName, key: leafKey }
      : leafSpec.issuer === 'root' || !interKey
        ? { name: rootName, key: rootKey }
        : { name: interName, key: interKey };
  const leafKeyUsage: KeyUsageName[] =
    leafKey.kind === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'];

  const root = await issue(
    rootSpec,
    rootName,
    rootKey,
    { name: rootName, key: rootKey },
    { notBefore: now - YEAR, notAfter: now + 10 * YEAR },
    extensionsOf(rootSpec, {
      basicConstraints: { cA: true },
      keyUsage: ['keyCertSign', 'cRLSign'],
      extKeyUsage: null,
      subjectAltName: null,
    }),
  );
  const intermediate =
    interSpec && interKey
      ? await issue(
          interSpec,
          interName,
          interKey,
          interSpec.issuer === 'self' ? { name: interName, key: interKey } : { name: rootName, key: rootKey },
          { notBefore: now - YEAR, notAfter: now + 5 * YEAR },
          extensionsOf(interSpec, {
            basicConstraints: { cA: true, pathLenConstraint: 0 },
            keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'],
            extKeyUsage: ['serverAuth', 'clientAuth'],
            subjectAltName: null,
          }),
        )
      : undefined;
  const leaf = await issue(
    leafSpec,
    leafName,
    leafKey,
    leafIssuer,
    { notBefore: now - 30 * DAY, notAfter: now + 60 * DAY },
    extensionsOf(leafSpec, {
      basicConstraints: { cA: false },
      keyUsage: leafKeyUsage,
      extKeyUsage: ['serverAuth', 'clientAuth'],
      subjectAltName: { dnsNames, ipAddresses: leafSpec.ipAddresses ?? [] },
    }),
  );

  const crls: Uint8Array[] = [];
  if (spec.crl) {
    const c = spec.crl;
    const serials = [
      ...(c.revokeLeaf === false ? [] : [decodeCertificate(leaf.der).tbs.serialNumber]),
      ...(c.serials ?? []),
    ];
    const revocationDate = c.revocationDate ?? now - DAY;
    crls.push(
      await encodeCrl(
        {
          issuer: leafIssuer.name,
          thisUpdate: c.thisUpdate ?? now - 60 * 60 * 1000,
          ...(c.nextUpdate === null ? {} : { nextUpdate: c.nextUpdate ?? now + 7 * DAY }),
          revoked: serials.map((serialNumber) => ({
            serialNumber,
            revocationDate,
            ...(c.reason ? { reason: c.reason } : {}),
          })),
        },
        c.signWith ? { ...c.signWith, spki: leafIssuer.key.spki } : leafIssuer.key,
        provider,
      ),
    );
  }

  return {
    root,
    ...(intermediate ? { intermediate } : {}),
    leaf,
    chain:
      intermediate && leafSpec.issuer !== 'self' && leafSpec.issuer !== 'root'
        ? [leaf.der, intermediate.der]
        : [leaf.der],
    trustAnchors: [root.der],
    crls,
  };
}

/**
 * AlgorithmIdentifier and SubjectPublicKeyInfo (RFC 5280 §4.1.1.2, §4.1.2.7), the signature
 * algorithms certificates and CRLs are signed with (RFC 5758 §3.2 ECDSA; RFC 4055 §5 RSA PKCS #1
 * v1.5 with NULL parameters; RFC 4055 §3.1 RSASSA-PSS; RFC 8410 §3 Ed25519), how each maps onto
 * the provider's signature schemes, and key identifiers by RFC 7093 §2 method 1 (the leftmost
 * 160 bits of the SHA-256 of the subjectPublicKey bits: the provider has no SHA-1).
 */
import { DerReader } from '../asn1/der-reader.ts';
import * as der from '../asn1/der-writer.ts';
import { contextTag } from '../asn1/tags.ts';
import { DecodeError } from '../bytes/errors.ts';
import { toHex } from '../bytes/hex.ts';
import type { CryptoProvider, SignatureSchemeName, SigningKey } from '../crypto-provider.ts';
import { Oid, oidName } from './oids.ts';

export interface AlgorithmIdentifier {
  algorithm: string;
  /** The parameters element's DER, when present. */
  parameters?: Uint8Array;
  /** The whole AlgorithmIdentifier's DER (RFC 5280 §4.1.1.2 asks that the two copies match). */
  der: Uint8Array;
}

export type PublicKeyKind = 'ecdsa-p256' | 'ecdsa-p384' | 'ecdsa-p521' | 'ec' | 'rsa' | 'rsa-pss' | 'ed25519' | 'unknown';

export interface SubjectPublicKeyInfo {
  /** The SubjectPublicKeyInfo DER, as the provider's `verify` takes it. */
  der: Uint8Array;
  algorithm: AlgorithmIdentifier;
  /** The BIT STRING's bits (the EC point, the RSAPublicKey DER...). */
  subjectPublicKey: Uint8Array;
  keyKind: PublicKeyKind;
  /** RSA only: the modulus size in bits. */
  rsaModulusBits?: number;
}

export function readAlgorithmIdentifier(r: DerReader, fieldName: string): AlgorithmIdentifier {
  const start = r.offset;
  const { algorithm, parameters } = r.sequence(
    fieldName,
    (s) => {
      const algorithm = s.oid('algorithm', oidName);
      const parameters = s.atEnd ? undefined : s.any('parameters').der;
      return { algorithm, parameters };
    },
    (a) => oidName(a.algorithm) ?? a.algorithm,
  );
  const out: AlgorithmIdentifier = { algorithm, der: r.bytes.slice(start, r.offset) };
  if (parameters) out.parameters = parameters;
  return out;
}

export function readSubjectPublicKeyInfo(r: DerReader, fieldName: string): SubjectPublicKeyInfo {
  const start = r.offset;
  const { algorithm, subjectPublicKey } = r.sequence(
    fieldName,
    (s) => ({
      algorithm: readAlgorithmIdentifier(s, 'algorithm'),
      subjectPublicKey: s.bitString('subjectPublicKey').bytes,
    }),
    (v) => describeKey(v.algorithm, v.subjectPublicKey),
  );
  const spki: SubjectPublicKeyInfo = {
    der: r.bytes.slice(start, r.offset),
    algorithm,
    subjectPublicKey,
    keyKind: keyKindOf(algorithm),
  };
  if (spki.keyKind === 'rsa' || spki.keyKind === 'rsa-pss') {
    const bits = rsaModulusBits(subjectPublicKey);
    if (bits !== undefined) spki.rsaModulusBits = bits;
  }
  return spki;
}

/** A standalone SubjectPublicKeyInfo (e.g. `SigningKey.spki`). */
export function decodeSubjectPublicKeyInfo(spki: Uint8Array): SubjectPublicKeyInfo {
  const r = new DerReader(spki);
  const v = readSubjectPublicKeyInfo(r, 'SubjectPublicKeyInfo');
  r.expectEnd('SubjectPublicKeyInfo');
  return v;
}

function keyKindOf(alg: AlgorithmIdentifier): PublicKeyKind {
  switch (alg.algorithm) {
    case Oid.rsaEncryption:
      return 'rsa';
    case Oid.id_RSASSA_PSS:
      return 'rsa-pss';
    case Oid.id_Ed25519:
      return 'ed25519';
    case Oid.id_ecPublicKey: {
      const curve = alg.parameters ? safeOid(alg.parameters) : undefined;
      if (curve === Oid.prime256v1) return 'ecdsa-p256';
      if (curve === Oid.secp384r1) return 'ecdsa-p384';
      if (curve === Oid.secp521r1) return 'ecdsa-p521';
      return 'ec';
    }
    default:
      return 'unknown';
  }
}

function safeOid(bytes: Uint8Array): string | undefined {
  try {
    const r = new DerReader(bytes);
    const o = r.oid('namedCurve');
    r.expectEnd('namedCurve');
    return o;
  } catch {
    return undefined;
  }
}

function rsaModulusBits(rsaPublicKey: Uint8Array): number | undefined {
  try {
    const r = new DerReader(rsaPublicKey);
    return r.sequence('RSAPublicKey', (s) => {
      const n = s.integerBytes('modulus');
      s.integer('publicExponent');
      let i = 0;
      while (i < n.length && n[i] === 0) i++;
      if (i === n.length) return 0;
      return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i]));
    });
  } catch {
    return undefined;
  }
}

function describeKey(alg: AlgorithmIdentifier, key: Uint8Array): string {
  const kind = keyKindOf(alg);
  if (kind === 'rsa' || kind === 'rsa-pss') return `${kind === 'rsa' ? 'RSA' : 'RSA-PSS'} ${rsaModulusBits(key) ?? '?'} bit`;
  if (kind === 'ecdsa-p256') return 'EC P-256';
  if (kind === 'ecdsa-p384') return 'EC P-384';
  if (kind === 'ecdsa-p521') return 'EC P-521';
  if (kind === 'ed25519') return 'Ed25519';
  return oidName(alg.algorithm) ?? alg.algorithm;
}

/** The AlgorithmIdentifier DER and provider scheme an issuer key of this kind signs with. */
export function signingAlgorithm(kind: SigningKey['kind']): { der: Uint8Array; scheme: SignatureSchemeName } {
  if (kind === 'ecdsa-p256') {
    // RFC 5758 §3.2: the parameters field MUST be absent.
    return { der: der.sequence(der.oid(Oid.ecdsa_with_SHA256)), scheme: 'ecdsa_secp256r1_sha256' };
  }
  // RFC 4055 §5: sha256WithRSAEncryption with NULL parameters.
  return { der: der.sequence(der.oid(Oid.sha256WithRSAEncryption), der.nullValue()), scheme: 'rsa_pkcs1_sha256' };
}

const HASH_BY_OID: Record<string, 'SHA-256' | 'SHA-384' | 'SHA-512' | 'SHA-1'> = {
  [Oid.id_sha256]: 'SHA-256',
  [Oid.id_sha384]: 'SHA-384',
  [Oid.id_sha512]: 'SHA-512',
  [Oid.id_sha1]: 'SHA-1',
};

/** RSASSA-PSS-params, RFC 4055 §3.1 (with its SHA-1 / 20-octet-salt defaults). */
function readPssParams(params: Uint8Array): { hash: string; mgfHash: string; saltLength: number } {
  const r = new DerReader(params);
  const out = r.sequence('RSASSA-PSS-params', (s) => {
    let hash = 'SHA-1';
    let mgfHash = 'SHA-1';
    let saltLength = 20;
    if (s.nextIs(contextTag(0, true))) {
      s.explicit('hashAlgorithm', 0, (h) => {
        const a = readAlgorithmIdentifier(h, 'HashAlgorithm');
        hash = HASH_BY_OID[a.algorithm] ?? a.algorithm;
      });
    }
    if (s.nextIs(contextTag(1, true))) {
      s.explicit('maskGenAlgorithm', 1, (m) =>
        m.sequence('MaskGenAlgorithm', (g) => {
          const mgf = g.oid('algorithm');
          const inner = readAlgorithmIdentifier(g, 'parameters');
          mgfHash = mgf === Oid.id_mgf1 ? (HASH_BY_OID[inner.algorithm] ?? inner.algorithm) : mgf;
        }),
      );
    }
    if (s.nextIs(contextTag(2, true))) saltLength = s.explicit('saltLength', 2, (x) => x.smallInteger('saltLength'));
    if (s.nextIs(contextTag(3, true))) {
      const trailer = s.explicit('trailerField', 3, (x) => x.smallInteger('trailerField'));
      if (trailer !== 1) s.fail('trailerField must be 1 (RFC 4055 §3.1)', 'trailerField');
    }
    return { hash, mgfHash, saltLength };
  });
  r.expectEnd('RSASSA-PSS-params');
  return out;
}

/**
 * The provider scheme that verifies a signature made with `sig` by the holder of `issuerKey`,
 * or the reason there is none (an algorithm the provider cannot express).
 */
export function verificationScheme(
  sig: AlgorithmIdentifier,
  issuerKey: SubjectPublicKeyInfo,
): { scheme: SignatureSchemeName } | { unsupported: string } {
  const name = oidName(sig.algorithm) ?? sig.algorithm;
  const mismatch = { unsupported: `${name} with a ${issuerKey.keyKind} issuer key` };
  switch (sig.algorithm) {
    case Oid.ecdsa_with_SHA256:
      return issuerKey.keyKind === 'ecdsa-p256' ? { scheme: 'ecdsa_secp256r1_sha256' } : mismatch;
    case Oid.ecdsa_with_SHA384:
      return issuerKey.keyKind === 'ecdsa-p384' ? { scheme: 'ecdsa_secp384r1_sha384' } : mismatch;
    case Oid.sha256WithRSAEncryption:
      return issuerKey.keyKind === 'rsa' ? { scheme: 'rsa_pkcs1_sha256' } : mismatch;
    case Oid.sha384WithRSAEncryption:
      return issuerKey.keyKind === 'rsa' ? { scheme: 'rsa_pkcs1_sha384' } : mismatch;
    case Oid.sha512WithRSAEncryption:
      return issuerKey.keyKind === 'rsa' ? { scheme: 'rsa_pkcs1_sha512' } : mismatch;
    case Oid.id_Ed25519:
      return issuerKey.keyKind === 'ed25519' ? { scheme: 'ed25519' } : mismatch;
    case Oid.id_RSASSA_PSS: {
      if (issuerKey.keyKind !== 'rsa') return mismatch;
      if (!sig.parameters) return { unsupported: 'RSASSA-PSS without parameters' };
      let p: ReturnType<typeof readPssParams>;
      try {
        p = readPssParams(sig.parameters);
      } catch (e) {
        if (e instanceof DecodeError) return { unsupported: `RSASSA-PSS parameters: ${e.message}` };
        throw e;
      }
      const byHash = { 'SHA-256': ['rsa_pss_rsae_sha256', 32], 'SHA-384': ['rsa_pss_rsae_sha384', 48], 'SHA-512': ['rsa_pss_rsae_sha512', 64] } as const;
      const m = byHash[p.hash as keyof typeof byHash];
      if (!m || p.mgfHash !== p.hash || p.saltLength !== m[1]) {
        return { unsupported: `RSASSA-PSS with ${p.hash}, MGF1-${p.mgfHash}, salt ${p.saltLength}` };
      }
      return { scheme: m[0] };
    }
    default:
      return { unsupported: name };
  }
}

/** RFC 7093 §2 method 1: the leftmost 160 bits of SHA-256 over the subjectPublicKey bits. */
export async function keyIdentifier(provider: CryptoProvider, spki: Uint8Array): Promise<Uint8Array> {
  const { subjectPublicKey } = decodeSubjectPublicKeyInfo(spki);
  return (await provider.digest('SHA-256', subjectPublicKey)).slice(0, 20);
}

export function showKeyId(id: Uint8Array | undefined): string {
  return id ? toHex(id, ':') : '(none)';
}

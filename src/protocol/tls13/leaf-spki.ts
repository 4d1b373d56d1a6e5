/**
 * A minimal DER walk (X.690) to the SubjectPublicKeyInfo of an X.509 certificate (RFC 5280 §4.1),
 * and the kind of key it holds. It validates nothing: it is for tests and tools that trust the
 * chain anyway; the x509 layer does real validation.
 *
 *   Certificate ::= SEQUENCE { tbsCertificate TBSCertificate, ... }
 *   TBSCertificate ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, serialNumber,
 *       signature AlgorithmIdentifier, issuer Name, validity Validity, subject Name,
 *       subjectPublicKeyInfo SubjectPublicKeyInfo, ... }
 */
import { equalBytes } from '../bytes/hex.ts';

interface Tlv {
  tag: number;
  /** Offset of the tag byte and one past the end of the value. */
  start: number;
  valueStart: number;
  end: number;
}

function readTlv(der: Uint8Array, at: number, limit: number): Tlv | null {
  if (at + 2 > limit) return null;
  const tag = der[at];
  let len = der[at + 1];
  let p = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || p + n > limit) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[p++];
  }
  if (p + len > limit) return null;
  return { tag, start: at, valueStart: p, end: p + len };
}

const SEQUENCE = 0x30;
/** 1.2.840.10045.2.1 id-ecPublicKey (RFC 5480) and 1.2.840.10045.3.1.7 secp256r1. */
const OID_EC_PUBLIC_KEY = Uint8Array.from([0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]);
const OID_P256 = Uint8Array.from([0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]);
/** 1.2.840.113549.1.1.1 rsaEncryption (RFC 8017). */
const OID_RSA = Uint8Array.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]);

/** The leaf's SubjectPublicKeyInfo (DER) and its key kind, or null if the walk fails. */
export function leafSpki(certificate: Uint8Array): { spki: Uint8Array; keyKind?: 'ecdsa-p256' | 'rsa' } | null {
  const cert = readTlv(certificate, 0, certificate.length);
  if (!cert || cert.tag !== SEQUENCE) return null;
  const tbs = readTlv(certificate, cert.valueStart, cert.end);
  if (!tbs || tbs.tag !== SEQUENCE) return null;
  let p = tbs.valueStart;
  let field = readTlv(certificate, p, tbs.end);
  if (field && field.tag === 0xa0) {
    p = field.end;
    field = readTlv(certificate, p, tbs.end);
  }
  // serialNumber, signature, issuer, validity, subject: skip five, the sixth is the SPKI.
  for (let i = 0; i < 5; i++) {
    if (!field) return null;
    p = field.end;
    field = readTlv(certificate, p, tbs.end);
  }
  if (!field || field.tag !== SEQUENCE) return null;
  const spki = certificate.slice(field.start, field.end);
  const algorithm = readTlv(certificate, field.valueStart, field.end);
  if (!algorithm || algorithm.tag !== SEQUENCE) return { spki };
  const oid = readTlv(certificate, algorithm.valueStart, algorithm.end);
  if (!oid) return { spki };
  const oidBytes = certificate.subarray(oid.start, oid.end);
  if (equalBytes(oidBytes, OID_RSA)) return { spki, keyKind: 'rsa' };
  if (equalBytes(oidBytes, OID_EC_PUBLIC_KEY)) {
    const param = readTlv(certificate, oid.end, algorithm.end);
    if (param && equalBytes(certificate.subarray(param.start, param.end), OID_P256))
      return { spki, keyKind: 'ecdsa-p256' };
  }
  return { spki };
}

/**
 * The kind of key a certificate carries, as TLS 1.2 needs it (RFC 5246 §7.4.2: "The end entity
 * certificate's public key ... MUST be compatible with the selected key exchange algorithm"):
 * ECDHE_ECDSA needs an ECDSA key, ECDHE_RSA and RSA key transport an RSA key.
 */
import type { SigningKey } from '../crypto-provider.ts';
import type { CertificateVerdict } from '../tls/certificate-verifier.ts';
import { decodeSubjectPublicKeyInfo } from '../x509/algorithms.ts';

/** The leaf's key kind, from the verdict or else from its SubjectPublicKeyInfo; undefined when neither says. */
export function leafKeyKind(verdict: CertificateVerdict): SigningKey['kind'] | undefined {
  if (verdict.leafKeyKind) return verdict.leafKeyKind;
  if (!verdict.leafSpki) return undefined;
  try {
    const kind = decodeSubjectPublicKeyInfo(verdict.leafSpki).keyKind;
    return kind === 'rsa' || kind === 'ecdsa-p256' ? kind : undefined;
  } catch {
    return undefined;
  }
}

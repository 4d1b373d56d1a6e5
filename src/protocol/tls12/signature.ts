/**
 * Which signature schemes can sign a TLS 1.2 ServerKeyExchange (RFC 5246 §7.4.1.4.1, §7.4.3):
 * the peer lists SignatureAndHashAlgorithm pairs in signature_algorithms, and the code points are
 * RFC 8446's SignatureScheme values. Unlike TLS 1.3's CertificateVerify, TLS 1.2 still allows RSA
 * PKCS#1 v1.5 signatures; RSA-PSS is allowed too (RFC 8446 §4.2.3 extends it to TLS 1.2). SHA-1
 * is not offered or accepted (RFC 9155).
 */
import type { SigningKey } from '../crypto-provider.ts';
import { SignatureScheme } from '../tls/constants.ts';

/** The schemes a key of this kind can sign a ServerKeyExchange with, in this project's preference. */
export function tls12SchemesForKey(kind: SigningKey['kind']): number[] {
  return kind === 'ecdsa-p256'
    ? [SignatureScheme.ecdsa_secp256r1_sha256]
    : [
        SignatureScheme.rsa_pss_rsae_sha256,
        SignatureScheme.rsa_pss_rsae_sha384,
        SignatureScheme.rsa_pss_rsae_sha512,
        SignatureScheme.rsa_pkcs1_sha256,
        SignatureScheme.rsa_pkcs1_sha384,
        SignatureScheme.rsa_pkcs1_sha512,
      ];
}

/** The peer's first listed scheme that our key can sign with (the peer lists in preference order). */
export function selectTls12SignatureScheme(
  kind: SigningKey['kind'],
  peerSchemes: readonly number[],
): number | undefined {
  const ours = tls12SchemesForKey(kind);
  return peerSchemes.find((s) => ours.includes(s));
}

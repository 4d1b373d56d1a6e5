/**
 * The signature schemes (RFC 8446 §4.2.3, also TLS 1.2's SignatureAndHashAlgorithm pairs, RFC 5246
 * §7.4.1.4.1) that the crypto provider can verify: certificates, CertificateVerify and
 * ServerKeyExchange signatures all go through this one table.
 */
import type { SignatureSchemeName } from '../crypto-provider.ts';
import { SignatureScheme } from './constants.ts';

/** The schemes the provider can verify, by code point. */
const PROVIDER_SCHEMES = new Map<number, SignatureSchemeName>([
  [SignatureScheme.ecdsa_secp256r1_sha256, 'ecdsa_secp256r1_sha256'],
  [SignatureScheme.ecdsa_secp384r1_sha384, 'ecdsa_secp384r1_sha384'],
  [SignatureScheme.rsa_pss_rsae_sha256, 'rsa_pss_rsae_sha256'],
  [SignatureScheme.rsa_pss_rsae_sha384, 'rsa_pss_rsae_sha384'],
  [SignatureScheme.rsa_pss_rsae_sha512, 'rsa_pss_rsae_sha512'],
  [SignatureScheme.rsa_pkcs1_sha256, 'rsa_pkcs1_sha256'],
  [SignatureScheme.rsa_pkcs1_sha384, 'rsa_pkcs1_sha384'],
  [SignatureScheme.rsa_pkcs1_sha512, 'rsa_pkcs1_sha512'],
  [SignatureScheme.ed25519, 'ed25519'],
]);

export function providerScheme(code: number): SignatureSchemeName | undefined {
  return PROVIDER_SCHEMES.get(code);
}

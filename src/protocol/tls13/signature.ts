/**
 * CertificateVerify signatures (RFC 8446 §4.4.3): what is signed, which scheme fits a key, and
 * which schemes TLS 1.3 allows in a handshake signature.
 *
 * The signature covers 64 spaces, a context string naming the signer's role, a zero byte, and the
 * transcript hash through the Certificate. The spaces defeat a TLS 1.2 ServerKeyExchange signature
 * being replayed here (its signed data starts with 32 random bytes, never 64 spaces); the role
 * string stops a server's signature from passing as a client's.
 */
import type { SigningKey } from '../crypto-provider.ts';
import { concat, utf8Encode } from '../bytes/hex.ts';
import { SignatureScheme } from '../tls/constants.ts';
import { providerScheme } from '../tls/signature-schemes.ts';

export const SERVER_SIGNATURE_CONTEXT = 'TLS 1.3, server CertificateVerify';
export const CLIENT_SIGNATURE_CONTEXT = 'TLS 1.3, client CertificateVerify';

/** 0x20 * 64 || context string || 0x00 || transcript hash */
export function signedContent(context: string, transcriptHash: Uint8Array): Uint8Array {
  return concat(new Uint8Array(64).fill(0x20), utf8Encode(context), Uint8Array.of(0), transcriptHash);
}

/**
 * §4.4.3: "RSA signatures MUST use an RSASSA-PSS algorithm", and SHA-1 is out (§4.2.3). PKCS#1
 * v1.5 stays verifiable (providerScheme) for certificates and TLS 1.2, not for this message.
 */
export function allowedInTls13CertificateVerify(code: number): boolean {
  const name = providerScheme(code);
  return name !== undefined && !name.startsWith('rsa_pkcs1');
}

/** The schemes a key of this kind can sign a TLS 1.3 CertificateVerify with. */
export function schemesForKey(kind: SigningKey['kind']): number[] {
  return kind === 'ecdsa-p256'
    ? [SignatureScheme.ecdsa_secp256r1_sha256]
    : [SignatureScheme.rsa_pss_rsae_sha256, SignatureScheme.rsa_pss_rsae_sha384, SignatureScheme.rsa_pss_rsae_sha512];
}

/** The peer's first listed scheme that our key can sign with (the peer lists in preference order). */
export function selectSignatureScheme(kind: SigningKey['kind'], peerSchemes: readonly number[]): number | undefined {
  const ours = schemesForKey(kind);
  return peerSchemes.find((s) => ours.includes(s));
}

/**
 * The TLS 1.2 cipher suites this project implements: ECDHE with ECDSA or RSA signatures (RFC 8422
 * §6, RFC 5289 §3.2) and RSA key transport (RFC 5288 §3), all with AES-GCM records (RFC 5288 §3).
 *
 * A TLS 1.2 suite names four things: how the pre-master secret is agreed (ECDHE, or RSA
 * encryption), what kind of certificate key authenticates the server, the AEAD that protects
 * records, and the hash of the PRF (RFC 5246 §5; RFC 5288 §3 and RFC 5289 §3.2 pick SHA-256 or
 * SHA-384 with the AES key size).
 *
 * AES-GCM's key block has no MAC keys (RFC 5246 §6.3 with mac_key_length 0): each direction gets
 * an encryption key and a 4-byte implicit IV, the "salt" of the GCM nonce (RFC 5288 §3).
 */
import type { AeadName, HashName, SigningKey } from '../crypto-provider.ts';
import { CipherSuite, type CipherSuiteName } from '../tls/constants.ts';

export type KeyExchangeAlgorithm = 'ECDHE' | 'RSA';

export interface Tls12CipherSuite {
  name: CipherSuiteName;
  code: number;
  keyExchange: KeyExchangeAlgorithm;
  /** The kind of certificate key the suite needs: it signs ServerKeyExchange, or (RSA) decrypts the pre-master secret. */
  certificateKey: SigningKey['kind'];
  aead: AeadName;
  /** The PRF's hash, which also hashes the handshake messages for Finished and the session hash. */
  prfHash: HashName;
  keyLength: number;
  /** RFC 5288 §3: fixed_iv_length, the implicit part of the nonce taken from the key block. */
  fixedIvLength: number;
  /** RFC 5288 §3: record_iv_length, the explicit part sent in each record. */
  recordIvLength: number;
}

const gcm = (
  keyLength: 16 | 32,
): Pick<Tls12CipherSuite, 'aead' | 'prfHash' | 'keyLength' | 'fixedIvLength' | 'recordIvLength'> => ({
  aead: keyLength === 16 ? 'AES-128-GCM' : 'AES-256-GCM',
  prfHash: keyLength === 16 ? 'SHA-256' : 'SHA-384',
  keyLength,
  fixedIvLength: 4,
  recordIvLength: 8,
});

export const TLS12_CIPHER_SUITES: readonly Tls12CipherSuite[] = [
  {
    name: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    code: CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    keyExchange: 'ECDHE',
    certificateKey: 'ecdsa-p256',
    ...gcm(16),
  },
  {
    name: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
    code: CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    keyExchange: 'ECDHE',
    certificateKey: 'ecdsa-p256',
    ...gcm(32),
  },
  {
    name: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    code: CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    keyExchange: 'ECDHE',
    certificateKey: 'rsa',
    ...gcm(16),
  },
  {
    name: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    code: CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    keyExchange: 'ECDHE',
    certificateKey: 'rsa',
    ...gcm(32),
  },
  {
    name: 'TLS_RSA_WITH_AES_128_GCM_SHA256',
    code: CipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256,
    keyExchange: 'RSA',
    certificateKey: 'rsa',
    ...gcm(16),
  },
];

export function tls12CipherSuite(code: number): Tls12CipherSuite | undefined {
  return TLS12_CIPHER_SUITES.find((s) => s.code === code);
}

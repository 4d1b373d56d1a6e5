/**
 * The TLS 1.3 cipher suites this project implements (RFC 8446 §B.4): each names the AEAD that
 * protects records and the hash that drives HKDF and the transcript (§7.1).
 */
import type { AeadName, HashName } from '../crypto-provider.ts';
import { CipherSuite, type CipherSuiteName } from '../tls/constants.ts';

export interface Tls13CipherSuite {
  name: CipherSuiteName;
  code: number;
  aead: AeadName;
  hash: HashName;
  /** Hash.length: the size of every secret and of Finished.verify_data. */
  hashLength: number;
  keyLength: number;
  /** §5.3: iv_length is max(8 bytes, N_MIN) = 12 for AES-GCM. */
  ivLength: number;
}

export const TLS13_CIPHER_SUITES: readonly Tls13CipherSuite[] = [
  {
    name: 'TLS_AES_128_GCM_SHA256',
    code: CipherSuite.TLS_AES_128_GCM_SHA256,
    aead: 'AES-128-GCM',
    hash: 'SHA-256',
    hashLength: 32,
    keyLength: 16,
    ivLength: 12,
  },
  {
    name: 'TLS_AES_256_GCM_SHA384',
    code: CipherSuite.TLS_AES_256_GCM_SHA384,
    aead: 'AES-256-GCM',
    hash: 'SHA-384',
    hashLength: 48,
    keyLength: 32,
    ivLength: 12,
  },
];

export function tls13CipherSuite(code: number): Tls13CipherSuite | undefined {
  return TLS13_CIPHER_SUITES.find((s) => s.code === code);
}

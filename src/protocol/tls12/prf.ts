/**
 * The TLS 1.2 pseudorandom function and everything derived with it: the master secret (RFC 5246
 * §8.1, and the extended master secret of RFC 7627 §4), the key block (RFC 5246 §6.3) and
 * Finished.verify_data (RFC 5246 §7.4.9).
 *
 * RFC 5246 §5:
 *
 *   P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) +
 *                          HMAC_hash(secret, A(2) + seed) + ...
 *   A(0) = seed
 *   A(i) = HMAC_hash(secret, A(i-1))
 *
 *   PRF(secret, label, seed) = P_<hash>(secret, label + seed)
 *
 * The hash is the suite's (SHA-256, or SHA-384 for the AES-256 suites, RFC 5289 §3.2). Where
 * TLS 1.3 has a ladder of secrets, TLS 1.2 has one: every key of the connection comes out of the
 * master secret, which comes out of the pre-master secret and the two randoms (or, with the
 * extended master secret, the hash of the whole handshake up to ClientKeyExchange).
 *
 *   master_secret = PRF(pre_master_secret, "master secret",
 *                       ClientHello.random + ServerHello.random)[0..47];
 *   master_secret = PRF(pre_master_secret, "extended master secret",
 *                       session_hash)[0..47];                         // RFC 7627 §4
 *   key_block = PRF(master_secret, "key expansion",
 *                   ServerHello.random + ClientHello.random);         // note: server first
 *   verify_data = PRF(master_secret, "client finished" | "server finished",
 *                     Hash(handshake_messages))[0..11];
 */
import { concat, utf8Encode } from '../bytes/hex.ts';
import type { CryptoProvider, HashName } from '../crypto-provider.ts';
import type { EndpointRole } from '../engine.ts';
import type { Tls12CipherSuite } from './cipher-suites.ts';

/** HMAC with some hash, keyed by `key`. */
export type Hmac = (key: Uint8Array, data: Uint8Array) => Promise<Uint8Array>;

/** RFC 5246 §8.1 */
export const MASTER_SECRET_LENGTH = 48;
/** RFC 5246 §7.4.9: verify_data_length is 12 for every suite this project implements. */
export const VERIFY_DATA_LENGTH = 12;

export const MASTER_SECRET_LABEL = 'master secret';
export const EXTENDED_MASTER_SECRET_LABEL = 'extended master secret';
export const KEY_EXPANSION_LABEL = 'key expansion';
export const FINISHED_LABELS: Readonly<Record<EndpointRole, string>> = {
  client: 'client finished',
  server: 'server finished',
};

/** P_hash(secret, seed), cut to `length` bytes. */
export async function pHash(hmac: Hmac, secret: Uint8Array, seed: Uint8Array, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let a = seed;
  for (let filled = 0; filled < length;) {
    a = await hmac(secret, a);
    const block = await hmac(secret, concat(a, seed));
    out.set(block.subarray(0, Math.min(block.length, length - filled)), filled);
    filled += block.length;
  }
  return out;
}

/** PRF(secret, label, seed) with any HMAC (the tests run SHA-224 and SHA-512 through it too). */
export function prfWith(
  hmac: Hmac,
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  return pHash(hmac, secret, concat(utf8Encode(label), seed), length);
}

/** PRF(secret, label, seed) on the provider's HMAC with `hash`. */
export function prf(
  provider: CryptoProvider,
  hash: HashName,
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  return prfWith((key, data) => provider.hmac(hash, key, data), secret, label, seed, length);
}

/** The master secret and what went into it, for the trace. */
export interface MasterSecretDerivation {
  label: string;
  /** client_random + server_random, or the session_hash (RFC 7627). */
  seed: Uint8Array;
  master_secret: Uint8Array;
}

/**
 * RFC 5246 §8.1, or RFC 7627 §4 when `sessionHash` is given: the extended master secret binds the
 * whole handshake (certificates, key exchange) into every key, so that a man in the middle who
 * relays two handshakes with the same randoms and pre-master secret cannot make them share keys.
 */
export async function deriveMasterSecret(
  provider: CryptoProvider,
  suite: Tls12CipherSuite,
  preMasterSecret: Uint8Array,
  randoms: { clientRandom: Uint8Array; serverRandom: Uint8Array },
  sessionHash?: Uint8Array,
): Promise<MasterSecretDerivation> {
  const label = sessionHash ? EXTENDED_MASTER_SECRET_LABEL : MASTER_SECRET_LABEL;
  const seed = sessionHash ?? concat(randoms.clientRandom, randoms.serverRandom);
  const master_secret = await prf(provider, suite.prfHash, preMasterSecret, label, seed, MASTER_SECRET_LENGTH);
  return { label, seed, master_secret };
}

/** RFC 5246 §6.3, for an AEAD suite (no MAC keys): the key block and its four parts, in order. */
export interface KeyBlock {
  seed: Uint8Array;
  key_block: Uint8Array;
  client_write_key: Uint8Array;
  server_write_key: Uint8Array;
  client_write_IV: Uint8Array;
  server_write_IV: Uint8Array;
}

export async function deriveKeyBlock(
  provider: CryptoProvider,
  suite: Tls12CipherSuite,
  masterSecret: Uint8Array,
  randoms: { clientRandom: Uint8Array; serverRandom: Uint8Array },
): Promise<KeyBlock> {
  const seed = concat(randoms.serverRandom, randoms.clientRandom);
  const length = 2 * suite.keyLength + 2 * suite.fixedIvLength;
  const key_block = await prf(provider, suite.prfHash, masterSecret, KEY_EXPANSION_LABEL, seed, length);
  let at = 0;
  const take = (n: number) => key_block.slice(at, (at += n));
  return {
    seed,
    key_block,
    client_write_key: take(suite.keyLength),
    server_write_key: take(suite.keyLength),
    client_write_IV: take(suite.fixedIvLength),
    server_write_IV: take(suite.fixedIvLength),
  };
}

/** RFC 5246 §7.4.9: verify_data for `role`'s Finished over Hash(handshake_messages). */
export function computeVerifyData(
  provider: CryptoProvider,
  suite: Tls12CipherSuite,
  masterSecret: Uint8Array,
  role: EndpointRole,
  handshakeHash: Uint8Array,
): Promise<Uint8Array> {
  return prf(provider, suite.prfHash, masterSecret, FINISHED_LABELS[role], handshakeHash, VERIFY_DATA_LENGTH);
}

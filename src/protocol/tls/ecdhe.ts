/**
 * (EC)DHE for both versions — TLS 1.3's key_share (RFC 8446 §4.2.8, §7.4) and TLS 1.2's
 * ServerKeyExchange / ClientKeyExchange (RFC 8422 §5.4, §5.7) carry the same public values: the
 * groups this project computes with, key share generation (drawn from the provider, or fixed by a
 * fixture) and the checks on a peer's share.
 */
import type { CryptoProvider, GroupName, KeyShareKeyPair } from '../crypto-provider.ts';
import { UsageError } from '../bytes/errors.ts';
import { NamedGroup, type NamedGroupName } from './constants.ts';

/** The groups the provider implements, with their code points. */
export const IMPLEMENTED_GROUPS: Readonly<Record<GroupName, number>> = {
  x25519: NamedGroup.x25519,
  secp256r1: NamedGroup.secp256r1,
};

export function implementedGroupName(code: number): GroupName | undefined {
  return (Object.keys(IMPLEMENTED_GROUPS) as GroupName[]).find((g) => IMPLEMENTED_GROUPS[g] === code);
}

export function isImplementedGroup(name: NamedGroupName): name is GroupName {
  return name in IMPLEMENTED_GROUPS;
}

/** RFC 7748 §4.1: the X25519 base point u = 9. X25519(k, 9) is the public key of k. */
const X25519_BASE_POINT = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 9 : 0));

/** A fresh key pair, or the one a fixture fixed by its private key. */
export async function keyShareFor(
  provider: CryptoProvider,
  group: GroupName,
  fixedPrivateKey?: Uint8Array,
): Promise<KeyShareKeyPair> {
  if (!fixedPrivateKey) return provider.generateKeyShare(group);
  if (group === 'x25519') {
    return {
      group,
      privateKey: fixedPrivateKey,
      publicKey: await provider.ecdh('x25519', fixedPrivateKey, X25519_BASE_POINT),
    };
  }
  throw new UsageError(
    `a fixed ${group} private key is not supported: its public key cannot be derived through the provider`,
  );
}

/**
 * §4.2.8.1–2: an X25519 share is 32 bytes; a P-256 share is an uncompressed point,
 * 0x04 || X || Y (65 bytes). Returns why a share is malformed, or null.
 */
export function malformedKeyShare(group: GroupName, keyExchange: Uint8Array): string | null {
  if (group === 'x25519')
    return keyExchange.length === 32 ? null : `an x25519 share is 32 bytes, not ${keyExchange.length}`;
  if (keyExchange.length !== 65 || keyExchange[0] !== 4) {
    return 'a secp256r1 share is an uncompressed point: 0x04 followed by 64 bytes';
  }
  return null;
}

/**
 * The shared secret, or null when the provider rejects the peer's share as data (WebCrypto's
 * DataError: a point not on the curve) or the X25519 result is all zeros (§7.4.2: "MUST check ...
 * and abort if so"). Any other provider error is ours, not the peer's, and propagates.
 */
export async function sharedSecret(
  provider: CryptoProvider,
  own: KeyShareKeyPair,
  peerPublicKey: Uint8Array,
): Promise<Uint8Array | null> {
  let secret: Uint8Array;
  try {
    secret = await provider.ecdh(own.group, own.privateKey, peerPublicKey);
  } catch (e) {
    if (e instanceof Error && e.name === 'DataError') return null;
    throw e;
  }
  return secret.some((b) => b !== 0) ? secret : null;
}

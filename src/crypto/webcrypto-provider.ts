/**
 * The CryptoProvider on WebCrypto (Node 20 and browsers): the only code, with entropy.ts, that
 * touches `crypto.subtle`. Keys arrive as bytes and are imported on use (and cached).
 */
import type {
  AeadName,
  CryptoProvider,
  GroupName,
  HashName,
  KeyShareKeyPair,
  SignatureSchemeName,
  SigningKey,
} from '../protocol/crypto-provider.ts';
import { derToP1363, p1363ToDer, x25519Pkcs8 } from './der-keys.ts';
import type { Entropy } from './entropy.ts';

type Subtle = SubtleCrypto;

function subtle(): Subtle {
  const s = globalThis.crypto?.subtle;
  if (!s) {
    throw new Error(
      'WebCrypto (crypto.subtle) is not available: open the page over https, or from localhost / 127.0.0.1, or from a file.',
    );
  }
  return s;
}

const buf = (b: Uint8Array): Uint8Array<ArrayBuffer> => b as Uint8Array<ArrayBuffer>;

function b64url(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
function fromB64url(s: string): Uint8Array {
  const t = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(t, (c) => c.charCodeAt(0));
}

interface SchemeParams {
  import: RsaHashedImportParams | EcKeyImportParams;
  sign: AlgorithmIdentifier | RsaPssParams | EcdsaParams;
  ecdsaSize?: number;
}

function schemeParams(scheme: SignatureSchemeName): SchemeParams {
  switch (scheme) {
    case 'ecdsa_secp256r1_sha256':
      return { import: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' }, ecdsaSize: 32 };
    case 'ecdsa_secp384r1_sha384':
      return { import: { name: 'ECDSA', namedCurve: 'P-384' }, sign: { name: 'ECDSA', hash: 'SHA-384' }, ecdsaSize: 48 };
    case 'rsa_pss_rsae_sha256':
      return { import: { name: 'RSA-PSS', hash: 'SHA-256' }, sign: { name: 'RSA-PSS', saltLength: 32 } };
    case 'rsa_pss_rsae_sha384':
      return { import: { name: 'RSA-PSS', hash: 'SHA-384' }, sign: { name: 'RSA-PSS', saltLength: 48 } };
    case 'rsa_pss_rsae_sha512':
      return { import: { name: 'RSA-PSS', hash: 'SHA-512' }, sign: { name: 'RSA-PSS', saltLength: 64 } };
    case 'rsa_pkcs1_sha256':
      return { import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, sign: { name: 'RSASSA-PKCS1-v1_5' } };
    case 'rsa_pkcs1_sha384':
      return { import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' }, sign: { name: 'RSASSA-PKCS1-v1_5' } };
    case 'rsa_pkcs1_sha512':
      return { import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' }, sign: { name: 'RSASSA-PKCS1-v1_5' } };
    case 'ed25519':
      return { import: { name: 'Ed25519' } as unknown as EcKeyImportParams, sign: { name: 'Ed25519' } };
  }
}

export interface WebCryptoProviderOptions {
  entropy: Entropy;
}

export function createWebCryptoProvider({ entropy }: WebCryptoProviderOptions): CryptoProvider {
  const keyCache = new Map<string, Promise<CryptoKey>>();
  const cached = (id: string, make: () => Promise<CryptoKey>): Promise<CryptoKey> => {
    let k = keyCache.get(id);
    if (!k) {
      k = make();
      keyCache.set(id, k);
    }
    return k;
  };
  const idOf = (tag: string, b: Uint8Array): string => tag + ':' + b64url(b);

  const hmacKey = (hash: HashName, key: Uint8Array) =>
    cached(idOf('hmac' + hash, key), () =>
      subtle().importKey('raw', buf(key), { name: 'HMAC', hash, length: key.length * 8 }, false, ['sign']),
    );

  const provider: CryptoProvider = {
    random: (n) => entropy.next(n),

    async digest(hash, data) {
      return new Uint8Array(await subtle().digest(hash, buf(data)));
    },

    async hmac(hash, key, data) {
      // WebCrypto rejects a zero-length HMAC key; HKDF-Extract with an absent salt uses HashLen zeros anyway.
      const k = key.length === 0 ? new Uint8Array(hash === 'SHA-256' ? 32 : 48) : key;
      return new Uint8Array(await subtle().sign('HMAC', await hmacKey(hash, k), buf(data)));
    },

    async generateKeyShare(group: GroupName): Promise<KeyShareKeyPair> {
      if (group === 'x25519') {
        const privateKey = entropy.next(32);
        const key = await subtle().importKey('pkcs8', buf(x25519Pkcs8(privateKey)), { name: 'X25519' }, true, ['deriveBits']);
        const jwk = await subtle().exportKey('jwk', key);
        return { group, privateKey, publicKey: fromB64url(jwk.x!) };
      }
      // TODO(crypto helper): derive the P-256 scalar from `entropy` (pure-JS point multiplication) so seeds reproduce it.
      const pair = (await subtle().generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])) as CryptoKeyPair;
      const jwk = await subtle().exportKey('jwk', pair.privateKey);
      const publicKey = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
      return { group, privateKey: fromB64url(jwk.d!), publicKey };
    },

    async ecdh(group, privateKey, peerPublicKey) {
      if (group === 'x25519') {
        const priv = await subtle().importKey('pkcs8', buf(x25519Pkcs8(privateKey)), { name: 'X25519' }, false, ['deriveBits']);
        const pub = await subtle().importKey('raw', buf(peerPublicKey), { name: 'X25519' }, false, []);
        return new Uint8Array(await subtle().deriveBits({ name: 'X25519', public: pub }, priv, 256));
      }
      const pub = await subtle().importKey('raw', buf(peerPublicKey), { name: 'ECDH', namedCurve: 'P-256' }, true, []);
      const pubJwk = await subtle().exportKey('jwk', pub);
      void pubJwk;
      throw new Error('P-256 ECDH from a raw scalar: TODO(crypto helper)');
    },

    async aeadSeal(aead: AeadName, key, nonce, aad, plaintext) {
      const k = await cached(idOf('gcm', key), () => subtle().importKey('raw', buf(key), 'AES-GCM', false, ['encrypt', 'decrypt']));
      void aead;
      return new Uint8Array(
        await subtle().encrypt({ name: 'AES-GCM', iv: buf(nonce), additionalData: buf(aad), tagLength: 128 }, k, buf(plaintext)),
      );
    },

    async aeadOpen(aead: AeadName, key, nonce, aad, ciphertext) {
      const k = await cached(idOf('gcm', key), () => subtle().importKey('raw', buf(key), 'AES-GCM', false, ['encrypt', 'decrypt']));
      void aead;
      try {
        return new Uint8Array(
          await subtle().decrypt({ name: 'AES-GCM', iv: buf(nonce), additionalData: buf(aad), tagLength: 128 }, k, buf(ciphertext)),
        );
      } catch {
        return null;
      }
    },

    async generateSigningKey(kind): Promise<SigningKey> {
      // TODO(crypto helper): draw the key from `entropy` so seeded runs reproduce it.
      const pair =
        kind === 'ecdsa-p256'
          ? ((await subtle().generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair)
          : ((await subtle().generateKey(
              { name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
              true,
              ['sign', 'verify'],
            )) as CryptoKeyPair);
      return {
        kind,
        pkcs8: new Uint8Array(await subtle().exportKey('pkcs8', pair.privateKey)),
        spki: new Uint8Array(await subtle().exportKey('spki', pair.publicKey)),
      };
    },

    async sign(scheme, key, data) {
      const p = schemeParams(scheme);
      const k = await cached(idOf('sign' + scheme, key.pkcs8), () => subtle().importKey('pkcs8', buf(key.pkcs8), p.import, false, ['sign']));
      const sig = new Uint8Array(await subtle().sign(p.sign, k, buf(data)));
      return p.ecdsaSize ? p1363ToDer(sig) : sig;
    },

    async verify(scheme, spki, data, signature) {
      const p = schemeParams(scheme);
      let k: CryptoKey;
      try {
        k = await cached(idOf('verify' + scheme, spki), () => subtle().importKey('spki', buf(spki), p.import, false, ['verify']));
      } catch {
        keyCache.delete(idOf('verify' + scheme, spki));
        return false;
      }
      let sig = signature;
      if (p.ecdsaSize) {
        const raw = derToP1363(signature, p.ecdsaSize);
        if (!raw) return false;
        sig = raw;
      }
      try {
        return await subtle().verify(p.sign, k, buf(sig), buf(data));
      } catch {
        return false;
      }
    },

    async rsaEncryptPkcs1() {
      throw new Error('RSAES-PKCS1-v1_5: TODO(crypto helper)');
    },
    async rsaDecryptPkcs1() {
      throw new Error('RSAES-PKCS1-v1_5: TODO(crypto helper)');
    },
  };
  return provider;
}

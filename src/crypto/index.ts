/** What the rest of the app uses from the crypto layer. */
export { createWebCryptoProvider, type WebCryptoProviderOptions } from './webcrypto-provider.ts';
export { fixedEntropy, freshEntropy, seededEntropy, type Entropy } from './entropy.ts';
// Key formats, for fixtures that arrive as numbers (RFC 8448's RSA key) or as raw scalars.
export {
  encodeEcP256PrivateKeyPkcs8,
  encodeEcP256Spki,
  encodeRsaPrivateKeyPkcs8,
  encodeRsaSpki,
  type RsaPrivateKey,
  type RsaPublicKey,
} from './der-keys.ts';

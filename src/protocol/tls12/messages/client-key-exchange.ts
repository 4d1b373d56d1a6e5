/**
 * ClientKeyExchange (RFC 5246 §7.4.7; RFC 8422 §5.7 for ECDHE):
 *
 *   struct {
 *       select (KeyExchangeAlgorithm) {
 *           case rsa:
 *               EncryptedPreMasterSecret;
 *           case ec_diffie_hellman:
 *               ClientECDiffieHellmanPublic;
 *       } exchange_keys;
 *   } ClientKeyExchange;
 *
 *   struct {
 *       public-key-encrypted PreMasterSecret pre_master_secret;   // RFC 5246 §7.4.7.1
 *   } EncryptedPreMasterSecret;
 *
 *   struct {
 *       ProtocolVersion client_version;
 *       opaque random[46];
 *   } PreMasterSecret;
 *
 *   struct {
 *       ECPoint ecdh_Yc;                                          // RFC 8422 §5.7 (explicit)
 *   } ClientECDiffieHellmanPublic;
 *
 * The message does not say which of the two it is: the negotiated suite does, so the decoder must
 * be told. In TLS 1.2 "public-key-encrypted" carries a two-byte length (RFC 5246 §4.7); the RSA
 * ciphertext is as long as the modulus. With RSA key transport this is the message a passive
 * attacker who later steals the server's private key decrypts (src/protocol/tls12/forward-secrecy.ts).
 */
import { Reader } from '../../bytes/reader.ts';
import { HandshakeType } from '../../tls/constants.ts';
import { encodeHandshake, readHandshake, type Decoded } from '../../tls/handshake.ts';
import type { KeyExchangeAlgorithm } from '../cipher-suites.ts';

/** RFC 5246 §7.4.7.1: a pre-master secret is 48 bytes, the client's version then 46 random bytes. */
export const PRE_MASTER_SECRET_LENGTH = 48;

export type ClientKeyExchange =
  { keyExchange: 'ECDHE'; ecdhYc: Uint8Array } | { keyExchange: 'RSA'; encryptedPreMasterSecret: Uint8Array };

export function encodeClientKeyExchange(cke: ClientKeyExchange): Uint8Array {
  return encodeHandshake(HandshakeType.client_key_exchange, (w) => {
    if (cke.keyExchange === 'ECDHE') w.opaque(1, cke.ecdhYc);
    else w.opaque(2, cke.encryptedPreMasterSecret);
  });
}

export function decodeClientKeyExchange(
  bytes: Uint8Array,
  keyExchange: KeyExchangeAlgorithm,
): Decoded<ClientKeyExchange> {
  const r = new Reader(bytes);
  const message = readHandshake(r, HandshakeType.client_key_exchange, (b): ClientKeyExchange =>
    keyExchange === 'ECDHE'
      ? b.group(
          'exchange_keys',
          (g) => ({
            keyExchange: 'ECDHE' as const,
            ecdhYc: g.vector('ecdh_Yc', 1, (v) => v.rest('point'), { min: 1 }),
          }),
          () => 'ClientECDiffieHellmanPublic',
        )
      : b.group(
          'exchange_keys',
          (g) => ({
            keyExchange: 'RSA' as const,
            encryptedPreMasterSecret: g.vector('pre_master_secret', 2, (v) => v.rest('pre_master_secret')),
          }),
          () => 'EncryptedPreMasterSecret',
        ),
  );
  return { message, fields: r.fields };
}

/**
 * Which form a ClientKeyExchange body has, when nothing else says (a paste without its
 * ServerHello): the one whose length prefix accounts for the whole body. ECDHE if neither does,
 * so that decoding reports where it breaks.
 */
export function guessKeyExchange(bytes: Uint8Array): KeyExchangeAlgorithm {
  const body = bytes.subarray(4);
  if (body.length >= 1 && body[0] + 1 === body.length) return 'ECDHE';
  if (body.length >= 2 && ((body[0] << 8) | body[1]) + 2 === body.length) return 'RSA';
  return 'ECDHE';
}

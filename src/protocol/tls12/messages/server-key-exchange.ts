/**
 * ServerKeyExchange for ECDHE (RFC 8422 §5.4, with TLS 1.2's digitally-signed of RFC 5246 §4.7
 * and §7.4.3):
 *
 *   enum { explicit_prime (1), explicit_char2 (2), named_curve (3), reserved(248..255) } ECCurveType;
 *
 *   struct {
 *       ECCurveType    curve_type;
 *       select (curve_type) {
 *           case named_curve:
 *               NamedCurve namedcurve;
 *       };
 *   } ECParameters;
 *
 *   struct { opaque point <1..2^8-1>; } ECPoint;
 *
 *   struct {
 *       ECParameters    curve_params;
 *       ECPoint         public;
 *   } ServerECDHParams;
 *
 *   select (KeyExchangeAlgorithm) {
 *       case ec_diffie_hellman:
 *           ServerECDHParams    params;
 *           Signature           signed_params;     // digitally-signed struct {
 *   } ServerKeyExchange;                           //   opaque client_random[32];
 *                                                  //   opaque server_random[32];
 *                                                  //   ServerECDHParams params; }
 *
 *   struct {
 *       SignatureAndHashAlgorithm algorithm;
 *       opaque signature<0..2^16-1>;
 *   } DigitallySigned;                             // RFC 5246 §4.7
 *
 * This is where the server's certificate key does its work in an ECDHE handshake: it signs the
 * ephemeral public key together with both randoms, so a man in the middle cannot substitute his
 * own and the signature cannot be replayed into another handshake. The key never encrypts
 * anything, which is why stealing it later reveals no past session (forward secrecy).
 * Only named curves remain (RFC 8422 §5.4 deprecates the explicit ones), so other curve types do
 * not decode.
 */
import { concat } from '../../bytes/hex.ts';
import { Reader } from '../../bytes/reader.ts';
import { build, type Writer } from '../../bytes/writer.ts';
import { describeGroup, describeSignatureScheme, ECCurveType, HandshakeType } from '../../tls/constants.ts';
import { encodeHandshake, readHandshake, type Decoded } from '../../tls/handshake.ts';

export interface ServerECDHParams {
  curveType: number;
  namedCurve: number;
  /** The server's ephemeral public key: 32 bytes for x25519, an uncompressed point for secp256r1. */
  publicKey: Uint8Array;
}

/** RFC 5246 §4.7 (the TLS 1.2 code points are RFC 8446's SignatureScheme values). */
export interface DigitallySigned {
  algorithm: number;
  signature: Uint8Array;
}

export interface ServerKeyExchange {
  params: ServerECDHParams;
  signedParams: DigitallySigned;
}

function writeParams(w: Writer, p: ServerECDHParams): void {
  w.u8(p.curveType).u16(p.namedCurve).opaque(1, p.publicKey);
}

/** The ServerECDHParams as they go on the wire (and into the signature). */
export function encodeServerECDHParams(p: ServerECDHParams): Uint8Array {
  return build((w) => writeParams(w, p));
}

/** RFC 8422 §5.4: what signed_params signs, client_random + server_random + params. */
export function serverKeyExchangeSignedData(
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  params: ServerECDHParams,
): Uint8Array {
  return concat(clientRandom, serverRandom, encodeServerECDHParams(params));
}

export function encodeServerKeyExchange(ske: ServerKeyExchange): Uint8Array {
  return encodeHandshake(HandshakeType.server_key_exchange, (w) => {
    writeParams(w, ske.params);
    w.u16(ske.signedParams.algorithm).opaque(2, ske.signedParams.signature);
  });
}

export function decodeServerKeyExchange(bytes: Uint8Array): Decoded<ServerKeyExchange> {
  const r = new Reader(bytes);
  const message = readHandshake(r, HandshakeType.server_key_exchange, readServerKeyExchangeBody);
  return { message, fields: r.fields };
}

const describeCurveType = (v: number): string =>
  `${v === ECCurveType.named_curve ? 'named_curve' : v === 1 ? 'explicit_prime' : v === 2 ? 'explicit_char2' : 'unknown'} (${v})`;

function readServerKeyExchangeBody(r: Reader): ServerKeyExchange {
  const params = r.group(
    'params',
    (p): ServerECDHParams => {
      const { curveType, namedCurve } = p.group(
        'curve_params',
        (c) => {
          const curveType = c.u8('curve_type', describeCurveType);
          if (curveType !== ECCurveType.named_curve) {
            c.fail(
              `curve_type ${describeCurveType(curveType)} is not named_curve (3) (RFC 8422 §5.4)`,
              'curve_type',
              c.offset - 1,
            );
          }
          return { curveType, namedCurve: c.u16('namedcurve', describeGroup) };
        },
        (v) => describeGroup(v.namedCurve),
      );
      const publicKey = p.vector('public', 1, (v) => v.rest('point'), { min: 1 });
      return { curveType, namedCurve, publicKey };
    },
    (v) => describeGroup(v.namedCurve),
  );
  const signedParams = r.group(
    'signed_params',
    (s): DigitallySigned => ({
      algorithm: s.u16('algorithm', describeSignatureScheme),
      signature: s.vector('signature', 2, (v) => v.rest('signature')),
    }),
    (v) => describeSignatureScheme(v.algorithm),
  );
  return { params, signedParams };
}

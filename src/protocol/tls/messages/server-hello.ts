/**
 * ServerHello and HelloRetryRequest (RFC 8446 §4.1.3, §4.1.4; the shape of RFC 5246 §7.4.1.3):
 *
 *   struct {
 *       ProtocolVersion legacy_version = 0x0303;    // TLS v1.2
 *       Random random;
 *       opaque legacy_session_id_echo<0..32>;
 *       CipherSuite cipher_suite;
 *       uint8 legacy_compression_method = 0;
 *       Extension extensions<6..2^16-1>;
 *   } ServerHello;
 *
 * A HelloRetryRequest is a ServerHello whose random is SHA-256("HelloRetryRequest"), so that a
 * TLS 1.2 middlebox sees an ordinary hello. Its key_share carries only the selected group, hence
 * the different extension context.
 */
import { equalBytes, toHex } from '../../bytes/hex.ts';
import { Reader } from '../../bytes/reader.ts';
import {
  describeCipherSuite,
  describeVersion,
  DOWNGRADE_SENTINEL_TLS11,
  DOWNGRADE_SENTINEL_TLS12,
  HandshakeType,
  HELLO_RETRY_REQUEST_RANDOM,
} from '../constants.ts';
import { readExtensions, writeExtensions, type Extension } from '../extensions/index.ts';
import { encodeHandshake, readHandshake, type Decoded } from '../handshake.ts';

export interface ServerHello {
  legacyVersion: number;
  random: Uint8Array;
  legacySessionIdEcho: Uint8Array;
  cipherSuite: number;
  legacyCompressionMethod: number;
  /** Undefined only for a (TLS 1.2 or older) hello without an extensions block. */
  extensions?: Extension[];
}

export function isHelloRetryRequest(sh: Pick<ServerHello, 'random'>): boolean {
  return equalBytes(sh.random, HELLO_RETRY_REQUEST_RANDOM);
}

/** §4.1.3: which downgrade sentinel, if any, ends ServerHello.random. */
export function downgradeSentinel(random: Uint8Array): 'TLS 1.2' | 'TLS 1.1' | null {
  const tail = random.subarray(24);
  if (equalBytes(tail, DOWNGRADE_SENTINEL_TLS12)) return 'TLS 1.2';
  if (equalBytes(tail, DOWNGRADE_SENTINEL_TLS11)) return 'TLS 1.1';
  return null;
}

export function encodeServerHello(sh: ServerHello): Uint8Array {
  return encodeHandshake(HandshakeType.server_hello, (w) => {
    w.u16(sh.legacyVersion).bytes(sh.random).opaque(1, sh.legacySessionIdEcho);
    w.u16(sh.cipherSuite).u8(sh.legacyCompressionMethod);
    if (sh.extensions) writeExtensions(w, sh.extensions);
  });
}

export function decodeServerHello(bytes: Uint8Array): Decoded<ServerHello> {
  const r = new Reader(bytes);
  const message = readHandshake(r, HandshakeType.server_hello, readServerHelloBody);
  return { message, fields: r.fields };
}

function describeRandom(random: Uint8Array): string {
  if (isHelloRetryRequest({ random })) return 'HelloRetryRequest (SHA-256 of "HelloRetryRequest")';
  const sentinel = downgradeSentinel(random);
  return sentinel ? `${toHex(random)} (downgrade sentinel: ${sentinel})` : toHex(random);
}

function readServerHelloBody(r: Reader): ServerHello {
  const legacyVersion = r.u16('legacy_version', describeVersion);
  const random = r.bytesField('random', 32, describeRandom);
  const legacySessionIdEcho = r.vector('legacy_session_id_echo', 1, (v) => v.rest('legacy_session_id_echo'), {
    max: 32,
  });
  const cipherSuite = r.u16('cipher_suite', describeCipherSuite);
  const legacyCompressionMethod = r.u8('legacy_compression_method');
  const hello: ServerHello = { legacyVersion, random, legacySessionIdEcho, cipherSuite, legacyCompressionMethod };
  if (r.remaining > 0) {
    hello.extensions = readExtensions(r, isHelloRetryRequest(hello) ? 'hello_retry_request' : 'server_hello');
  }
  return hello;
}

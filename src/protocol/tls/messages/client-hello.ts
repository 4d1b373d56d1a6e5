/**
 * ClientHello (RFC 8446 §4.1.2; the same wire shape as RFC 5246 §7.4.1.2):
 *
 *   struct {
 *       ProtocolVersion legacy_version = 0x0303;    // TLS v1.2
 *       Random random;
 *       opaque legacy_session_id<0..32>;
 *       CipherSuite cipher_suites<2..2^16-2>;
 *       opaque legacy_compression_methods<1..2^8-1>;
 *       Extension extensions<8..2^16-1>;
 *   } ClientHello;
 *
 * TLS 1.3 moves version negotiation into supported_versions; legacy_version stays 0x0303 so that
 * old servers and middleboxes see a TLS 1.2 hello. The extensions block may be absent in hellos
 * from before TLS 1.2 (RFC 5246 §7.4.1.2), which `decodeAny` must still read.
 */
import { Reader } from '../../bytes/reader.ts';
import { describeCipherSuite, describeVersion, HandshakeType } from '../constants.ts';
import { readExtensions, writeExtensions, type Extension } from '../extensions/index.ts';
import { encodeHandshake, readHandshake, type Decoded } from '../handshake.ts';

export interface ClientHello {
  legacyVersion: number;
  random: Uint8Array;
  legacySessionId: Uint8Array;
  cipherSuites: number[];
  legacyCompressionMethods: Uint8Array;
  /** Undefined only for a hello without an extensions block. */
  extensions?: Extension[];
}

export function encodeClientHello(ch: ClientHello): Uint8Array {
  return encodeHandshake(HandshakeType.client_hello, (w) => {
    w.u16(ch.legacyVersion).bytes(ch.random).opaque(1, ch.legacySessionId);
    w.vector(2, (v) => ch.cipherSuites.forEach((s) => v.u16(s)));
    w.opaque(1, ch.legacyCompressionMethods);
    if (ch.extensions) writeExtensions(w, ch.extensions);
  });
}

export function decodeClientHello(bytes: Uint8Array): Decoded<ClientHello> {
  const r = new Reader(bytes);
  const message = readHandshake(r, HandshakeType.client_hello, readClientHelloBody);
  return { message, fields: r.fields };
}

function readClientHelloBody(r: Reader): ClientHello {
  const legacyVersion = r.u16('legacy_version', describeVersion);
  const random = r.bytesField('random', 32);
  const legacySessionId = r.vector('legacy_session_id', 1, (v) => v.rest('legacy_session_id'), { max: 32 });
  const cipherSuites = r.vector('cipher_suites', 2, (v) => v.items(() => v.u16('CipherSuite', describeCipherSuite)), {
    min: 2,
  });
  const legacyCompressionMethods = r.vector(
    'legacy_compression_methods',
    1,
    (v) => v.rest('legacy_compression_methods'),
    {
      min: 1,
    },
  );
  const hello: ClientHello = { legacyVersion, random, legacySessionId, cipherSuites, legacyCompressionMethods };
  if (r.remaining > 0) hello.extensions = readExtensions(r, 'client_hello');
  return hello;
}

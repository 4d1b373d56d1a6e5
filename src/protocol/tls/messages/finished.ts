/**
 * Finished (RFC 8446 §4.4.4; RFC 5246 §7.4.9):
 *
 *   struct { opaque verify_data[Hash.length]; } Finished;       // TLS 1.3
 *   struct { opaque verify_data[verify_data_length]; } Finished; // TLS 1.2 (12 bytes)
 *
 * The length is fixed by the negotiated suite, not by the message, so the decoder takes the whole
 * body and the engine checks its length against what it computed.
 */
import { Reader } from '../../bytes/reader.ts';
import { HandshakeType } from '../constants.ts';
import { encodeHandshake, readHandshake, type Decoded } from '../handshake.ts';

export interface Finished {
  verifyData: Uint8Array;
}

export function encodeFinished(f: Finished): Uint8Array {
  return encodeHandshake(HandshakeType.finished, (w) => w.bytes(f.verifyData));
}

export function decodeFinished(bytes: Uint8Array): Decoded<Finished> {
  const r = new Reader(bytes);
  const message = readHandshake(r, HandshakeType.finished, (b) => ({ verifyData: b.rest('verify_data') }));
  return { message, fields: r.fields };
}

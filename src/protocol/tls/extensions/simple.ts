/**
 * The extensions whose body is one value:
 *
 *   cookie (RFC 8446 §4.2.2):            struct { opaque cookie<1..2^16-1>; } Cookie;
 *   record_size_limit (RFC 8449 §4):     uint16 RecordSizeLimit;
 *   renegotiation_info (RFC 5746 §3.2):  opaque renegotiated_connection<0..255>;
 *   early_data (RFC 8446 §4.2.10):       empty, or `uint32 max_early_data_size` in NewSessionTicket;
 *   session_ticket (RFC 5077 §3.2):      the opaque ticket, usually empty in a ClientHello.
 */
import { Reader } from '../../bytes/reader.ts';
import { build } from '../../bytes/writer.ts';

export function encodeCookie(cookie: Uint8Array): Uint8Array {
  return build((w) => w.opaque(2, cookie));
}

export function readCookie(r: Reader): Uint8Array {
  return r.vector('cookie', 2, (v) => v.rest('cookie'), { min: 1 });
}

export function decodeCookie(data: Uint8Array): Uint8Array {
  const r = new Reader(data);
  const cookie = readCookie(r);
  r.expectEnd('cookie');
  return cookie;
}

/** RFC 8449 §4: the largest TLSInnerPlaintext (content + type byte, TLS 1.3) the sender will accept. */
export function encodeRecordSizeLimit(limit: number): Uint8Array {
  return build((w) => w.u16(limit));
}

export function readRecordSizeLimit(r: Reader): number {
  return r.u16('RecordSizeLimit', (v) => String(v));
}

export function decodeRecordSizeLimit(data: Uint8Array): number {
  const r = new Reader(data);
  const limit = readRecordSizeLimit(r);
  r.expectEnd('record_size_limit');
  return limit;
}

/** RFC 5746 §3.2: an initial handshake sends an empty renegotiated_connection. */
export function encodeRenegotiationInfo(renegotiatedConnection: Uint8Array = new Uint8Array(0)): Uint8Array {
  return build((w) => w.opaque(1, renegotiatedConnection));
}

export function readRenegotiationInfo(r: Reader): Uint8Array {
  return r.vector('renegotiated_connection', 1, (v) => v.rest('renegotiated_connection'));
}

export function decodeRenegotiationInfo(data: Uint8Array): Uint8Array {
  const r = new Reader(data);
  const renegotiatedConnection = readRenegotiationInfo(r);
  r.expectEnd('renegotiation_info');
  return renegotiatedConnection;
}

/** In a NewSessionTicket: how much 0-RTT data the server will accept with that ticket. */
export function encodeEarlyDataNewSessionTicket(maxEarlyDataSize: number): Uint8Array {
  return build((w) => w.u32(maxEarlyDataSize));
}

export function readEarlyDataNewSessionTicket(r: Reader): number {
  return r.u32('max_early_data_size', (v) => String(v));
}

export function decodeEarlyDataNewSessionTicket(data: Uint8Array): number {
  const r = new Reader(data);
  const size = readEarlyDataNewSessionTicket(r);
  r.expectEnd('early_data');
  return size;
}

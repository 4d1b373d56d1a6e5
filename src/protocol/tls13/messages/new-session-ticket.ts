/**
 * NewSessionTicket (RFC 8446 §4.6.1):
 *
 *   struct {
 *       uint32 ticket_lifetime;
 *       uint32 ticket_age_add;
 *       opaque ticket_nonce<0..255>;
 *       opaque ticket<1..2^16-1>;
 *       Extension extensions<0..2^16-2>;
 *   } NewSessionTicket;
 *
 * Sent by the server after the handshake; the PSK for resumption is derived from the
 * resumption_master_secret and the ticket_nonce (§4.6.1, key-schedule.ts).
 */
import { Reader } from '../../bytes/reader.ts';
import { toHex } from '../../bytes/hex.ts';
import { HandshakeType } from '../../tls/constants.ts';
import { readExtensions, writeExtensions, type Extension } from '../../tls/extensions/index.ts';
import { encodeHandshake, readHandshake, type Decoded } from '../../tls/handshake.ts';

export interface NewSessionTicket {
  ticketLifetime: number;
  ticketAgeAdd: number;
  ticketNonce: Uint8Array;
  ticket: Uint8Array;
  extensions: Extension[];
}

export function encodeNewSessionTicket(t: NewSessionTicket): Uint8Array {
  return encodeHandshake(HandshakeType.new_session_ticket, (w) => {
    w.u32(t.ticketLifetime).u32(t.ticketAgeAdd).opaque(1, t.ticketNonce).opaque(2, t.ticket);
    writeExtensions(w, t.extensions);
  });
}

export function decodeNewSessionTicket(bytes: Uint8Array): Decoded<NewSessionTicket> {
  const r = new Reader(bytes);
  const message = readHandshake(r, HandshakeType.new_session_ticket, (b) => ({
    ticketLifetime: b.u32('ticket_lifetime', (v) => `${v} s`),
    ticketAgeAdd: b.u32('ticket_age_add', (v) => '0x' + v.toString(16).padStart(8, '0')),
    ticketNonce: b.vector('ticket_nonce', 1, (v) => v.rest('ticket_nonce', toHex)),
    ticket: b.vector('ticket', 2, (v) => v.rest('ticket'), { min: 1 }),
    extensions: readExtensions(b, 'new_session_ticket'),
  }));
  return { message, fields: r.fields };
}

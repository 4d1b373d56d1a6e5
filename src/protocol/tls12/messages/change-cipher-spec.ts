/**
 * ChangeCipherSpec (RFC 5246 §7.1), a record type of its own rather than a handshake message:
 *
 *   struct {
 *       enum { change_cipher_spec(1), (255) } type;
 *   } ChangeCipherSpec;
 *
 * In TLS 1.2 it is the switch: everything its sender writes after it is protected with the keys
 * just derived. (TLS 1.3 keeps the byte only to calm middleboxes, and ignores it.)
 */
import { Reader } from '../../bytes/reader.ts';
import { CHANGE_CIPHER_SPEC } from '../../tls/constants.ts';
import type { Decoded } from '../../tls/handshake.ts';

export type ChangeCipherSpec = Record<string, never>;

export function encodeChangeCipherSpec(): Uint8Array {
  return Uint8Array.of(CHANGE_CIPHER_SPEC);
}

/** The fragment of a change_cipher_spec record: exactly one byte, 1. */
export function decodeChangeCipherSpec(fragment: Uint8Array): Decoded<ChangeCipherSpec> {
  const r = new Reader(fragment);
  const type = r.u8('type', (v) => (v === CHANGE_CIPHER_SPEC ? 'change_cipher_spec (1)' : `unknown (${v})`));
  if (type !== CHANGE_CIPHER_SPEC) r.fail(`type ${type} is not change_cipher_spec (1)`, 'type', 0);
  r.expectEnd('ChangeCipherSpec');
  return { message: {}, fields: r.fields };
}

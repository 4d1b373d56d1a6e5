/**
 * KeyUpdate (RFC 8446 §4.6.3):
 *
 *   enum { update_not_requested(0), update_requested(1), (255) } KeyUpdateRequest;
 *   struct { KeyUpdateRequest request_update; } KeyUpdate;
 *
 * and EndOfEarlyData (§4.5), an empty message this project only ever decodes.
 */
import { Reader } from '../../bytes/reader.ts';
import { HandshakeType } from '../../tls/constants.ts';
import { encodeHandshake, readHandshake, type Decoded } from '../../tls/handshake.ts';

export const KeyUpdateRequest = { update_not_requested: 0, update_requested: 1 } as const;

export interface KeyUpdate {
  requestUpdate: number;
}

export function encodeKeyUpdate(k: KeyUpdate): Uint8Array {
  return encodeHandshake(HandshakeType.key_update, (w) => w.u8(k.requestUpdate));
}

export function decodeKeyUpdate(bytes: Uint8Array): Decoded<KeyUpdate> {
  const r = new Reader(bytes);
  const message = readHandshake(r, HandshakeType.key_update, (b) => ({
    requestUpdate: b.u8('request_update', (v) =>
      v === 0 ? 'update_not_requested (0)' : v === 1 ? 'update_requested (1)' : `unknown (${v})`,
    ),
  }));
  return { message, fields: r.fields };
}

export function decodeEndOfEarlyData(bytes: Uint8Array): Decoded<Record<string, never>> {
  const r = new Reader(bytes);
  readHandshake(r, HandshakeType.end_of_early_data, () => undefined);
  return { message: {}, fields: r.fields };
}

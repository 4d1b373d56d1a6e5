/**
 * key_share (RFC 8446 §4.2.8):
 *
 *   struct { NamedGroup group; opaque key_exchange<1..2^16-1>; } KeyShareEntry;
 *   struct { KeyShareEntry client_shares<0..2^16-1>; } KeyShareClientHello;
 *   struct { NamedGroup selected_group; } KeyShareHelloRetryRequest;
 *   struct { KeyShareEntry server_share; } KeyShareServerHello;
 *
 * key_exchange is the X25519 public key (32 bytes, RFC 7748) or the uncompressed P-256 point
 * (0x04 || X || Y, 65 bytes, §4.2.8.2).
 */
import { Reader } from '../../bytes/reader.ts';
import { build, type Writer } from '../../bytes/writer.ts';
import { describeGroup } from '../constants.ts';

export interface KeyShareEntry {
  group: number;
  keyExchange: Uint8Array;
}

function writeEntry(w: Writer, e: KeyShareEntry): void {
  w.u16(e.group).opaque(2, e.keyExchange);
}

function readEntry(r: Reader, name: string): KeyShareEntry {
  return r.group(
    name,
    (g) => ({
      group: g.u16('group', describeGroup),
      keyExchange: g.vector('key_exchange', 2, (k) => k.rest('key_exchange'), { min: 1 }),
    }),
    (e) => describeGroup(e.group),
  );
}

export function encodeKeyShareClientHello(shares: readonly KeyShareEntry[]): Uint8Array {
  return build((w) => w.vector(2, (v) => shares.forEach((s) => writeEntry(v, s))));
}

export function readKeyShareClientHello(r: Reader): KeyShareEntry[] {
  return r.vector('client_shares', 2, (v) => v.items(() => readEntry(v, 'KeyShareEntry')));
}

export function decodeKeyShareClientHello(data: Uint8Array): KeyShareEntry[] {
  const r = new Reader(data);
  const shares = readKeyShareClientHello(r);
  r.expectEnd('key_share');
  return shares;
}

export function encodeKeyShareServerHello(share: KeyShareEntry): Uint8Array {
  return build((w) => writeEntry(w, share));
}

export function readKeyShareServerHello(r: Reader): KeyShareEntry {
  return readEntry(r, 'server_share');
}

export function decodeKeyShareServerHello(data: Uint8Array): KeyShareEntry {
  const r = new Reader(data);
  const share = readKeyShareServerHello(r);
  r.expectEnd('key_share');
  return share;
}

export function encodeKeyShareHelloRetryRequest(selectedGroup: number): Uint8Array {
  return build((w) => w.u16(selectedGroup));
}

export function readKeyShareHelloRetryRequest(r: Reader): number {
  return r.u16('selected_group', describeGroup);
}

export function decodeKeyShareHelloRetryRequest(data: Uint8Array): number {
  const r = new Reader(data);
  const group = readKeyShareHelloRetryRequest(r);
  r.expectEnd('key_share');
  return group;
}

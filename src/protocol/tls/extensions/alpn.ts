/**
 * application_layer_protocol_negotiation (RFC 7301 §3.1):
 *
 *   opaque ProtocolName<1..2^8-1>;
 *   struct { ProtocolName protocol_name_list<2..2^16-1> } ProtocolNameList;
 *
 * The client lists its protocols; the server answers (in EncryptedExtensions for TLS 1.3) with a
 * list of exactly one.
 */
import { fromLatin1, latin1 } from '../../bytes/hex.ts';
import { Reader } from '../../bytes/reader.ts';
import { build } from '../../bytes/writer.ts';

export function encodeAlpn(protocols: readonly string[]): Uint8Array {
  return build((w) => w.vector(2, (v) => protocols.forEach((p) => v.opaque(1, fromLatin1(p)))));
}

export function readAlpn(r: Reader): string[] {
  return r.vector(
    'protocol_name_list',
    2,
    (v) => v.items(() => latin1(v.vector('ProtocolName', 1, (p) => p.rest('ProtocolName', latin1), { min: 1 }))),
    { min: 2 },
  );
}

export function decodeAlpn(data: Uint8Array): string[] {
  const r = new Reader(data);
  const protocols = readAlpn(r);
  r.expectEnd('application_layer_protocol_negotiation');
  return protocols;
}

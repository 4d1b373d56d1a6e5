/**
 * The extensions that are one list of 16-bit code points:
 *
 *   supported_groups (RFC 8446 §4.2.7):      NamedGroup named_group_list<2..2^16-1>;
 *   signature_algorithms, signature_algorithms_cert (RFC 8446 §4.2.3):
 *                                            SignatureScheme supported_signature_algorithms<2..2^16-2>;
 *
 * and the small lists of RFC 8446 §4.2.9 (psk_key_exchange_modes) and RFC 8422 §5.1.2
 * (ec_point_formats).
 */
import { Reader } from '../../bytes/reader.ts';
import { build } from '../../bytes/writer.ts';
import { describeGroup, describeSignatureScheme } from '../constants.ts';

export function encodeSupportedGroups(groups: readonly number[]): Uint8Array {
  return build((w) => w.vector(2, (v) => groups.forEach((g) => v.u16(g))));
}

export function readSupportedGroups(r: Reader): number[] {
  return r.vector('named_group_list', 2, (v) => v.items(() => v.u16('NamedGroup', describeGroup)), { min: 2 });
}

export function decodeSupportedGroups(data: Uint8Array): number[] {
  const r = new Reader(data);
  const groups = readSupportedGroups(r);
  r.expectEnd('supported_groups');
  return groups;
}

export function encodeSignatureAlgorithms(schemes: readonly number[]): Uint8Array {
  return build((w) => w.vector(2, (v) => schemes.forEach((s) => v.u16(s))));
}

export function readSignatureAlgorithms(r: Reader): number[] {
  const list = r.vector(
    'supported_signature_algorithms',
    2,
    (v) => v.items(() => v.u16('SignatureScheme', describeSignatureScheme)),
    { min: 2 },
  );
  return list;
}

export function decodeSignatureAlgorithms(data: Uint8Array): number[] {
  const r = new Reader(data);
  const schemes = readSignatureAlgorithms(r);
  r.expectEnd('signature_algorithms');
  return schemes;
}

/** RFC 8446 §4.2.9: `PskKeyExchangeMode ke_modes<1..255>;` */
export function encodePskKeyExchangeModes(modes: readonly number[]): Uint8Array {
  return build((w) => w.vector(1, (v) => modes.forEach((m) => v.u8(m))));
}

export function readPskKeyExchangeModes(r: Reader): number[] {
  return r.vector(
    'ke_modes',
    1,
    (v) =>
      v.items(() =>
        v.u8('PskKeyExchangeMode', (m) => (m === 0 ? 'psk_ke (0)' : m === 1 ? 'psk_dhe_ke (1)' : `unknown (${m})`)),
      ),
    { min: 1 },
  );
}

export function decodePskKeyExchangeModes(data: Uint8Array): number[] {
  const r = new Reader(data);
  const modes = readPskKeyExchangeModes(r);
  r.expectEnd('psk_key_exchange_modes');
  return modes;
}

/** RFC 8422 §5.1.2: `ECPointFormat ec_point_format_list<1..2^8-1>;` (TLS 1.2; seen in real hellos). */
export function encodeEcPointFormats(formats: readonly number[]): Uint8Array {
  return build((w) => w.vector(1, (v) => formats.forEach((f) => v.u8(f))));
}

export function readEcPointFormats(r: Reader): number[] {
  const names = ['uncompressed', 'ansiX962_compressed_prime', 'ansiX962_compressed_char2'];
  return r.vector(
    'ec_point_format_list',
    1,
    (v) => v.items(() => v.u8('ECPointFormat', (f) => `${names[f] ?? 'unknown'} (${f})`)),
    {
      min: 1,
    },
  );
}

export function decodeEcPointFormats(data: Uint8Array): number[] {
  const r = new Reader(data);
  const formats = readEcPointFormats(r);
  r.expectEnd('ec_point_formats');
  return formats;
}

/**
 * A DER encoder (ITU-T X.690 §8, with the §10–11 distinguished-encoding restrictions): each
 * function returns one complete TLV, so a structure is written as nested calls that read like
 * its ASN.1 definition. Times follow RFC 5280 §4.1.2.5: UTCTime for 1950 through 2049,
 * GeneralizedTime otherwise, always UTC with seconds and no fraction.
 */
import { UsageError } from '../bytes/errors.ts';
import { concat, utf8Encode } from '../bytes/hex.ts';
import { integerToBytes } from './der-reader.ts';
import { CONSTRUCTED, Identifier, TagClass } from './tags.ts';
import { formatAsn1Time, utcParts } from './time.ts';

/** Length octets, X.690 §8.1.3: short form below 128, else the fewest long-form octets. */
export function encodeLength(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`bad DER length ${n}`);
  if (n < 0x80) return Uint8Array.of(n);
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return Uint8Array.from([0x80 | out.length, ...out]);
}

/** One TLV with a single identifier octet (every tag X.509 uses). */
export function tlv(identifier: number, contents: Uint8Array): Uint8Array {
  if (!Number.isInteger(identifier) || identifier < 0 || identifier > 0xff || (identifier & 0x1f) === 0x1f) {
    throw new UsageError(`identifier octet ${identifier} is not a low-tag-number identifier`);
  }
  return concat(Uint8Array.of(identifier), encodeLength(contents.length), contents);
}

export function sequence(...items: Uint8Array[]): Uint8Array {
  return tlv(Identifier.SEQUENCE, concat(...items));
}

/** SET OF: X.690 §11.6 orders the elements by their encodings, as octet strings. */
export function setOf(...items: Uint8Array[]): Uint8Array {
  const sorted = [...items].sort(compareOctets);
  return tlv(Identifier.SET, concat(...sorted));
}

function compareOctets(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * INTEGER, X.690 §8.3. A bigint or number is encoded as is (two's complement); bytes are read as
 * an unsigned big-endian magnitude (a serial number, an RSA modulus), so a 0x00 is added when the
 * top bit is set and redundant leading zeros are dropped.
 */
export function integer(v: bigint | number | Uint8Array, identifier: number = Identifier.INTEGER): Uint8Array {
  if (v instanceof Uint8Array) {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    const mag = v.subarray(i);
    if (mag.length === 0) return tlv(identifier, Uint8Array.of(0));
    return tlv(identifier, mag[0] & 0x80 ? concat(Uint8Array.of(0), mag) : mag.slice());
  }
  if (typeof v === 'number' && !Number.isSafeInteger(v)) throw new UsageError(`${v} is not a safe integer`);
  return tlv(identifier, integerToBytes(BigInt(v)));
}

/** OBJECT IDENTIFIER from dotted decimal, X.690 §8.19. */
export function oid(dotted: string): Uint8Array {
  if (!/^[0-2](\.(0|[1-9]\d*))+$/.test(dotted)) throw new UsageError(`"${dotted}" is not a dotted OID`);
  const arcs = dotted.split('.').map((a) => BigInt(a));
  if (arcs[0] < 2n && arcs[1] > 39n) throw new UsageError(`"${dotted}": the second arc must be below 40`);
  const out: number[] = [];
  const push = (v: bigint): void => {
    const group: number[] = [Number(v & 0x7fn)];
    for (v >>= 7n; v > 0n; v >>= 7n) group.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...group);
  };
  push(arcs[0] * 40n + arcs[1]);
  for (const a of arcs.slice(2)) push(a);
  return tlv(Identifier.OBJECT_IDENTIFIER, Uint8Array.from(out));
}

/** BIT STRING with `unusedBits` trailing pad bits (which must already be zero). */
export function bitString(bytes: Uint8Array, unusedBits = 0, identifier: number = Identifier.BIT_STRING): Uint8Array {
  if (!Number.isInteger(unusedBits) || unusedBits < 0 || unusedBits > 7 || (bytes.length === 0 && unusedBits)) {
    throw new UsageError(`bad unused-bit count ${unusedBits}`);
  }
  if (unusedBits && bytes[bytes.length - 1] & ((1 << unusedBits) - 1)) throw new UsageError('the unused bits must be zero');
  return tlv(identifier, concat(Uint8Array.of(unusedBits), bytes));
}

/**
 * A named-bit BIT STRING (KeyUsage) from the set bit positions: X.690 §11.2.2 drops trailing
 * zero bits, so the encoding is as short as the highest bit set allows.
 */
export function namedBits(bits: readonly number[]): Uint8Array {
  if (bits.length === 0) return bitString(new Uint8Array(0));
  const top = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(top / 8) + 1);
  for (const b of bits) {
    if (!Number.isInteger(b) || b < 0) throw new UsageError(`bad bit number ${b}`);
    bytes[b >> 3] |= 0x80 >> (b & 7);
  }
  return bitString(bytes, 7 - (top & 7));
}

export function octetString(bytes: Uint8Array, identifier: number = Identifier.OCTET_STRING): Uint8Array {
  return tlv(identifier, bytes);
}

export function boolean(v: boolean): Uint8Array {
  return tlv(Identifier.BOOLEAN, Uint8Array.of(v ? 0xff : 0x00));
}

export function nullValue(): Uint8Array {
  return tlv(Identifier.NULL, new Uint8Array(0));
}

export function utf8String(s: string): Uint8Array {
  return tlv(Identifier.UTF8String, utf8Encode(s));
}

export function printableString(s: string): Uint8Array {
  if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(s)) throw new UsageError(`"${s}" has characters outside PrintableString`);
  return tlv(Identifier.PrintableString, utf8Encode(s));
}

export function ia5String(s: string, identifier: number = Identifier.IA5String): Uint8Array {
  if ([...s].some((ch) => ch.charCodeAt(0) > 0x7f)) throw new UsageError(`"${s}" is not IA5 (ASCII)`);
  return tlv(identifier, utf8Encode(s));
}

function wholeSeconds(ms: number): number {
  if (!Number.isFinite(ms)) throw new UsageError(`${ms} is not a time`);
  return Math.floor(ms / 1000) * 1000;
}

export function utcTime(ms: number): Uint8Array {
  const y = utcParts(ms).year;
  if (y < 1950 || y > 2049) throw new UsageError(`UTCTime cannot carry the year ${y}`);
  return tlv(Identifier.UTCTime, utf8Encode(formatAsn1Time(wholeSeconds(ms), 'UTCTime')));
}

export function generalizedTime(ms: number): Uint8Array {
  const y = utcParts(ms).year;
  if (y < 0 || y > 9999) throw new UsageError(`GeneralizedTime cannot carry the year ${y}`);
  return tlv(Identifier.GeneralizedTime, utf8Encode(formatAsn1Time(wholeSeconds(ms), 'GeneralizedTime')));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050 (and before 1950). Milliseconds are dropped. */
export function time(ms: number): Uint8Array {
  const y = utcParts(wholeSeconds(ms)).year;
  return y >= 1950 && y <= 2049 ? utcTime(ms) : generalizedTime(ms);
}

/** `[n] EXPLICIT`: a constructed context tag around one complete element. */
export function explicit(n: number, inner: Uint8Array): Uint8Array {
  return tlv(TagClass.context | CONSTRUCTED | n, inner);
}

/**
 * `[n] IMPLICIT`: the element's own identifier replaced by the context tag, keeping its
 * constructed bit (X.690 §8.14.3). The element must have a single identifier octet.
 */
export function implicit(n: number, element: Uint8Array): Uint8Array {
  if (element.length < 2 || (element[0] & 0x1f) === 0x1f) throw new UsageError('implicit() needs a complete low-tag element');
  const out = element.slice();
  out[0] = TagClass.context | (element[0] & CONSTRUCTED) | n;
  return out;
}

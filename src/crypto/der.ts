/**
 * A tiny DER (ITU-T X.690 §8, §10) reader and writer: only what the provider needs to build and
 * read its own key formats (PKCS#8, SPKI, RSAPrivateKey, ECPrivateKey, ECDSA-Sig-Value). The
 * project's full ASN.1 / X.509 lives in src/protocol/x509; this one stays local to src/crypto so that
 * the provider depends on nothing but the byte helpers.
 *
 * The reader is strict DER: definite lengths in their shortest form, low tag numbers only, INTEGERs
 * minimally encoded. It throws DecodeError (offset, field) and nothing else.
 */
import { DecodeError } from '../protocol/bytes/index.ts';
import { bigIntToMinimalBytes, bytesToBigInt } from './bigint.ts';

/** Universal and context tags used here (X.690 §8.x; RFC 5208, RFC 5915). */
export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OBJECT_IDENTIFIER: 0x06,
  SEQUENCE: 0x30,
  /** [0] EXPLICIT, constructed */
  CONTEXT_0: 0xa0,
  /** [1] EXPLICIT, constructed */
  CONTEXT_1: 0xa1,
} as const;

// ---------------------------------------------------------------------------------------------
// Writing

function encodeLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

/** tag ‖ length ‖ the concatenated parts. */
export function encodeTlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const part of parts) n += part.length;
  const head = [tag, ...encodeLength(n)];
  const out = new Uint8Array(head.length + n);
  out.set(head, 0);
  let o = head.length;
  for (const part of parts) {
    out.set(part, o);
    o += part.length;
  }
  return out;
}

export const encodeSequence = (...parts: Uint8Array[]): Uint8Array => encodeTlv(TAG.SEQUENCE, ...parts);

/** An unsigned big-endian integer (any leading zeros) as a DER INTEGER: minimal, with a 0x00 sign byte if needed. */
export function encodeUnsignedInteger(v: Uint8Array): Uint8Array {
  let i = 0;
  while (i < v.length - 1 && v[i] === 0) i++;
  const t = v.length === 0 ? new Uint8Array(1) : v.subarray(i);
  return t[0] & 0x80 ? encodeTlv(TAG.INTEGER, Uint8Array.of(0), t) : encodeTlv(TAG.INTEGER, t);
}

export function encodeBigInteger(v: bigint): Uint8Array {
  if (v < 0n) throw new Error('DER: only non-negative INTEGERs are written here');
  return encodeUnsignedInteger(bigIntToMinimalBytes(v));
}

/** BIT STRING with no unused bits (keys and points are whole octets). */
export const encodeBitString = (bytes: Uint8Array): Uint8Array => encodeTlv(TAG.BIT_STRING, Uint8Array.of(0), bytes);

// ---------------------------------------------------------------------------------------------
// Reading

/** A cursor over one level of DER; nested values get their own reader with absolute offsets. */
export class DerReader {
  private pos = 0;

  constructor(
    private readonly bytes: Uint8Array,
    /** offset of `bytes[0]` in the outermost input, for error messages */
    private readonly base = 0,
  ) {}

  get offset(): number {
    return this.base + this.pos;
  }

  get atEnd(): boolean {
    return this.pos >= this.bytes.length;
  }

  peekTag(): number | undefined {
    return this.atEnd ? undefined : this.bytes[this.pos];
  }

  /** Reads one TLV with the expected tag; returns its contents and their absolute offset. */
  readTlv(tag: number, field: string): { value: Uint8Array; offset: number } {
    const start = this.offset;
    if (this.atEnd) throw new DecodeError(`expected ${field}, found the end of the data`, start, field);
    const t = this.bytes[this.pos];
    if (t !== tag) {
      throw new DecodeError(`expected tag 0x${tag.toString(16)}, found 0x${t.toString(16)}`, start, field);
    }
    if ((t & 0x1f) === 0x1f) throw new DecodeError('high tag numbers are not used here', start, field);
    let p = this.pos + 1;
    if (p >= this.bytes.length) throw new DecodeError('missing length', this.base + p, field);
    const first = this.bytes[p++];
    let len: number;
    if (first < 0x80) {
      len = first;
    } else {
      const n = first & 0x7f;
      if (n === 0) throw new DecodeError('indefinite length is not DER', this.base + p - 1, field);
      if (n > 4) throw new DecodeError('length too large', this.base + p - 1, field);
      if (p + n > this.bytes.length) throw new DecodeError('truncated length', this.base + p, field);
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + this.bytes[p++];
      // DER §10.1: the shortest form, so long form only from 128 and without leading zero octets.
      if (len < 0x80 || this.bytes[p - n] === 0)
        throw new DecodeError('length not in its shortest form', start + 1, field);
    }
    if (p + len > this.bytes.length) {
      throw new DecodeError(`${len}-byte value runs past the end of the data`, this.base + p, field);
    }
    const value = this.bytes.subarray(p, p + len);
    this.pos = p + len;
    return { value, offset: this.base + p };
  }

  /** A constructed value (SEQUENCE, [n]) as a reader over its contents. */
  readConstructed(tag: number, field: string): DerReader {
    const { value, offset } = this.readTlv(tag, field);
    return new DerReader(value, offset);
  }

  readSequence(field: string): DerReader {
    return this.readConstructed(TAG.SEQUENCE, field);
  }

  /** A non-negative INTEGER's magnitude, big-endian, without the sign octet. */
  readUnsignedIntegerBytes(field: string): Uint8Array {
    const { value, offset } = this.readTlv(TAG.INTEGER, field);
    if (value.length === 0) throw new DecodeError('empty INTEGER', offset, field);
    if (value.length > 1 && value[0] === 0 && !(value[1] & 0x80)) {
      throw new DecodeError('INTEGER not minimally encoded', offset, field);
    }
    if (value[0] & 0x80) throw new DecodeError('negative INTEGER', offset, field);
    return value[0] === 0 && value.length > 1 ? value.subarray(1) : value;
  }

  readBigInteger(field: string): bigint {
    return bytesToBigInt(this.readUnsignedIntegerBytes(field));
  }

  /** A small non-negative INTEGER such as a version number. */
  readSmallInteger(field: string): number {
    const v = this.readBigInteger(field);
    if (v > 0xffffn) throw new DecodeError('INTEGER too large for this field', this.offset, field);
    return Number(v);
  }

  readOctetString(field: string): Uint8Array {
    return this.readTlv(TAG.OCTET_STRING, field).value;
  }

  /** The encoded contents of an OBJECT IDENTIFIER (compare against the `OID` constants). */
  readOid(field: string): Uint8Array {
    const { value, offset } = this.readTlv(TAG.OBJECT_IDENTIFIER, field);
    if (value.length === 0 || value[value.length - 1] & 0x80)
      throw new DecodeError('malformed OBJECT IDENTIFIER', offset, field);
    return value;
  }

  readNull(field: string): void {
    const { value, offset } = this.readTlv(TAG.NULL, field);
    if (value.length !== 0) throw new DecodeError('NULL with contents', offset, field);
  }

  /** A BIT STRING of whole octets (unused-bits octet 0), as those octets. */
  readBitStringBytes(field: string): Uint8Array {
    const { value, offset } = this.readTlv(TAG.BIT_STRING, field);
    if (value.length === 0) throw new DecodeError('BIT STRING without its unused-bits octet', offset, field);
    if (value[0] !== 0)
      throw new DecodeError('BIT STRING with unused bits where whole octets are expected', offset, field);
    return value.subarray(1);
  }

  /** Fails unless every byte at this level was read. */
  expectEnd(field: string): void {
    if (!this.atEnd) throw new DecodeError('unexpected data after the last field', this.offset, field);
  }
}

/** Dotted form of an encoded OID, for messages ("1.2.840.113549.1.1.1"). */
export function oidToString(oid: Uint8Array): string {
  const arcs: number[] = [];
  let v = 0;
  for (const b of oid) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(v);
      v = 0;
    }
  }
  if (arcs.length === 0) return '';
  const first = arcs[0] < 40 ? 0 : arcs[0] < 80 ? 1 : 2;
  return [first, arcs[0] - 40 * first, ...arcs.slice(1)].join('.');
}

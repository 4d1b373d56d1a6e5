/**
 * A DER reader (ITU-T X.690 §8 basic encoding, restricted by §10–11 to the distinguished
 * encoding) that records, as it goes, the span of every element under the name the ASN.1 module
 * gives it (RFC 5280's `tbsCertificate`, `serialNumber`, `extnValue`...). It is the DER sibling of
 * the TLS Reader in ../bytes: schema code reads straight down the structure and the Field tree
 * falls out. Spans cover the whole TLV (identifier, length and contents).
 *
 * Strict on purpose, as OpenSSL 3 is when it parses a certificate:
 * - definite lengths only (X.690 §10.1), in the fewest octets (§10.1 / §8.1.3.5 note 2);
 * - tag numbers in the short form when they fit (§8.1.2.4);
 * - INTEGER in the fewest octets (§8.3.2), BOOLEAN as 00 or FF (§11.1), NULL empty (§8.8.2),
 *   BIT STRING unused bits zero (§11.2.1), OID sub-identifiers minimal (§8.19.2);
 * - strings primitive (§10.2) and in their character set; times as RFC 5280 §4.1.2.5 allows.
 * Every failure is a DecodeError carrying the offset and the field name.
 */
import { DecodeError } from '../bytes/errors.ts';
import type { Field } from '../bytes/field.ts';
import { latin1, toHex, utf8Decode } from '../bytes/hex.ts';
import { CONSTRUCTED, Identifier, type Tag, TagClass, UniversalTag, tagName } from './tags.ts';
import { isoTime, parseAsn1Time } from './time.ts';

/** Deeper nesting than this is not a certificate; it is an attack on the stack. */
export const MAX_DER_DEPTH = 32;

export interface Header {
  tag: Tag;
  /** The first identifier octet (the whole identifier for tag numbers below 31). */
  identifier: number;
  start: number;
  contentStart: number;
  end: number;
}

export interface BitString {
  unusedBits: number;
  bytes: Uint8Array;
}

export interface AnyElement {
  tag: Tag;
  /** The whole TLV. */
  der: Uint8Array;
  contents: Uint8Array;
}

export type DirectoryStringType =
  | 'UTF8String'
  | 'PrintableString'
  | 'IA5String'
  | 'TeletexString'
  | 'BMPString'
  | 'UniversalString'
  | 'NumericString'
  | 'VisibleString';

const STRING_TYPES = new Map<number, DirectoryStringType>([
  [UniversalTag.UTF8String, 'UTF8String'],
  [UniversalTag.PrintableString, 'PrintableString'],
  [UniversalTag.IA5String, 'IA5String'],
  [UniversalTag.TeletexString, 'TeletexString'],
  [UniversalTag.BMPString, 'BMPString'],
  [UniversalTag.UniversalString, 'UniversalString'],
  [UniversalTag.NumericString, 'NumericString'],
  [UniversalTag.VisibleString, 'VisibleString'],
]);

/** X.680 §41.4 Table 10: the PrintableString repertoire. */
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

export type Describe<T> = (value: T) => string | undefined;

const CLASS_BY_BITS = ['universal', 'application', 'context', 'private'] as const;

export class DerReader {
  private pos: number;

  /**
   * @param bytes the whole buffer; spans are offsets into it
   * @param start first byte to read
   * @param end one past the last byte this reader may read
   */
  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    private readonly end = bytes.length,
    private readonly depth = 0,
    private readonly out: Field[] = [],
  ) {
    this.pos = start;
  }

  /** Fields recorded at this level. */
  get fields(): Field[] {
    return this.out;
  }
  get offset(): number {
    return this.pos;
  }
  get remaining(): number {
    return this.end - this.pos;
  }
  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  fail(message: string, field: string, at = this.pos): never {
    throw new DecodeError(message, at, field);
  }

  /** Parse the identifier and length octets at the current position without consuming them. */
  header(field: string): Header {
    const start = this.pos;
    let p = start;
    if (p >= this.end) this.fail('expected an element, found the end of the data', field);
    const identifier = this.bytes[p++];
    const cls = CLASS_BY_BITS[identifier >> 6];
    const constructed = (identifier & CONSTRUCTED) !== 0;
    let number = identifier & 0x1f;
    if (number === 0x1f) {
      // High-tag-number form, X.690 §8.1.2.4: base 128, no leading 0x80, only for numbers > 30.
      number = 0;
      for (let i = 0; ; i++) {
        if (p >= this.end) this.fail('the tag number runs past the end', field, p);
        const b = this.bytes[p++];
        if (i === 0 && b === 0x80) this.fail('the tag number has a leading zero (not DER)', field, p - 1);
        if (i >= 3) this.fail('the tag number is too large', field, p - 1);
        number = number * 128 + (b & 0x7f);
        if ((b & 0x80) === 0) break;
      }
      if (number < 31) this.fail('a tag number below 31 in the long form (not DER)', field, start);
    }
    if (p >= this.end) this.fail('the length octets are missing', field, p);
    const first = this.bytes[p++];
    let length: number;
    if (first < 0x80) {
      length = first;
    } else if (first === 0x80) {
      this.fail('indefinite length (BER, not DER)', field, p - 1);
    } else if (first === 0xff) {
      this.fail('reserved length octet 0xff', field, p - 1);
    } else {
      const n = first & 0x7f;
      if (n > 4) this.fail(`a ${n}-octet length is beyond any certificate`, field, p - 1);
      if (p + n > this.end) this.fail('the length octets run past the end', field, p);
      if (this.bytes[p] === 0) this.fail('the length has a leading zero octet (not DER)', field, p);
      length = 0;
      for (let i = 0; i < n; i++) length = length * 256 + this.bytes[p + i];
      p += n;
      if (length < 0x80) this.fail(`length ${length} in the long form (DER uses the short form)`, field, start + 1);
    }
    if (length > this.end - p) {
      this.fail(`the element claims ${length} octet(s) but only ${this.end - p} remain`, field, start);
    }
    return { tag: { cls, constructed, number }, identifier, start, contentStart: p, end: p + length };
  }

  /** The next identifier octet, or undefined at the end (for OPTIONAL and DEFAULT elements). */
  peekIdentifier(): number | undefined {
    return this.pos < this.end ? this.bytes[this.pos] : undefined;
  }

  nextIs(identifier: number): boolean {
    return this.peekIdentifier() === identifier;
  }

  private expect(name: string, identifier: number, typeName: string): Header {
    const h = this.header(name);
    if (h.identifier !== identifier || h.tag.number > 30) {
      this.fail(`expected ${typeName}, found ${tagName(h.tag)}`, name);
    }
    return h;
  }

  private record(name: string, h: Header, value: string | undefined, children?: Field[]): void {
    const f: Field = { name, start: h.start, end: h.end };
    if (value !== undefined) f.value = value;
    if (children) f.children = children;
    this.out.push(f);
  }

  /** A constructed element with the given identifier octet; `body` reads its contents. */
  constructed<T>(name: string, identifier: number, body: (r: DerReader) => T, describe?: Describe<T>): T {
    const h = this.expect(name, identifier, typeNameOf(identifier));
    if ((identifier & CONSTRUCTED) === 0) this.fail('a constructed element was expected', name);
    if (this.depth + 1 > MAX_DER_DEPTH) this.fail(`nested more than ${MAX_DER_DEPTH} deep`, name);
    const children: Field[] = [];
    const sub = new DerReader(this.bytes, h.contentStart, h.end, this.depth + 1, children);
    const result = body(sub);
    sub.expectEnd(name);
    this.pos = h.end;
    this.record(name, h, describe?.(result), children);
    return result;
  }

  sequence<T>(name: string, body: (r: DerReader) => T, describe?: Describe<T>): T {
    return this.constructed(name, Identifier.SEQUENCE, body, describe);
  }

  set<T>(name: string, body: (r: DerReader) => T, describe?: Describe<T>): T {
    return this.constructed(name, Identifier.SET, body, describe);
  }

  /** `[n] EXPLICIT`: a constructed context tag around one element. */
  explicit<T>(name: string, n: number, body: (r: DerReader) => T, describe?: Describe<T>): T {
    return this.constructed(name, TagClass.context | CONSTRUCTED | n, body, describe);
  }

  /** Items until this reader is exhausted (the body of SEQUENCE OF / SET OF). */
  items<T>(item: (r: DerReader, index: number) => T): T[] {
    const out: T[] = [];
    while (!this.atEnd) out.push(item(this, out.length));
    return out;
  }

  /** A primitive element's contents; the caller records the field. */
  private primitive(name: string, identifier: number, typeName: string): { h: Header; contents: Uint8Array } {
    const h = this.expect(name, identifier, typeName);
    if (h.tag.constructed) this.fail(`${typeName} must be primitive in DER`, name);
    this.pos = h.end;
    return { h, contents: this.bytes.subarray(h.contentStart, h.end) };
  }

  /** INTEGER contents (two's complement, minimal), X.690 §8.3. */
  integerBytes(name: string, identifier: number = Identifier.INTEGER, describe?: Describe<Uint8Array>): Uint8Array {
    const { h, contents } = this.primitive(name, identifier, 'INTEGER');
    checkInteger(contents, name, h.contentStart);
    const v = contents.slice();
    this.record(name, h, describe ? describe(v) : showInteger(v));
    return v;
  }

  integer(name: string, identifier: number = Identifier.INTEGER, describe?: Describe<bigint>): bigint {
    const { h, contents } = this.primitive(name, identifier, 'INTEGER');
    checkInteger(contents, name, h.contentStart);
    const v = integerValue(contents);
    this.record(name, h, describe?.(v) ?? showInteger(contents));
    return v;
  }

  /** An INTEGER that must fit a JavaScript number (versions, path lengths). */
  smallInteger(name: string, identifier: number = Identifier.INTEGER, describe?: Describe<number>): number {
    const start = this.pos;
    const v = this.integer(name, identifier, describe ? (x) => describe(Number(x)) : undefined);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) this.fail('integer out of range', name, start);
    return Number(v);
  }

  /** BOOLEAN, X.690 §11.1: FALSE is 00, TRUE is FF. */
  boolean(name: string, describe?: Describe<boolean>): boolean {
    const { h, contents } = this.primitive(name, Identifier.BOOLEAN, 'BOOLEAN');
    if (contents.length !== 1) this.fail('BOOLEAN must be one octet', name, h.start);
    if (contents[0] !== 0 && contents[0] !== 0xff) this.fail('BOOLEAN must be 00 or FF in DER', name, h.contentStart);
    const v = contents[0] === 0xff;
    this.record(name, h, describe?.(v) ?? (v ? 'TRUE' : 'FALSE'));
    return v;
  }

  null(name: string): null {
    const { h, contents } = this.primitive(name, Identifier.NULL, 'NULL');
    if (contents.length !== 0) this.fail('NULL must be empty', name, h.contentStart);
    this.record(name, h, 'NULL');
    return null;
  }

  /** OBJECT IDENTIFIER as dotted decimal, X.690 §8.19. */
  oid(name: string, describe?: Describe<string>): string {
    const { h, contents } = this.primitive(name, Identifier.OBJECT_IDENTIFIER, 'OBJECT IDENTIFIER');
    const dotted = decodeOid(contents, name, h.contentStart);
    const shown = describe?.(dotted);
    this.record(name, h, shown ? `${dotted} (${shown})` : dotted);
    return dotted;
  }

  /** BIT STRING, X.690 §8.6 and §11.2: first octet the unused-bit count, those bits zero. */
  bitString(name: string, identifier: number = Identifier.BIT_STRING, describe?: Describe<BitString>): BitString {
    const { h, contents } = this.primitive(name, identifier, 'BIT STRING');
    const v = checkBitString(contents, name, h.contentStart);
    this.record(name, h, describe?.(v) ?? (v.unusedBits ? `${toHex(v.bytes)} (${v.unusedBits} unused bit(s))` : toHex(v.bytes)));
    return v;
  }

  octetString(name: string, identifier: number = Identifier.OCTET_STRING, describe?: Describe<Uint8Array>): Uint8Array {
    const { h, contents } = this.primitive(name, identifier, 'OCTET STRING');
    const v = contents.slice();
    this.record(name, h, describe?.(v) ?? toHex(v));
    return v;
  }

  /**
   * An OCTET STRING (or other primitive) whose contents are themselves DER, e.g. `extnValue`:
   * `body` reads the inner encoding and its fields become this field's children.
   */
  encapsulated<T>(name: string, identifier: number, body: (r: DerReader) => T, describe?: Describe<T>): T {
    const h = this.expect(name, identifier, typeNameOf(identifier));
    if (h.tag.constructed) this.fail('must be primitive in DER', name);
    if (this.depth + 1 > MAX_DER_DEPTH) this.fail(`nested more than ${MAX_DER_DEPTH} deep`, name);
    const children: Field[] = [];
    const sub = new DerReader(this.bytes, h.contentStart, h.end, this.depth + 1, children);
    const result = body(sub);
    sub.expectEnd(name);
    this.pos = h.end;
    this.record(name, h, describe?.(result), children);
    return result;
  }

  /** One of the DirectoryString / X.520 string types, checked against its character set. */
  string(name: string, allowed?: readonly DirectoryStringType[]): { value: string; type: DirectoryStringType } {
    const h = this.header(name);
    const type = h.tag.cls === 'universal' && !h.tag.constructed ? STRING_TYPES.get(h.tag.number) : undefined;
    if (!type || (allowed && !allowed.includes(type))) {
      this.fail(`expected ${allowed ? allowed.join(' or ') : 'a character string'}, found ${tagName(h.tag)}`, name);
    }
    this.pos = h.end;
    const value = decodeString(type, this.bytes.subarray(h.contentStart, h.end), name, h.contentStart);
    this.record(name, h, value);
    return { value, type };
  }

  /** A string under an IMPLICIT tag (e.g. GeneralName's `[2] IA5String`). */
  implicitIa5String(name: string, identifier: number): string {
    const { h, contents } = this.primitive(name, identifier, 'IA5String');
    const value = decodeString('IA5String', contents, name, h.contentStart);
    this.record(name, h, value);
    return value;
  }

  /** `Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime }` (RFC 5280 §4.1), as ms. */
  time(name: string): number {
    const h = this.header(name);
    const kind =
      h.identifier === Identifier.UTCTime ? 'UTCTime' : h.identifier === Identifier.GeneralizedTime ? 'GeneralizedTime' : undefined;
    if (!kind) this.fail(`expected UTCTime or GeneralizedTime, found ${tagName(h.tag)}`, name);
    this.pos = h.end;
    const text = latin1(this.bytes.subarray(h.contentStart, h.end));
    const ms = parseAsn1Time(text, kind);
    if (ms === undefined) this.fail(`"${text}" is not a ${kind} of the form RFC 5280 §4.1.2.5 requires`, name, h.contentStart);
    this.record(name, h, isoTime(ms));
    return ms;
  }

  /** Any single element, kept opaque: its span is recorded, its contents are not interpreted. */
  any(name: string, describe?: Describe<AnyElement>): AnyElement {
    const h = this.header(name);
    this.pos = h.end;
    const v: AnyElement = { tag: h.tag, der: this.bytes.slice(h.start, h.end), contents: this.bytes.slice(h.contentStart, h.end) };
    this.record(name, h, describe?.(v) ?? tagName(h.tag));
    return v;
  }

  /**
   * Any single element, walked generically: constructed elements get their children by tag
   * name, primitives are checked (INTEGER minimal, BOOLEAN 00/FF...) and shown.
   */
  element(name: string): Header {
    const h = this.header(name);
    if (h.tag.constructed) {
      if (this.depth + 1 > MAX_DER_DEPTH) this.fail(`nested more than ${MAX_DER_DEPTH} deep`, name);
      const children: Field[] = [];
      const sub = new DerReader(this.bytes, h.contentStart, h.end, this.depth + 1, children);
      sub.items((r) => r.element(tagName(r.header(name).tag)));
      this.pos = h.end;
      this.record(name, h, undefined, children);
      return h;
    }
    const contents = this.bytes.subarray(h.contentStart, h.end);
    this.pos = h.end;
    this.record(name, h, showPrimitive(h, contents, name));
    return h;
  }

  expectEnd(name: string): void {
    if (this.pos !== this.end) this.fail(`${this.end - this.pos} unexpected octet(s) after the last element`, name);
  }
}

/**
 * Walk one DER element (the whole input) into a Field tree named by ASN.1 type (`SEQUENCE`,
 * `INTEGER`, `[0]`...), checking every primitive it knows.
 */
export function decodeDer(bytes: Uint8Array): Field[] {
  const r = new DerReader(bytes);
  r.element(tagName(r.header('element').tag));
  r.expectEnd('element');
  return r.fields;
}

function typeNameOf(identifier: number): string {
  return tagName({ cls: CLASS_BY_BITS[identifier >> 6], constructed: (identifier & CONSTRUCTED) !== 0, number: identifier & 0x1f });
}

function checkInteger(c: Uint8Array, field: string, at: number): void {
  if (c.length === 0) throw new DecodeError('INTEGER with no content octets', at, field);
  if (c.length > 1 && ((c[0] === 0x00 && c[1] < 0x80) || (c[0] === 0xff && c[1] >= 0x80))) {
    throw new DecodeError('INTEGER is not in the fewest octets (not DER)', at, field);
  }
}

/** Two's complement contents to a bigint. */
export function integerValue(c: Uint8Array): bigint {
  let v = 0n;
  for (const b of c) v = (v << 8n) | BigInt(b);
  if (c.length > 0 && c[0] & 0x80) v -= 1n << BigInt(8 * c.length);
  return v;
}

/** A bigint to minimal two's complement contents. */
export function integerToBytes(v: bigint): Uint8Array {
  const out: number[] = [];
  let x = v;
  for (;;) {
    out.unshift(Number(x & 0xffn));
    x >>= 8n;
    const signBit = (out[0] & 0x80) !== 0;
    if ((x === 0n && !signBit) || (x === -1n && signBit)) break;
  }
  return Uint8Array.from(out);
}

function showInteger(c: Uint8Array): string {
  if (c.length <= 6) return integerValue(c).toString();
  return toHex(c, ':');
}

function decodeOid(c: Uint8Array, field: string, at: number): string {
  if (c.length === 0) throw new DecodeError('OBJECT IDENTIFIER with no content octets', at, field);
  if (c[c.length - 1] & 0x80) throw new DecodeError('OBJECT IDENTIFIER ends inside a sub-identifier', at + c.length - 1, field);
  // Numbers while they stay exact (below 2^46 before the next shift), BigInt beyond (UUID arcs).
  const arcs: (number | bigint)[] = [];
  let v: number | bigint = 0;
  let startOfArc = true;
  for (let i = 0; i < c.length; i++) {
    const b = c[i];
    if (startOfArc && b === 0x80) throw new DecodeError('sub-identifier with a leading 0x80 (not DER)', at + i, field);
    if (typeof v === 'number' && v < 2 ** 46) v = v * 128 + (b & 0x7f);
    else v = (BigInt(v) << 7n) | BigInt(b & 0x7f);
    startOfArc = (b & 0x80) === 0;
    if (startOfArc) {
      arcs.push(v);
      v = 0;
    }
  }
  const first = arcs[0];
  let head: string;
  if (typeof first === 'number') head = first < 40 ? `0.${first}` : first < 80 ? `1.${first - 40}` : `2.${first - 80}`;
  else head = `2.${first - 80n}`;
  return arcs.length === 1 ? head : head + '.' + arcs.slice(1).join('.');
}

function checkBitString(c: Uint8Array, field: string, at: number): BitString {
  if (c.length === 0) throw new DecodeError('BIT STRING with no content octets', at, field);
  const unusedBits = c[0];
  if (unusedBits > 7) throw new DecodeError(`BIT STRING claims ${unusedBits} unused bits`, at, field);
  if (c.length === 1 && unusedBits !== 0) throw new DecodeError('an empty BIT STRING must have 0 unused bits', at, field);
  if (unusedBits && c[c.length - 1] & ((1 << unusedBits) - 1)) {
    throw new DecodeError('the unused bits of a BIT STRING must be zero in DER', at + c.length - 1, field);
  }
  return { unusedBits, bytes: c.slice(1) };
}

function isValidUtf8(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    let n: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c < 0xe0) [n, min] = [1, 0x80];
    else if (c >= 0xe0 && c < 0xf0) [n, min] = [2, 0x800];
    else if (c >= 0xf0 && c < 0xf5) [n, min] = [3, 0x10000];
    else return false;
    if (i + n >= b.length) return false;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if ((d & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) return false;
    i += n + 1;
  }
  return true;
}

function decodeString(type: DirectoryStringType, c: Uint8Array, field: string, at: number): string {
  switch (type) {
    case 'UTF8String':
      if (!isValidUtf8(c)) throw new DecodeError('UTF8String is not valid UTF-8', at, field);
      return utf8Decode(c);
    case 'PrintableString': {
      const s = latin1(c);
      if (!PRINTABLE.test(s)) throw new DecodeError('a character outside the PrintableString set', at, field);
      return s;
    }
    case 'NumericString': {
      const s = latin1(c);
      if (!/^[0-9 ]*$/.test(s)) throw new DecodeError('a character outside the NumericString set', at, field);
      return s;
    }
    case 'IA5String':
    case 'VisibleString': {
      for (let i = 0; i < c.length; i++) {
        if (c[i] > 0x7f) throw new DecodeError(`a non-ASCII octet in ${type}`, at + i, field);
      }
      return latin1(c);
    }
    case 'TeletexString':
      // T.61 in practice carries Latin-1; OpenSSL shows it that way too.
      return latin1(c);
    case 'BMPString': {
      if (c.length % 2) throw new DecodeError('BMPString with an odd number of octets', at, field);
      let s = '';
      for (let i = 0; i < c.length; i += 2) s += String.fromCharCode((c[i] << 8) | c[i + 1]);
      return s;
    }
    case 'UniversalString': {
      if (c.length % 4) throw new DecodeError('UniversalString length is not a multiple of 4', at, field);
      let s = '';
      for (let i = 0; i < c.length; i += 4) {
        const cp = ((c[i] << 24) | (c[i + 1] << 16) | (c[i + 2] << 8) | c[i + 3]) >>> 0;
        if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) throw new DecodeError('UniversalString with an invalid code point', at + i, field);
        s += String.fromCodePoint(cp);
      }
      return s;
    }
  }
}

function showPrimitive(h: Header, c: Uint8Array, field: string): string {
  if (h.tag.cls !== 'universal') return toHex(c);
  switch (h.tag.number) {
    case UniversalTag.BOOLEAN:
      if (c.length !== 1 || (c[0] !== 0 && c[0] !== 0xff)) throw new DecodeError('BOOLEAN must be 00 or FF in DER', h.contentStart, field);
      return c[0] ? 'TRUE' : 'FALSE';
    case UniversalTag.INTEGER:
    case UniversalTag.ENUMERATED:
      checkInteger(c, field, h.contentStart);
      return showInteger(c);
    case UniversalTag.NULL:
      if (c.length) throw new DecodeError('NULL must be empty', h.contentStart, field);
      return 'NULL';
    case UniversalTag.OBJECT_IDENTIFIER:
      return decodeOid(c, field, h.contentStart);
    case UniversalTag.BIT_STRING:
      return toHex(checkBitString(c, field, h.contentStart).bytes);
    case UniversalTag.UTCTime:
    case UniversalTag.GeneralizedTime: {
      const kind = h.tag.number === UniversalTag.UTCTime ? 'UTCTime' : 'GeneralizedTime';
      const ms = parseAsn1Time(latin1(c), kind);
      if (ms === undefined) throw new DecodeError(`not a ${kind} of the RFC 5280 form`, h.contentStart, field);
      return isoTime(ms);
    }
    default: {
      const type = STRING_TYPES.get(h.tag.number);
      return type ? decodeString(type, c, field, h.contentStart) : toHex(c);
    }
  }
}

/**
 * ASN.1 tags as DER writes them: X.680 §8.4 (universal tag numbers) and X.690 §8.1.2
 * (identifier octets: class in bits 8–7, constructed in bit 6, number in bits 5–1).
 */

/** Universal tag numbers, X.680 §8.4 Table 1. */
export const UniversalTag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OBJECT_IDENTIFIER: 0x06,
  ENUMERATED: 0x0a,
  UTF8String: 0x0c,
  SEQUENCE: 0x10,
  SET: 0x11,
  NumericString: 0x12,
  PrintableString: 0x13,
  TeletexString: 0x14,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  VisibleString: 0x1a,
  UniversalString: 0x1c,
  BMPString: 0x1e,
} as const;

/** Identifier-octet class bits, X.690 §8.1.2.2 Table 1. */
export const TagClass = {
  universal: 0x00,
  application: 0x40,
  context: 0x80,
  private: 0xc0,
} as const;

/** X.690 §8.1.2.5: bit 6 set for a constructed encoding. */
export const CONSTRUCTED = 0x20;

/** Identifier octets of the universal types X.509 uses (SEQUENCE and SET are always constructed). */
export const Identifier = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OBJECT_IDENTIFIER: 0x06,
  ENUMERATED: 0x0a,
  UTF8String: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  PrintableString: 0x13,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
} as const;

/** A decoded tag. `number` may exceed 30 (high-tag-number form, X.690 §8.1.2.4). */
export interface Tag {
  cls: keyof typeof TagClass;
  constructed: boolean;
  number: number;
}

/** `[n]` context-specific identifier octet (n < 31). */
export function contextTag(n: number, constructed: boolean): number {
  return TagClass.context | (constructed ? CONSTRUCTED : 0) | n;
}

const UNIVERSAL_NAMES = new Map<number, string>(
  Object.entries(UniversalTag).map(([k, v]) => [v, k.replace('_', ' ')]),
);

/** `SEQUENCE`, `INTEGER`, `[0]`, `[APPLICATION 3]`: how a tag reads in a dump. */
export function tagName(tag: Tag): string {
  if (tag.cls === 'universal') return UNIVERSAL_NAMES.get(tag.number) ?? `UNIVERSAL ${tag.number}`;
  if (tag.cls === 'context') return `[${tag.number}]`;
  return `[${tag.cls.toUpperCase()} ${tag.number}]`;
}

/** The single identifier octet for a low tag number, or -1 for the high-tag-number form. */
export function identifierOctet(tag: Tag): number {
  if (tag.number > 30) return -1;
  return TagClass[tag.cls] | (tag.constructed ? CONSTRUCTED : 0) | tag.number;
}

/**
 * Distinguished names, RFC 5280 §4.1.2.4 (Name, RDNSequence, AttributeTypeAndValue) and the
 * comparison rules of §7.1 (case-insensitive, whitespace-folded for string values, as OpenSSL's
 * canonical name encoding does).
 */
import { toHex } from '../bytes/hex.ts';
import type { DerReader, DirectoryStringType } from '../asn1/der-reader.ts';
import * as der from '../asn1/der-writer.ts';
import { Oid, oidName } from './oids.ts';

/** A name as plain data, with the short labels OpenSSL and RFC 4514 print. */
export interface NameSpec {
  C?: string;
  ST?: string;
  L?: string;
  O?: string;
  OU?: string;
  CN?: string;
}

export interface AttributeTypeAndValue {
  /** The attribute type OID, e.g. `2.5.4.3`. */
  type: string;
  /** Its short label when known (`CN`, `O`, `C`...). */
  label?: string;
  /** The value as text (strings), or hex of its DER for any other type. */
  value: string;
  valueType: DirectoryStringType | 'other';
}

export interface Name {
  rdns: AttributeTypeAndValue[][];
  /** The Name's DER (for exact comparisons and CRL issuer matching). */
  der: Uint8Array;
}

/** Attribute types in the order `encodeName` writes them (most general first). */
const LABELS: readonly [keyof NameSpec, string][] = [
  ['C', Oid.countryName],
  ['ST', Oid.stateOrProvinceName],
  ['L', Oid.localityName],
  ['O', Oid.organizationName],
  ['OU', Oid.organizationalUnitName],
  ['CN', Oid.commonName],
];

const LABEL_BY_OID = new Map<string, string>([
  ...LABELS.map(([label, oid]) => [oid, label] as [string, string]),
  [Oid.emailAddress, 'emailAddress'],
  [Oid.domainComponent, 'DC'],
  [Oid.serialNumber, 'serialNumber'],
  [Oid.surname, 'SN'],
]);

/**
 * One single-valued RDN per attribute. countryName is a PrintableString (X.520, RFC 5280
 * Appendix A.1); the others are UTF8String, as RFC 5280 §4.1.2.4 asks of new certificates.
 */
export function encodeName(spec: NameSpec): Uint8Array {
  const rdns: Uint8Array[] = [];
  for (const [label, oid] of LABELS) {
    const v = spec[label];
    if (v === undefined) continue;
    const value = label === 'C' ? der.printableString(v) : der.utf8String(v);
    rdns.push(der.setOf(der.sequence(der.oid(oid), value)));
  }
  return der.sequence(...rdns);
}

/** Read a Name, recording it as `fieldName` with RDN and attribute children. */
export function readName(r: DerReader, fieldName: string): Name {
  const start = r.offset;
  const rdns = r.sequence(
    fieldName,
    (seq) =>
      seq.items(() =>
        seq.set(
          'RelativeDistinguishedName',
          (set) => {
            const atvs = set.items(() =>
              set.sequence(
                'AttributeTypeAndValue',
                (a) => {
                  const type = a.oid('type', (o) => LABEL_BY_OID.get(o) ?? oidName(o));
                  const next = a.peekIdentifier();
                  const isString = next !== undefined && [0x0c, 0x13, 0x16, 0x14, 0x1e, 0x1c, 0x12, 0x1a].includes(next);
                  if (isString) {
                    const s = a.string('value');
                    return { type, label: LABEL_BY_OID.get(type), value: s.value, valueType: s.type } as AttributeTypeAndValue;
                  }
                  const any = a.any('value');
                  return { type, label: LABEL_BY_OID.get(type), value: toHex(any.der), valueType: 'other' } as AttributeTypeAndValue;
                },
                (atv) => `${atv.label ?? atv.type}=${atv.value}`,
              ),
            );
            if (atvs.length === 0) set.fail('an empty RelativeDistinguishedName', 'RelativeDistinguishedName');
            return atvs;
          },
          (atvs) => atvs.map((a) => `${a.label ?? a.type}=${a.value}`).join(' + '),
        ),
      ),
    (rdns) => formatName({ rdns }),
  );
  return { rdns, der: r.bytes.slice(start, r.offset) };
}

/** `C=CN, O=Handshake Lab, CN=Root CA`, in the order the certificate carries the RDNs. */
export function formatName(name: Pick<Name, 'rdns'>): string {
  return name.rdns.map((rdn) => rdn.map((a) => `${a.label ?? a.type}=${a.value}`).join(' + ')).join(', ');
}

/**
 * A comparison key per RFC 5280 §7.1: string values compared after case folding and collapsing
 * white space; other values by their encoding; RDN order matters, attribute order within an RDN
 * does not.
 */
export function nameKey(name: Pick<Name, 'rdns'>): string {
  return name.rdns
    .map((rdn) =>
      rdn
        .map((a) => `${a.type}=${a.valueType === 'other' ? '#' + a.value : a.value.trim().replace(/\s+/g, ' ').toLowerCase()}`)
        .sort()
        .join('+'),
    )
    .join('/');
}

export function namesEqual(a: Pick<Name, 'rdns'>, b: Pick<Name, 'rdns'>): boolean {
  return nameKey(a) === nameKey(b);
}

/** The subject's commonName values (for the legacy host-name fallback). */
export function commonNames(name: Pick<Name, 'rdns'>): string[] {
  return name.rdns.flat().filter((a) => a.type === Oid.commonName && a.valueType !== 'other').map((a) => a.value);
}

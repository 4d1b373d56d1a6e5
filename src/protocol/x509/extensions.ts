/**
 * Certificate and CRL extensions, RFC 5280 §4.1.2.9 (Extension), §4.2.1.1 authorityKeyIdentifier,
 * §4.2.1.2 subjectKeyIdentifier (key identifiers by RFC 7093 §2 method 1), §4.2.1.3 keyUsage,
 * §4.2.1.6 subjectAltName (GeneralName), §4.2.1.9 basicConstraints, §4.2.1.12 extKeyUsage,
 * §5.2.3 cRLNumber, §5.3.1 reasonCode. Any other extension is kept as an opaque span.
 */
import { toHex } from '../bytes/hex.ts';
import { DecodeError, UsageError } from '../bytes/errors.ts';
import type { DerReader } from '../asn1/der-reader.ts';
import * as der from '../asn1/der-writer.ts';
import { Identifier, contextTag } from '../asn1/tags.ts';
import { formatIp, parseIp } from './ip.ts';
import { type Name, readName } from './name.ts';
import { Oid, oidName } from './oids.ts';

/** KeyUsage named bits, RFC 5280 §4.2.1.3 (the index is the bit number). */
export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsageName = (typeof KEY_USAGE_BITS)[number];

export const EXT_KEY_USAGES = {
  serverAuth: Oid.serverAuth,
  clientAuth: Oid.clientAuth,
  codeSigning: Oid.codeSigning,
  emailProtection: Oid.emailProtection,
  timeStamping: Oid.timeStamping,
  OCSPSigning: Oid.OCSPSigning,
  anyExtendedKeyUsage: Oid.anyExtendedKeyUsage,
} as const;
export type ExtKeyUsageName = keyof typeof EXT_KEY_USAGES;

/** GeneralName tags, RFC 5280 §4.2.1.6. */
const GeneralNameTag = {
  otherName: 0,
  rfc822Name: 1,
  dNSName: 2,
  x400Address: 3,
  directoryName: 4,
  ediPartyName: 5,
  uniformResourceIdentifier: 6,
  iPAddress: 7,
  registeredID: 8,
} as const;

/** CRLReason, RFC 5280 §5.3.1. */
export const CRLReason = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;
export type CRLReasonName = keyof typeof CRLReason;

export interface GeneralNames {
  dnsNames: string[];
  /** Canonical text (dotted quad, RFC 5952 IPv6). */
  ipAddresses: string[];
  emails: string[];
  uris: string[];
  directoryNames: Name[];
  /** Kinds this decoder keeps opaque: otherName, x400Address, ediPartyName, registeredID. */
  others: number;
}

export interface Extension {
  extnID: string;
  name?: string;
  critical: boolean;
  /** The DER inside extnValue. */
  extnValue: Uint8Array;
  /** Whether this decoder interprets it (an unknown critical extension fails validation). */
  known: boolean;
}

export interface Extensions {
  /** Every extension in the order of the encoding. */
  list: Extension[];
  subjectAltName?: GeneralNames;
  basicConstraints?: { cA: boolean; pathLenConstraint?: number };
  keyUsage?: KeyUsageName[];
  /** Key purpose OIDs. */
  extKeyUsage?: string[];
  subjectKeyIdentifier?: Uint8Array;
  authorityKeyIdentifier?: { keyIdentifier?: Uint8Array; authorityCertIssuer?: GeneralNames; authorityCertSerialNumber?: Uint8Array };
  cRLNumber?: bigint;
  reasonCode?: CRLReasonName | number;
}

/** Extensions as plain data for the encoders. Critical flags default to RFC 5280's advice. */
export interface ExtensionsSpec {
  /** §4.2.1.9: critical in CA certificates (the default here for every certificate). */
  basicConstraints?: { cA: boolean; pathLenConstraint?: number; critical?: boolean };
  /** §4.2.1.3: SHOULD be critical (default true). */
  keyUsage?: { usages: KeyUsageName[]; critical?: boolean };
  extKeyUsage?: { purposes: (ExtKeyUsageName | string)[]; critical?: boolean };
  subjectKeyIdentifier?: Uint8Array;
  authorityKeyIdentifier?: Uint8Array;
  /** §4.2.1.6: critical only when the subject is empty (default: that rule). */
  subjectAltName?: { dnsNames?: string[]; ipAddresses?: string[]; emails?: string[]; uris?: string[]; critical?: boolean };
  /** Anything else, already encoded (extnValue contents). */
  other?: { extnID: string; critical?: boolean; extnValue: Uint8Array }[];
}

function encodeExtension(extnID: string, critical: boolean, value: Uint8Array): Uint8Array {
  // DER omits a BOOLEAN equal to its DEFAULT (X.690 §11.5): critical FALSE is absent.
  return der.sequence(der.oid(extnID), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
}

export function encodeGeneralNames(g: { dnsNames?: string[]; ipAddresses?: string[]; emails?: string[]; uris?: string[] }): Uint8Array {
  const items: Uint8Array[] = [];
  for (const e of g.emails ?? []) items.push(der.ia5String(e, contextTag(GeneralNameTag.rfc822Name, false)));
  for (const d of g.dnsNames ?? []) items.push(der.ia5String(d, contextTag(GeneralNameTag.dNSName, false)));
  for (const u of g.uris ?? []) items.push(der.ia5String(u, contextTag(GeneralNameTag.uniformResourceIdentifier, false)));
  for (const ip of g.ipAddresses ?? []) {
    const b = parseIp(ip);
    if (!b) throw new UsageError(`"${ip}" is not an IPv4 or IPv6 address`);
    items.push(der.octetString(b, contextTag(GeneralNameTag.iPAddress, false)));
  }
  return der.sequence(...items);
}

/** The `extensions` SEQUENCE (without its [3] wrapper), or undefined when there is none. */
export function encodeExtensions(spec: ExtensionsSpec, subjectIsEmpty = false): Uint8Array | undefined {
  const out: Uint8Array[] = [];
  if (spec.basicConstraints) {
    const { cA, pathLenConstraint, critical = true } = spec.basicConstraints;
    const body = der.sequence(...(cA ? [der.boolean(true)] : []), ...(pathLenConstraint !== undefined ? [der.integer(pathLenConstraint)] : []));
    out.push(encodeExtension(Oid.basicConstraints, critical, body));
  }
  if (spec.keyUsage) {
    const bits = spec.keyUsage.usages.map((u) => {
      const i = KEY_USAGE_BITS.indexOf(u);
      if (i < 0) throw new UsageError(`unknown key usage ${u}`);
      return i;
    });
    out.push(encodeExtension(Oid.keyUsage, spec.keyUsage.critical ?? true, der.namedBits(bits)));
  }
  if (spec.extKeyUsage) {
    const oids = spec.extKeyUsage.purposes.map((p) => (p in EXT_KEY_USAGES ? EXT_KEY_USAGES[p as ExtKeyUsageName] : p));
    out.push(encodeExtension(Oid.extKeyUsage, spec.extKeyUsage.critical ?? false, der.sequence(...oids.map((o) => der.oid(o)))));
  }
  if (spec.subjectKeyIdentifier) {
    out.push(encodeExtension(Oid.subjectKeyIdentifier, false, der.octetString(spec.subjectKeyIdentifier)));
  }
  if (spec.authorityKeyIdentifier) {
    const body = der.sequence(der.octetString(spec.authorityKeyIdentifier, contextTag(0, false)));
    out.push(encodeExtension(Oid.authorityKeyIdentifier, false, body));
  }
  if (spec.subjectAltName) {
    const san = spec.subjectAltName;
    out.push(encodeExtension(Oid.subjectAltName, san.critical ?? subjectIsEmpty, encodeGeneralNames(san)));
  }
  for (const o of spec.other ?? []) out.push(encodeExtension(o.extnID, o.critical ?? false, o.extnValue));
  return out.length ? der.sequence(...out) : undefined;
}

/** Read `GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName` (or its IMPLICIT-tagged form). */
export function readGeneralNames(r: DerReader, fieldName: string, identifier: number = Identifier.SEQUENCE): GeneralNames {
  const g: GeneralNames = { dnsNames: [], ipAddresses: [], emails: [], uris: [], directoryNames: [], others: 0 };
  r.constructed(
    fieldName,
    identifier,
    (s) => {
      s.items((item) => {
        const id = item.peekIdentifier()!;
        switch (id) {
          case contextTag(GeneralNameTag.dNSName, false):
            g.dnsNames.push(item.implicitIa5String('dNSName', id));
            break;
          case contextTag(GeneralNameTag.rfc822Name, false):
            g.emails.push(item.implicitIa5String('rfc822Name', id));
            break;
          case contextTag(GeneralNameTag.uniformResourceIdentifier, false):
            g.uris.push(item.implicitIa5String('uniformResourceIdentifier', id));
            break;
          case contextTag(GeneralNameTag.iPAddress, false):
            g.ipAddresses.push(formatIp(item.octetString('iPAddress', id, formatIp)));
            break;
          case contextTag(GeneralNameTag.directoryName, true):
            g.directoryNames.push(item.explicit('directoryName', GeneralNameTag.directoryName, (d) => readName(d, 'Name')));
            break;
          default: {
            const names = ['otherName', 'rfc822Name', 'dNSName', 'x400Address', 'directoryName', 'ediPartyName', 'uniformResourceIdentifier', 'iPAddress', 'registeredID'];
            const n = id & 0x1f;
            if ((id & 0xc0) !== 0x80 || n > 8) item.fail('not a GeneralName', fieldName);
            item.any(names[n]);
            g.others++;
          }
        }
      });
    },
    (): string =>
      [...g.dnsNames.map((d) => `DNS:${d}`), ...g.ipAddresses.map((i) => `IP:${i}`), ...g.emails.map((e) => `email:${e}`), ...g.uris.map((u) => `URI:${u}`)].join(', '),
  );
  return g;
}

const KNOWN = new Set<string>([
  Oid.subjectAltName,
  Oid.basicConstraints,
  Oid.keyUsage,
  Oid.extKeyUsage,
  Oid.subjectKeyIdentifier,
  Oid.authorityKeyIdentifier,
  Oid.cRLNumber,
  Oid.reasonCode,
]);

/** Read `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension` under the field name `fieldName`. */
export function readExtensions(r: DerReader, fieldName: string): Extensions {
  const ext: Extensions = { list: [] };
  r.sequence(fieldName, (s) => {
    s.items(() => {
      const start = s.offset;
      s.sequence(
        'Extension',
        (e) => {
          const extnID = e.oid('extnID', oidName);
          if (ext.list.some((x) => x.extnID === extnID)) {
            throw new DecodeError(`extension ${oidName(extnID) ?? extnID} appears twice (RFC 5280 §4.2)`, start, 'Extension');
          }
          const critical = e.nextIs(Identifier.BOOLEAN) ? e.boolean('critical') : false;
          const known = KNOWN.has(extnID);
          let value: Uint8Array;
          if (known) {
            const h = e.header('extnValue');
            e.encapsulated('extnValue', Identifier.OCTET_STRING, (v) => readExtensionValue(v, extnID, ext));
            value = e.bytes.slice(h.contentStart, h.end);
          } else {
            value = e.octetString('extnValue');
          }
          ext.list.push({ extnID, name: oidName(extnID), critical, extnValue: value, known });
          return extnID;
        },
        (id) => oidName(id) ?? id,
      );
    });
    if (ext.list.length === 0) s.fail('an empty Extensions sequence (RFC 5280 §4.1: SIZE (1..MAX))', fieldName);
  });
  return ext;
}

function readExtensionValue(v: DerReader, extnID: string, ext: Extensions): void {
  switch (extnID) {
    case Oid.subjectAltName:
      ext.subjectAltName = readGeneralNames(v, 'SubjectAltName');
      return;
    case Oid.basicConstraints:
      ext.basicConstraints = v.sequence(
        'BasicConstraints',
        (b) => {
          const cA = b.nextIs(Identifier.BOOLEAN) ? b.boolean('cA') : false;
          const pathLenConstraint = b.nextIs(Identifier.INTEGER) ? b.smallInteger('pathLenConstraint') : undefined;
          if (pathLenConstraint !== undefined && pathLenConstraint < 0) b.fail('a negative pathLenConstraint', 'pathLenConstraint');
          return pathLenConstraint === undefined ? { cA } : { cA, pathLenConstraint };
        },
        (bc) => `CA:${bc.cA ? 'TRUE' : 'FALSE'}${bc.pathLenConstraint !== undefined ? `, pathlen:${bc.pathLenConstraint}` : ''}`,
      );
      return;
    case Oid.keyUsage: {
      const names: KeyUsageName[] = [];
      v.bitString('KeyUsage', Identifier.BIT_STRING, (bits) => {
        for (let i = 0; i < bits.bytes.length * 8 - bits.unusedBits; i++) {
          if (bits.bytes[i >> 3] & (0x80 >> (i & 7)) && i < KEY_USAGE_BITS.length) names.push(KEY_USAGE_BITS[i]);
        }
        return names.join(', ');
      });
      ext.keyUsage = names;
      return;
    }
    case Oid.extKeyUsage:
      ext.extKeyUsage = v.sequence('ExtKeyUsageSyntax', (s) => {
        const oids = s.items(() => s.oid('KeyPurposeId', oidName));
        if (oids.length === 0) s.fail('an empty ExtKeyUsageSyntax', 'ExtKeyUsageSyntax');
        return oids;
      }, (oids) => oids.map((o) => oidName(o) ?? o).join(', '));
      return;
    case Oid.subjectKeyIdentifier:
      ext.subjectKeyIdentifier = v.octetString('SubjectKeyIdentifier', Identifier.OCTET_STRING, (b) => toHex(b, ':'));
      return;
    case Oid.authorityKeyIdentifier:
      ext.authorityKeyIdentifier = v.sequence('AuthorityKeyIdentifier', (a) => {
        const out: NonNullable<Extensions['authorityKeyIdentifier']> = {};
        if (a.nextIs(contextTag(0, false))) out.keyIdentifier = a.octetString('keyIdentifier', contextTag(0, false), (b) => toHex(b, ':'));
        if (a.nextIs(contextTag(1, true))) out.authorityCertIssuer = readGeneralNames(a, 'authorityCertIssuer', contextTag(1, true));
        if (a.nextIs(contextTag(2, false))) out.authorityCertSerialNumber = a.integerBytes('authorityCertSerialNumber', contextTag(2, false), (b) => toHex(b, ':'));
        return out;
      });
      return;
    case Oid.cRLNumber:
      ext.cRLNumber = v.integer('CRLNumber');
      if (ext.cRLNumber < 0n) v.fail('a negative CRLNumber', 'CRLNumber');
      return;
    case Oid.reasonCode: {
      const code = v.smallInteger('CRLReason', Identifier.ENUMERATED, (n) => Object.entries(CRLReason).find(([, c]) => c === n)?.[0]);
      ext.reasonCode = (Object.entries(CRLReason).find(([, c]) => c === code)?.[0] as CRLReasonName | undefined) ?? code;
      return;
    }
  }
}

/** CRL entry extension `reasonCode` (RFC 5280 §5.3.1) as an Extension's extnValue contents. */
export function encodeReasonCode(reason: CRLReasonName): Uint8Array {
  return der.integer(CRLReason[reason], Identifier.ENUMERATED);
}

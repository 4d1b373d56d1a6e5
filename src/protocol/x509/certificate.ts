/**
 * X.509 v3 certificates, RFC 5280 §4.1 (Certificate, TBSCertificate), with the extensions of
 * §4.2.1 (see extensions.ts). `encodeCertificate` signs through the injected CryptoProvider;
 * `decodeCertificate` records every element's span under the name RFC 5280 §4.1 gives it.
 *
 *   Certificate  ::=  SEQUENCE  {
 *        tbsCertificate       TBSCertificate,
 *        signatureAlgorithm   AlgorithmIdentifier,
 *        signatureValue       BIT STRING  }
 *   TBSCertificate  ::=  SEQUENCE  {
 *        version         [0]  EXPLICIT Version DEFAULT v1,
 *        serialNumber         CertificateSerialNumber,
 *        signature            AlgorithmIdentifier,
 *        issuer               Name,
 *        validity             Validity,
 *        subject              Name,
 *        subjectPublicKeyInfo SubjectPublicKeyInfo,
 *        issuerUniqueID  [1]  IMPLICIT UniqueIdentifier OPTIONAL,
 *        subjectUniqueID [2]  IMPLICIT UniqueIdentifier OPTIONAL,
 *        extensions      [3]  EXPLICIT Extensions OPTIONAL }
 */
import { DerReader } from '../asn1/der-reader.ts';
import * as der from '../asn1/der-writer.ts';
import { contextTag } from '../asn1/tags.ts';
import { DecodeError, UsageError } from '../bytes/errors.ts';
import type { Field } from '../bytes/field.ts';
import { toHex } from '../bytes/hex.ts';
import type { CryptoProvider, SigningKey } from '../crypto-provider.ts';
import {
  type AlgorithmIdentifier,
  type SubjectPublicKeyInfo,
  keyIdentifier,
  readAlgorithmIdentifier,
  readSubjectPublicKeyInfo,
  signingAlgorithm,
} from './algorithms.ts';
import { type Extensions, type ExtensionsSpec, encodeExtensions, readExtensions } from './extensions.ts';
import { type Name, type NameSpec, encodeName, readName } from './name.ts';

/** A Name as plain data, or the exact DER of one (an issuer's subject, copied byte for byte). */
export type NameInput = NameSpec | { der: Uint8Array };

export interface CertificateSpec {
  /** CertificateSerialNumber (RFC 5280 §4.1.2.2): a positive magnitude of at most 20 octets. */
  serialNumber: Uint8Array;
  issuer: NameInput;
  subject: NameInput;
  /** Milliseconds since the epoch; encoded to whole seconds, UTCTime through 2049. */
  notBefore: number;
  notAfter: number;
  /** The subject key's SubjectPublicKeyInfo DER (`SigningKey.spki`). */
  subjectPublicKeyInfo: Uint8Array;
  extensions?: ExtensionsSpec;
  /**
   * Add subjectKeyIdentifier / authorityKeyIdentifier by RFC 7093 method 1 when the extensions
   * do not give them (default: both).
   */
  keyIdentifiers?: { subject?: boolean; authority?: boolean };
}

export interface Validity {
  notBefore: number;
  notAfter: number;
}

export interface TbsCertificate {
  /** 1, 2 or 3 (the encoded INTEGER plus one). */
  version: number;
  /** The serial number's INTEGER contents. */
  serialNumber: Uint8Array;
  signature: AlgorithmIdentifier;
  issuer: Name;
  validity: Validity;
  subject: Name;
  issuerUniqueID?: Uint8Array;
  subjectUniqueID?: Uint8Array;
}

export interface Certificate {
  der: Uint8Array;
  tbs: TbsCertificate;
  spki: SubjectPublicKeyInfo;
  extensions: Extensions;
  signatureAlgorithm: AlgorithmIdentifier;
  signatureValue: Uint8Array;
  /** The DER of tbsCertificate: the bytes the signature covers. */
  tbsBytes: Uint8Array;
  /** Spans over `der`, named as RFC 5280 §4.1 names them. */
  fields: Field[];
}

function encodeNameInput(n: NameInput): Uint8Array {
  return 'der' in n && n.der instanceof Uint8Array ? n.der : encodeName(n as NameSpec);
}

function isEmptyName(n: NameInput): boolean {
  const encoded = encodeNameInput(n);
  return encoded.length === 2;
}

/** Sign an X.509 v3 certificate with the issuer's key (ECDSA P-256 → ecdsa-with-SHA256, RSA → sha256WithRSAEncryption). */
export async function encodeCertificate(spec: CertificateSpec, issuerKey: SigningKey, provider: CryptoProvider): Promise<Uint8Array> {
  const serial = spec.serialNumber;
  if (serial.length === 0 || serial.length > 20) throw new UsageError('serialNumber must be 1 to 20 octets (RFC 5280 §4.1.2.2)');
  const alg = signingAlgorithm(issuerKey.kind);
  const ext: ExtensionsSpec = { ...spec.extensions };
  const ids = spec.keyIdentifiers ?? {};
  const [ski, aki] = await Promise.all([
    !ext.subjectKeyIdentifier && ids.subject !== false ? keyIdentifier(provider, spec.subjectPublicKeyInfo) : undefined,
    !ext.authorityKeyIdentifier && ids.authority !== false ? keyIdentifier(provider, issuerKey.spki) : undefined,
  ]);
  if (ski) ext.subjectKeyIdentifier = ski;
  if (aki) ext.authorityKeyIdentifier = aki;
  const extensions = encodeExtensions(ext, isEmptyName(spec.subject));
  const tbs = der.sequence(
    der.explicit(0, der.integer(2)), // v3
    der.integer(serial),
    alg.der,
    encodeNameInput(spec.issuer),
    der.sequence(der.time(spec.notBefore), der.time(spec.notAfter)),
    encodeNameInput(spec.subject),
    spec.subjectPublicKeyInfo,
    ...(extensions ? [der.explicit(3, extensions)] : []),
  );
  const signature = await provider.sign(alg.scheme, issuerKey, tbs);
  return der.sequence(tbs, alg.der, der.bitString(signature));
}

/** Decode a certificate's DER, strictly, recording every element's span. Throws DecodeError. */
export function decodeCertificate(bytes: Uint8Array): Certificate {
  const r = new DerReader(bytes);
  let tbs!: TbsCertificate;
  let spki!: SubjectPublicKeyInfo;
  let extensions: Extensions = { list: [] };
  let tbsBytes!: Uint8Array;
  const outer = r.sequence(
    'Certificate',
    (c) => {
      const tbsStart = c.offset;
      c.sequence('tbsCertificate', (t) => {
        let version = 1;
        if (t.nextIs(contextTag(0, true))) {
          version = t.explicit('version', 0, (v) => v.smallInteger('Version', undefined, (n) => `v${n + 1}`)) + 1;
          if (version < 1 || version > 3) t.fail(`unknown certificate version ${version}`, 'version');
        }
        const serialNumber = t.integerBytes('serialNumber', undefined, (b) => toHex(b, ':'));
        const signature = readAlgorithmIdentifier(t, 'signature');
        const issuer = readName(t, 'issuer');
        const validity = t.sequence(
          'validity',
          (v) => ({ notBefore: v.time('notBefore'), notAfter: v.time('notAfter') }),
        );
        const subject = readName(t, 'subject');
        spki = readSubjectPublicKeyInfo(t, 'subjectPublicKeyInfo');
        tbs = { version, serialNumber, signature, issuer, validity, subject };
        if (t.nextIs(contextTag(1, false))) {
          if (version < 2) t.fail('issuerUniqueID needs version 2 or 3 (RFC 5280 §4.1.2.8)', 'issuerUniqueID');
          tbs.issuerUniqueID = t.bitString('issuerUniqueID', contextTag(1, false)).bytes;
        }
        if (t.nextIs(contextTag(2, false))) {
          if (version < 2) t.fail('subjectUniqueID needs version 2 or 3 (RFC 5280 §4.1.2.8)', 'subjectUniqueID');
          tbs.subjectUniqueID = t.bitString('subjectUniqueID', contextTag(2, false)).bytes;
        }
        if (t.nextIs(contextTag(3, true))) {
          if (version !== 3) t.fail('extensions need version 3 (RFC 5280 §4.1.2.9)', 'extensions');
          extensions = t.explicit('extensions', 3, (e) => readExtensions(e, 'Extensions'));
        }
      });
      tbsBytes = c.bytes.slice(tbsStart, c.offset);
      const signatureAlgorithm = readAlgorithmIdentifier(c, 'signatureAlgorithm');
      const signatureValue = c.bitString('signatureValue');
      if (signatureValue.unusedBits !== 0) c.fail('signatureValue has unused bits', 'signatureValue');
      return { signatureAlgorithm, signatureValue: signatureValue.bytes };
    },
  );
  r.expectEnd('Certificate');
  return {
    der: bytes.slice(),
    tbs,
    spki,
    extensions,
    signatureAlgorithm: outer.signatureAlgorithm,
    signatureValue: outer.signatureValue,
    tbsBytes,
    fields: r.fields,
  };
}

/** Decode, or return the DecodeError (for callers that report rather than throw). */
export function tryDecodeCertificate(bytes: Uint8Array): Certificate | DecodeError {
  try {
    return decodeCertificate(bytes);
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
}

/**
 * Certificate revocation lists, RFC 5280 §5.1 (CertificateList, TBSCertList), version 2 with the
 * CRL extensions a conforming issuer MUST include (§5.2.1 authorityKeyIdentifier, §5.2.3
 * cRLNumber) and the §5.3.1 reasonCode entry extension.
 *
 *   CertificateList  ::=  SEQUENCE  {
 *        tbsCertList          TBSCertList,
 *        signatureAlgorithm   AlgorithmIdentifier,
 *        signatureValue       BIT STRING  }
 *   TBSCertList  ::=  SEQUENCE  {
 *        version                 Version OPTIONAL,  -- if present, MUST be v2
 *        signature               AlgorithmIdentifier,
 *        issuer                  Name,
 *        thisUpdate              Time,
 *        nextUpdate              Time OPTIONAL,
 *        revokedCertificates     SEQUENCE OF SEQUENCE  {
 *             userCertificate         CertificateSerialNumber,
 *             revocationDate          Time,
 *             crlEntryExtensions      Extensions OPTIONAL } OPTIONAL,
 *        crlExtensions           [0]  EXPLICIT Extensions OPTIONAL }
 */
import { DerReader } from '../asn1/der-reader.ts';
import * as der from '../asn1/der-writer.ts';
import { Identifier, contextTag } from '../asn1/tags.ts';
import { DecodeError, UsageError } from '../bytes/errors.ts';
import type { Field } from '../bytes/field.ts';
import { toHex } from '../bytes/hex.ts';
import type { CryptoProvider, SigningKey } from '../crypto-provider.ts';
import { type AlgorithmIdentifier, keyIdentifier, readAlgorithmIdentifier, signingAlgorithm } from './algorithms.ts';
import type { NameInput } from './certificate.ts';
import { type CRLReasonName, type Extensions, encodeReasonCode, readExtensions } from './extensions.ts';
import { type Name, encodeName, readName } from './name.ts';
import { Oid } from './oids.ts';

export interface CrlSpec {
  /** The CRL issuer: the CA that issued the certificates listed. */
  issuer: NameInput;
  thisUpdate: number;
  nextUpdate?: number;
  revoked: { serialNumber: Uint8Array; revocationDate: number; reason?: CRLReasonName }[];
  /** cRLNumber, RFC 5280 §5.2.3 (default 1). */
  crlNumber?: bigint | number;
}

export interface RevokedCertificate {
  /** The serial number's INTEGER contents. */
  serialNumber: Uint8Array;
  revocationDate: number;
  extensions?: Extensions;
}

export interface Crl {
  der: Uint8Array;
  tbs: {
    /** 1 or 2. */
    version: number;
    signature: AlgorithmIdentifier;
    issuer: Name;
    thisUpdate: number;
    nextUpdate?: number;
    revokedCertificates: RevokedCertificate[];
  };
  extensions: Extensions;
  signatureAlgorithm: AlgorithmIdentifier;
  signatureValue: Uint8Array;
  tbsBytes: Uint8Array;
  fields: Field[];
}

/** Sign a v2 CRL with the issuing CA's key. */
export async function encodeCrl(spec: CrlSpec, issuerKey: SigningKey, provider: CryptoProvider): Promise<Uint8Array> {
  const alg = signingAlgorithm(issuerKey.kind);
  const issuer = 'der' in spec.issuer && spec.issuer.der instanceof Uint8Array ? spec.issuer.der : encodeName(spec.issuer as Parameters<typeof encodeName>[0]);
  const entries = spec.revoked.map((e) => {
    if (e.serialNumber.length === 0 || e.serialNumber.length > 20) throw new UsageError('a serialNumber must be 1 to 20 octets');
    const ext = e.reason ? [der.sequence(der.sequence(der.oid(Oid.reasonCode), der.octetString(encodeReasonCode(e.reason))))] : [];
    return der.sequence(der.integer(e.serialNumber), der.time(e.revocationDate), ...ext);
  });
  const aki = await keyIdentifier(provider, issuerKey.spki);
  const crlExtensions = der.sequence(
    der.sequence(der.oid(Oid.authorityKeyIdentifier), der.octetString(der.sequence(der.octetString(aki, contextTag(0, false))))),
    der.sequence(der.oid(Oid.cRLNumber), der.octetString(der.integer(BigInt(spec.crlNumber ?? 1)))),
  );
  const tbs = der.sequence(
    der.integer(1), // v2
    alg.der,
    issuer,
    der.time(spec.thisUpdate),
    ...(spec.nextUpdate !== undefined ? [der.time(spec.nextUpdate)] : []),
    // §5.1.2.6: when nothing is revoked the list is absent, not empty.
    ...(entries.length ? [der.sequence(...entries)] : []),
    der.explicit(0, crlExtensions),
  );
  const signature = await provider.sign(alg.scheme, issuerKey, tbs);
  return der.sequence(tbs, alg.der, der.bitString(signature));
}

const isTime = (id: number | undefined): boolean => id === Identifier.UTCTime || id === Identifier.GeneralizedTime;

/** Decode a CRL's DER strictly, recording every element's span. Throws DecodeError. */
export function decodeCrl(bytes: Uint8Array): Crl {
  const r = new DerReader(bytes);
  let tbs!: Crl['tbs'];
  let extensions: Extensions = { list: [] };
  let tbsBytes!: Uint8Array;
  const outer = r.sequence('CertificateList', (c) => {
    const tbsStart = c.offset;
    c.sequence('tbsCertList', (t) => {
      let version = 1;
      if (t.nextIs(Identifier.INTEGER)) {
        version = t.smallInteger('version', undefined, (n) => `v${n + 1}`) + 1;
        if (version !== 2) t.fail('a CRL version, when present, must be v2 (RFC 5280 §5.1.2.1)', 'version');
      }
      const signature = readAlgorithmIdentifier(t, 'signature');
      const issuer = readName(t, 'issuer');
      const thisUpdate = t.time('thisUpdate');
      tbs = { version, signature, issuer, thisUpdate, revokedCertificates: [] };
      if (isTime(t.peekIdentifier())) tbs.nextUpdate = t.time('nextUpdate');
      if (t.nextIs(Identifier.SEQUENCE)) {
        t.sequence('revokedCertificates', (list) => {
          list.items(() =>
            list.sequence(
              'revokedCertificate',
              (e) => {
                const entry: RevokedCertificate = {
                  serialNumber: e.integerBytes('userCertificate', undefined, (b) => toHex(b, ':')),
                  revocationDate: e.time('revocationDate'),
                };
                if (!e.atEnd) {
                  if (version !== 2) e.fail('crlEntryExtensions need a v2 CRL', 'crlEntryExtensions');
                  entry.extensions = readExtensions(e, 'crlEntryExtensions');
                }
                tbs.revokedCertificates.push(entry);
                return entry;
              },
              (entry) => toHex(entry.serialNumber, ':'),
            ),
          );
          if (tbs.revokedCertificates.length === 0) list.fail('an empty revokedCertificates list must be absent (RFC 5280 §5.1.2.6)', 'revokedCertificates');
        });
      }
      if (t.nextIs(contextTag(0, true))) {
        if (version !== 2) t.fail('crlExtensions need a v2 CRL', 'crlExtensions');
        extensions = t.explicit('crlExtensions', 0, (e) => readExtensions(e, 'Extensions'));
      }
    });
    tbsBytes = c.bytes.slice(tbsStart, c.offset);
    const signatureAlgorithm = readAlgorithmIdentifier(c, 'signatureAlgorithm');
    const sig = c.bitString('signatureValue');
    if (sig.unusedBits !== 0) c.fail('signatureValue has unused bits', 'signatureValue');
    return { signatureAlgorithm, signatureValue: sig.bytes };
  });
  r.expectEnd('CertificateList');
  return { der: bytes.slice(), tbs, extensions, ...outer, tbsBytes, fields: r.fields };
}

export function tryDecodeCrl(bytes: Uint8Array): Crl | DecodeError {
  try {
    return decodeCrl(bytes);
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
}

/**
 * Certificate (RFC 8446 §4.4.2):
 *
 *   struct {
 *       select (certificate_type) {
 *           case RawPublicKey: opaque ASN1_subjectPublicKeyInfo<1..2^24-1>;   // RFC 7250, not used here
 *           case X509: opaque cert_data<1..2^24-1>;
 *       };
 *       Extension extensions<0..2^16-1>;
 *   } CertificateEntry;
 *
 *   struct {
 *       opaque certificate_request_context<0..2^8-1>;
 *       CertificateEntry certificate_list<0..2^24-1>;
 *   } Certificate;
 *
 * TLS 1.3 adds the request context (empty for a server's certificate) and per-certificate
 * extensions (OCSP staples, SCTs) to TLS 1.2's bare list. The chain is leaf first.
 */
import { Reader } from '../../bytes/reader.ts';
import { HandshakeType } from '../../tls/constants.ts';
import { readExtensions, writeExtensions, type Extension } from '../../tls/extensions/index.ts';
import { encodeHandshake, readHandshake, type Decoded } from '../../tls/handshake.ts';

export interface CertificateEntry {
  certData: Uint8Array;
  extensions: Extension[];
}

export interface Certificate {
  certificateRequestContext: Uint8Array;
  certificateList: CertificateEntry[];
}

export function encodeCertificate(c: Certificate): Uint8Array {
  return encodeHandshake(HandshakeType.certificate, (w) => {
    w.opaque(1, c.certificateRequestContext);
    w.vector(3, (list) =>
      c.certificateList.forEach((e) => {
        list.opaque(3, e.certData);
        writeExtensions(list, e.extensions);
      }),
    );
  });
}

export function decodeCertificate(bytes: Uint8Array): Decoded<Certificate> {
  const r = new Reader(bytes);
  const message = readHandshake(r, HandshakeType.certificate, readCertificateBody);
  return { message, fields: r.fields };
}

function readCertificateBody(r: Reader): Certificate {
  const certificateRequestContext = r.vector('certificate_request_context', 1, (v) =>
    v.rest('certificate_request_context'),
  );
  const certificateList = r.vector('certificate_list', 3, (list) =>
    list.items((item, i) =>
      item.group(
        'CertificateEntry',
        (e) => ({
          certData: e.vector('cert_data', 3, (d) => d.rest('cert_data'), { min: 1 }),
          extensions: readExtensions(e, 'certificate'),
        }),
        () => (i === 0 ? 'leaf' : `chain[${i}]`),
      ),
    ),
  );
  return { certificateRequestContext, certificateList };
}

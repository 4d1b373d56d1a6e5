/**
 * Certificate in TLS 1.2 (RFC 5246 §7.4.2):
 *
 *   opaque ASN.1Cert<1..2^24-1>;
 *
 *   struct {
 *       ASN.1Cert certificate_list<0..2^24-1>;
 *   } Certificate;
 *
 * A bare list of DER certificates, the sender's own first and each following one certifying the
 * one before it. TLS 1.3 (src/protocol/tls13/messages/certificate.ts) adds a request context and
 * per-certificate extensions to this shape, so the two cannot share a decoder.
 */
import { Reader } from '../../bytes/reader.ts';
import { HandshakeType } from '../../tls/constants.ts';
import { encodeHandshake, readHandshake, type Decoded } from '../../tls/handshake.ts';

export interface Tls12Certificate {
  /** DER certificates, leaf first. */
  certificateList: Uint8Array[];
}

export function encodeTls12Certificate(c: Tls12Certificate): Uint8Array {
  return encodeHandshake(HandshakeType.certificate, (w) =>
    w.vector(3, (list) => c.certificateList.forEach((cert) => list.opaque(3, cert))),
  );
}

export function decodeTls12Certificate(bytes: Uint8Array): Decoded<Tls12Certificate> {
  const r = new Reader(bytes);
  const message = readHandshake(r, HandshakeType.certificate, readTls12CertificateBody);
  return { message, fields: r.fields };
}

function readTls12CertificateBody(r: Reader): Tls12Certificate {
  const certificateList = r.vector('certificate_list', 3, (list) =>
    list.items((item, i) =>
      item.vector('ASN.1Cert', 3, (c) => c.rest('ASN.1Cert'), {
        min: 1,
        describe: () => (i === 0 ? 'leaf' : `chain[${i}]`),
      }),
    ),
  );
  return { certificateList };
}

/**
 * CertificateVerify (RFC 8446 §4.4.3):
 *
 *   struct {
 *       SignatureScheme algorithm;
 *       opaque signature<0..2^16-1>;
 *   } CertificateVerify;
 *
 * What is signed, and how the signature is checked, is in ../signature.ts.
 */
import { Reader } from '../../bytes/reader.ts';
import { describeSignatureScheme, HandshakeType } from '../../tls/constants.ts';
import { encodeHandshake, readHandshake, type Decoded } from '../../tls/handshake.ts';

export interface CertificateVerify {
  algorithm: number;
  signature: Uint8Array;
}

export function encodeCertificateVerify(cv: CertificateVerify): Uint8Array {
  return encodeHandshake(HandshakeType.certificate_verify, (w) => w.u16(cv.algorithm).opaque(2, cv.signature));
}

export function decodeCertificateVerify(bytes: Uint8Array): Decoded<CertificateVerify> {
  const r = new Reader(bytes);
  const message = readHandshake(r, HandshakeType.certificate_verify, (b) => ({
    algorithm: b.u16('algorithm', describeSignatureScheme),
    signature: b.vector('signature', 2, (s) => s.rest('signature')),
  }));
  return { message, fields: r.fields };
}

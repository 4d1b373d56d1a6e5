/**
 * CertificateRequest (RFC 8446 §4.3.2):
 *
 *   struct {
 *       opaque certificate_request_context<0..2^8-1>;
 *       Extension extensions<2..2^16-1>;
 *   } CertificateRequest;
 *
 * signature_algorithms is mandatory in it: the schemes the server accepts in the client's
 * CertificateVerify.
 */
import { Reader } from '../../bytes/reader.ts';
import { HandshakeType } from '../../tls/constants.ts';
import { readExtensions, writeExtensions, type Extension } from '../../tls/extensions/index.ts';
import { encodeHandshake, readHandshake, type Decoded } from '../../tls/handshake.ts';

export interface CertificateRequest {
  certificateRequestContext: Uint8Array;
  extensions: Extension[];
}

export function encodeCertificateRequest(cr: CertificateRequest): Uint8Array {
  return encodeHandshake(HandshakeType.certificate_request, (w) => {
    w.opaque(1, cr.certificateRequestContext);
    writeExtensions(w, cr.extensions);
  });
}

export function decodeCertificateRequest(bytes: Uint8Array): Decoded<CertificateRequest> {
  const r = new Reader(bytes);
  const message = readHandshake(r, HandshakeType.certificate_request, (b) => ({
    certificateRequestContext: b.vector('certificate_request_context', 1, (v) => v.rest('certificate_request_context')),
    extensions: readExtensions(b, 'certificate_request', 2),
  }));
  return { message, fields: r.fields };
}

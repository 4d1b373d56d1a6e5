/**
 * CertificateRequest in TLS 1.2 (RFC 5246 §7.4.4; ecdsa_sign from RFC 8422 §5.5):
 *
 *   enum {
 *       rsa_sign(1), dss_sign(2), rsa_fixed_dh(3), dss_fixed_dh(4),
 *       rsa_ephemeral_dh_RESERVED(5), dss_ephemeral_dh_RESERVED(6),
 *       fortezza_dms_RESERVED(20), ecdsa_sign(64), (255)
 *   } ClientCertificateType;
 *
 *   opaque DistinguishedName<1..2^16-1>;
 *
 *   struct {
 *       ClientCertificateType certificate_types<1..2^8-1>;
 *       SignatureAndHashAlgorithm supported_signature_algorithms<2^16-1>;
 *       DistinguishedName certificate_authorities<0..2^16-1>;
 *   } CertificateRequest;
 *
 * The server asks for a client certificate. This project's TLS 1.2 client has none to give, and
 * answers with an empty Certificate (RFC 5246 §7.4.6), as a mail server without a client
 * certificate does; the server then decides whether that is enough.
 */
import { Reader } from '../../bytes/reader.ts';
import { describeSignatureScheme, HandshakeType } from '../../tls/constants.ts';
import { encodeHandshake, readHandshake, type Decoded } from '../../tls/handshake.ts';

/** RFC 5246 §7.4.4, RFC 8422 §5.5 */
export const ClientCertificateType = {
  rsa_sign: 1,
  dss_sign: 2,
  rsa_fixed_dh: 3,
  dss_fixed_dh: 4,
  ecdsa_sign: 64,
} as const;

const certificateTypeNames = new Map<number, string>(Object.entries(ClientCertificateType).map(([k, v]) => [v, k]));

export interface Tls12CertificateRequest {
  certificateTypes: number[];
  supportedSignatureAlgorithms: number[];
  /** DER Names, as sent. */
  certificateAuthorities: Uint8Array[];
}

export function encodeTls12CertificateRequest(cr: Tls12CertificateRequest): Uint8Array {
  return encodeHandshake(HandshakeType.certificate_request, (w) => {
    w.vector(1, (v) => cr.certificateTypes.forEach((t) => v.u8(t)));
    w.vector(2, (v) => cr.supportedSignatureAlgorithms.forEach((s) => v.u16(s)));
    w.vector(2, (v) => cr.certificateAuthorities.forEach((dn) => v.opaque(2, dn)));
  });
}

export function decodeTls12CertificateRequest(bytes: Uint8Array): Decoded<Tls12CertificateRequest> {
  const r = new Reader(bytes);
  const message = readHandshake(r, HandshakeType.certificate_request, (b): Tls12CertificateRequest => ({
    certificateTypes: b.vector(
      'certificate_types',
      1,
      (v) => v.items(() => v.u8('ClientCertificateType', (t) => `${certificateTypeNames.get(t) ?? 'unknown'} (${t})`)),
      { min: 1 },
    ),
    supportedSignatureAlgorithms: b.vector('supported_signature_algorithms', 2, (v) =>
      v.items(() => v.u16('SignatureAndHashAlgorithm', describeSignatureScheme)),
    ),
    certificateAuthorities: b.vector('certificate_authorities', 2, (v) =>
      v.items(() => v.vector('DistinguishedName', 2, (dn) => dn.rest('DistinguishedName'), { min: 1 })),
    ),
  }));
  return { message, fields: r.fields };
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes/hex.ts';
import { testCertificate } from '../../../test/support/tls-certs.ts';
import { RFC8448_SERVER_CERTIFICATE } from '../../scenario/fixtures/rfc8448.ts';
import { leafSpki } from './leaf-spki.ts';

describe('leafSpki', () => {
  it("finds the SubjectPublicKeyInfo OpenSSL reports for its own certificates, and the key's kind", () => {
    for (const kind of ['ecdsa-p256', 'rsa'] as const) {
      const cert = testCertificate(kind);
      // `openssl pkey -pubout -outform DER` of the certificate's key is the expected SPKI.
      expect(toHex(leafSpki(cert.der)!.spki)).toBe(toHex(cert.signingKey.spki));
      expect(leafSpki(cert.der)!.keyKind).toBe(kind);
    }
  });

  it('finds the RSA key of the RFC 8448 certificate', () => {
    const found = leafSpki(RFC8448_SERVER_CERTIFICATE)!;
    // The SPKI starts 30 81 9f 30 0d 06 09 2a 86 48 86 f7 0d 01 01 01 in the RFC's certificate.
    expect(toHex(found.spki.subarray(0, 16))).toBe('30819f300d06092a864886f70d010101');
    expect(found.keyKind).toBe('rsa');
  });

  it('returns null, never throws, for bytes that are not a certificate', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        const r = leafSpki(b);
        expect(r === null || r.spki.length > 0).toBe(true);
      }),
    );
    expect(leafSpki(testCertificate('rsa').der.subarray(0, 100))).toBeNull();
  });
});

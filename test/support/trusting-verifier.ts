/**
 * A certificate verifier for tests: it trusts every chain and only digs the leaf's public key out
 * of the DER (the engines check CertificateVerify against it). The real one is the x509 layer's.
 */
import type { CertificateVerdict, CertificateVerifier } from '../../src/protocol/tls13/config.ts';
import { leafSpki } from '../../src/protocol/tls13/leaf-spki.ts';

export const trustingVerifier: CertificateVerifier = async (chain) => {
  const leaf = chain[0] ? leafSpki(chain[0]) : null;
  const verdict: CertificateVerdict = {
    ok: leaf !== null,
    checks: [
      {
        id: 'test.trust-all',
        subject: 'leaf',
        ok: leaf !== null,
        compared: [{ name: 'chain_length', value: String(chain.length) }],
      },
    ],
    leafSpki: leaf?.spki ?? null,
    ...(leaf?.keyKind ? { leafKeyKind: leaf.keyKind } : {}),
  };
  return verdict;
};

/** A verifier that rejects every chain the way OpenSSL rejects an expired leaf. */
export const expiredVerifier: CertificateVerifier = async (chain) => ({
  ok: false,
  checks: [
    {
      id: 'x509.validity',
      subject: 'leaf',
      ok: false,
      compared: [{ name: 'notAfter', value: '2020-01-01T00:00:00Z', kind: 'time' }],
      reason: 'certificate has expired',
    },
  ],
  error: { code: 'X509_V_ERR_CERT_HAS_EXPIRED', opensslCode: 10, opensslText: 'certificate has expired' },
  alert: { description: 'certificate_expired', code: 45 },
  leafSpki: chain[0] ? (leafSpki(chain[0])?.spki ?? null) : null,
});

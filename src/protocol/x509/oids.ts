/**
 * Object identifiers X.509 certificates and CRLs use, with the RFC that assigns each:
 * RFC 5280 §4.1.2.4 / Appendix A (attribute types), §4.2.1 (extensions), §4.2.1.12 (key
 * purposes), §5.2–5.3 (CRL extensions); RFC 5758 §3.2 and RFC 5480 §2.1.1 (ECDSA, curves);
 * RFC 8017 Appendix C and RFC 4055 §3, §5 (RSA, RSASSA-PSS, SHA-2); RFC 8410 §3 (Ed25519).
 */

export const Oid = {
  // Attribute types, RFC 5280 Appendix A.1 (X.520).
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  countryName: '2.5.4.6',
  localityName: '2.5.4.7',
  stateOrProvinceName: '2.5.4.8',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  emailAddress: '1.2.840.113549.1.9.1', // PKCS #9, RFC 5280 Appendix A.1
  domainComponent: '0.9.2342.19200300.100.1.25', // RFC 4519 §2.4

  // Certificate extensions, RFC 5280 §4.2.1.
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  cRLDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  inhibitAnyPolicy: '2.5.29.54',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  signedCertificateTimestampList: '1.3.6.1.4.1.11129.2.4.2', // RFC 6962 §3.3
  tlsFeature: '1.3.6.1.5.5.7.1.24', // RFC 7633 §6

  // CRL and CRL entry extensions, RFC 5280 §5.2–5.3.
  cRLNumber: '2.5.29.20',
  reasonCode: '2.5.29.21',
  invalidityDate: '2.5.29.24',
  deltaCRLIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',

  // Key purposes, RFC 5280 §4.2.1.12.
  anyExtendedKeyUsage: '2.5.29.37.0',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  OCSPSigning: '1.3.6.1.5.5.7.3.9',

  // Public keys.
  rsaEncryption: '1.2.840.113549.1.1.1', // RFC 8017 Appendix C
  id_RSASSA_PSS: '1.2.840.113549.1.1.10', // RFC 4055 §3.1
  id_mgf1: '1.2.840.113549.1.1.8', // RFC 4055 §2.2
  id_ecPublicKey: '1.2.840.10045.2.1', // RFC 5480 §2.1.1
  prime256v1: '1.2.840.10045.3.1.7', // secp256r1, RFC 5480 §2.1.1.1
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
  id_Ed25519: '1.3.101.112', // RFC 8410 §3

  // Signature algorithms.
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11', // RFC 4055 §5
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  sha1WithRSAEncryption: '1.2.840.113549.1.1.5', // RFC 3279 §2.2.1
  ecdsa_with_SHA256: '1.2.840.10045.4.3.2', // RFC 5758 §3.2
  ecdsa_with_SHA384: '1.2.840.10045.4.3.3',
  ecdsa_with_SHA512: '1.2.840.10045.4.3.4',

  // Hashes, RFC 4055 §2.1 (NIST arcs).
  id_sha1: '1.3.14.3.2.26',
  id_sha256: '2.16.840.1.101.3.4.2.1',
  id_sha384: '2.16.840.1.101.3.4.2.2',
  id_sha512: '2.16.840.1.101.3.4.2.3',
} as const;

export type OidName = keyof typeof Oid;

const NAMES = new Map<string, string>(Object.entries(Oid).map(([name, oid]) => [oid, name.replace(/_/g, '-')]));

/** The short name of a known OID (`subjectAltName`, `ecdsa-with-SHA256`), for field values. */
export function oidName(oid: string): string | undefined {
  return NAMES.get(oid);
}

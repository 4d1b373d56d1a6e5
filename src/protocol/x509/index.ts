/** X.509 for the simulator: certificates, CRLs, PEM, a small PKI and OpenSSL-faithful validation. */
export * from './oids.ts';
export * from './name.ts';
export * from './ip.ts';
export * from './extensions.ts';
export * from './algorithms.ts';
export * from './certificate.ts';
export * from './crl.ts';
export * from './pem.ts';
export * from './hostname.ts';
export * from './validate.ts';
export * from './alerts.ts';
export * from './pki.ts';

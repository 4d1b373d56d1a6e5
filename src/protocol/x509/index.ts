/**
 * X.509 for the simulator (RFC 5280 certificates §4 and CRLs §5, PEM per RFC 7468, service
 * identity per RFC 9525), with chain validation in OpenSSL 3's order and its alert choices.
 */
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

/**
 * TLS 1.3 (RFC 8446): the client and server engines and what they are configured with.
 * Codecs, the key schedule and the record protection are exported for tools and tests.
 */
export { Tls13Client } from './client.ts';
export { Tls13Server } from './server.ts';
export * from './config.ts';
export { TLS13_CIPHER_SUITES, tls13CipherSuite, type Tls13CipherSuite } from './cipher-suites.ts';
export * from './key-schedule.ts';
export { Transcript } from '../tls/transcript.ts';
export { TrafficProtection, encodeInnerPlaintext, decodeInnerPlaintext, perRecordNonce } from './record-protection.ts';
export { leafSpki } from './leaf-spki.ts';
export * from './messages/index.ts';

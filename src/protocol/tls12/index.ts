/**
 * TLS 1.2 (RFC 5246, with RFC 8422, RFC 5288, RFC 7627, RFC 5746): the client and server engines
 * and what they are configured with. Codecs, the PRF, the record protection and the
 * forward-secrecy demonstration are exported for tools and tests.
 */
export { Tls12Client } from './client.ts';
export { Tls12Server } from './server.ts';
export * from './config.ts';
export {
  TLS12_CIPHER_SUITES,
  tls12CipherSuite,
  type Tls12CipherSuite,
  type KeyExchangeAlgorithm,
} from './cipher-suites.ts';
export * from './prf.ts';
export { Tls12Protection, additionalData, gcmNonce } from './record-protection.ts';
export { TLS12_VERSION_NAME } from './endpoint.ts';
export * from './messages/index.ts';
export {
  tryStolenServerKey,
  type RecordedRecord,
  type ForwardSecrecyStep,
  type ForwardSecrecyResult,
  type RecoveredPlaintext,
} from './forward-secrecy.ts';

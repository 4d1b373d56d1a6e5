/**
 * The TLS vocabulary shared by TLS 1.2 and 1.3: constants, alerts and failure reasons, record and
 * handshake framing, extensions, the hello and Finished messages, and `decodeAny` for pasted bytes.
 */
export * from './constants.ts';
export * from './alerts.ts';
export * from './record.ts';
export * from './handshake.ts';
export * from './extensions/index.ts';
export * from './messages/client-hello.ts';
export * from './messages/server-hello.ts';
export * from './messages/finished.ts';
export { decodeAny } from './decode-any.ts';

/**
 * SMTP, sans-I/O: the codec (RFC 5321 §4.1, §4.2; RFC 3463; RFC 4954), the client and server
 * engines (RFC 5321, RFC 3207, RFC 4954, RFC 6409, RFC 8314), and how their messages appear in
 * the trace.
 */
export * from './constants.ts';
export * from './line-buffer.ts';
export * from './command.ts';
export * from './reply.ts';
export * from './mail-data.ts';
export * from './ehlo.ts';
export * from './sasl.ts';
export * from './message-info.ts';
export * from './engine-types.ts';
export * from './server.ts';
export * from './client.ts';

/**
 * The two TLS 1.2 handshake messages with no body (RFC 5246 §7.4.1.1, §7.4.5):
 *
 *   struct { } HelloRequest;
 *   struct { } ServerHelloDone;
 *
 * ServerHelloDone ends the server's first flight: the client may now check what it got and send
 * its key exchange. HelloRequest asks a connected client to renegotiate, which this project
 * refuses (RFC 5746 is implemented only to say so safely).
 */
import { Reader } from '../../bytes/reader.ts';
import { HandshakeType } from '../../tls/constants.ts';
import { encodeHandshake, readHandshake, type Decoded } from '../../tls/handshake.ts';

export type ServerHelloDone = Record<string, never>;
export type HelloRequest = Record<string, never>;

export function encodeServerHelloDone(): Uint8Array {
  return encodeHandshake(HandshakeType.server_hello_done, () => undefined);
}

export function decodeServerHelloDone(bytes: Uint8Array): Decoded<ServerHelloDone> {
  const r = new Reader(bytes);
  readHandshake(r, HandshakeType.server_hello_done, () => undefined);
  return { message: {}, fields: r.fields };
}

export function encodeHelloRequest(): Uint8Array {
  return encodeHandshake(HandshakeType.hello_request, () => undefined);
}

export function decodeHelloRequest(bytes: Uint8Array): Decoded<HelloRequest> {
  const r = new Reader(bytes);
  readHandshake(r, HandshakeType.hello_request, () => undefined);
  return { message: {}, fields: r.fields };
}

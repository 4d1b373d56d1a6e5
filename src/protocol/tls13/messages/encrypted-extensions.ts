/**
 * EncryptedExtensions (RFC 8446 §4.3.1):
 *
 *   struct { Extension extensions<0..2^16-1>; } EncryptedExtensions;
 *
 * The first message under the handshake keys: every server answer to a client extension that is
 * not needed to establish those keys (ALPN, server_name, record_size_limit...) travels here,
 * hidden from the network, instead of in the ServerHello.
 */
import { Reader } from '../../bytes/reader.ts';
import { HandshakeType } from '../../tls/constants.ts';
import { readExtensions, writeExtensions, type Extension } from '../../tls/extensions/index.ts';
import { encodeHandshake, readHandshake, type Decoded } from '../../tls/handshake.ts';

export interface EncryptedExtensions {
  extensions: Extension[];
}

export function encodeEncryptedExtensions(ee: EncryptedExtensions): Uint8Array {
  return encodeHandshake(HandshakeType.encrypted_extensions, (w) => writeExtensions(w, ee.extensions));
}

export function decodeEncryptedExtensions(bytes: Uint8Array): Decoded<EncryptedExtensions> {
  const r = new Reader(bytes);
  const message = readHandshake(r, HandshakeType.encrypted_extensions, (b) => ({
    extensions: readExtensions(b, 'encrypted_extensions'),
  }));
  return { message, fields: r.fields };
}

/**
 * One entry point for every TLS 1.3 handshake message (RFC 8446 §4, B.3): given a whole message
 * (header included), decode it by its msg_type into a tagged value with its field spans.
 * A ServerHello whose random is the HelloRetryRequest constant is tagged HelloRetryRequest.
 */
import { Reader } from '../../bytes/reader.ts';
import type { Field } from '../../bytes/field.ts';
import { HandshakeType } from '../../tls/constants.ts';
import { readHandshake } from '../../tls/handshake.ts';
import { decodeClientHello, type ClientHello } from '../../tls/messages/client-hello.ts';
import { decodeFinished, type Finished } from '../../tls/messages/finished.ts';
import { decodeServerHello, isHelloRetryRequest, type ServerHello } from '../../tls/messages/server-hello.ts';
import { decodeCertificateRequest, type CertificateRequest } from './certificate-request.ts';
import { decodeCertificateVerify, type CertificateVerify } from './certificate-verify.ts';
import { decodeCertificate, type Certificate } from './certificate.ts';
import { decodeEncryptedExtensions, type EncryptedExtensions } from './encrypted-extensions.ts';
import { decodeEndOfEarlyData, decodeKeyUpdate, type KeyUpdate } from './key-update.ts';
import { decodeNewSessionTicket, type NewSessionTicket } from './new-session-ticket.ts';

export type Tls13Message =
  | { name: 'ClientHello'; message: ClientHello }
  | { name: 'ServerHello'; message: ServerHello }
  | { name: 'HelloRetryRequest'; message: ServerHello }
  | { name: 'EncryptedExtensions'; message: EncryptedExtensions }
  | { name: 'CertificateRequest'; message: CertificateRequest }
  | { name: 'Certificate'; message: Certificate }
  | { name: 'CertificateVerify'; message: CertificateVerify }
  | { name: 'Finished'; message: Finished }
  | { name: 'NewSessionTicket'; message: NewSessionTicket }
  | { name: 'KeyUpdate'; message: KeyUpdate }
  | { name: 'EndOfEarlyData'; message: Record<string, never> }
  /** Well framed, but not a TLS 1.3 message (a TLS 1.2 ServerKeyExchange, say). */
  | { name: 'Unknown'; message: { msgType: number } };

export type Tls13MessageName = Tls13Message['name'];

/** A decoded message with its bytes (header included) and field spans over them. */
export type DecodedMessage = Tls13Message & { bytes: Uint8Array; fields: Field[] };

/** Decode one whole handshake message. Throws DecodeError (only) when it does not parse. */
export function decodeTls13Message(bytes: Uint8Array): DecodedMessage {
  const msgType = bytes[0];
  const tagged = ((): Tls13Message & { fields: Field[] } => {
    switch (msgType) {
      case HandshakeType.client_hello: {
        const d = decodeClientHello(bytes);
        return { name: 'ClientHello', ...d };
      }
      case HandshakeType.server_hello: {
        const d = decodeServerHello(bytes);
        return { name: isHelloRetryRequest(d.message) ? 'HelloRetryRequest' : 'ServerHello', ...d };
      }
      case HandshakeType.encrypted_extensions:
        return { name: 'EncryptedExtensions', ...decodeEncryptedExtensions(bytes) };
      case HandshakeType.certificate_request:
        return { name: 'CertificateRequest', ...decodeCertificateRequest(bytes) };
      case HandshakeType.certificate:
        return { name: 'Certificate', ...decodeCertificate(bytes) };
      case HandshakeType.certificate_verify:
        return { name: 'CertificateVerify', ...decodeCertificateVerify(bytes) };
      case HandshakeType.finished:
        return { name: 'Finished', ...decodeFinished(bytes) };
      case HandshakeType.new_session_ticket:
        return { name: 'NewSessionTicket', ...decodeNewSessionTicket(bytes) };
      case HandshakeType.key_update:
        return { name: 'KeyUpdate', ...decodeKeyUpdate(bytes) };
      case HandshakeType.end_of_early_data:
        return { name: 'EndOfEarlyData', ...decodeEndOfEarlyData(bytes) };
      default: {
        const r = new Reader(bytes);
        readHandshake(r, msgType ?? -1, (b) => (b.remaining > 0 ? b.rest('body') : undefined));
        return { name: 'Unknown', message: { msgType }, fields: r.fields };
      }
    }
  })();
  return { ...tagged, bytes } as DecodedMessage;
}

export { undecodedMessageFields } from '../../tls/handshake.ts';

export * from './certificate-request.ts';
export * from './certificate-verify.ts';
export * from './certificate.ts';
export * from './encrypted-extensions.ts';
export * from './key-update.ts';
export * from './new-session-ticket.ts';

/**
 * How TLS 1.2 messages appear in the trace: a MessageInfo (name, one-line label, explanation key,
 * bytes and field spans) for each handshake message, alert, ChangeCipherSpec and application
 * data record content (RFC 5246 §7, §6.2; RFC 8422 §5).
 */
import { toHex } from '../bytes/hex.ts';
import type { AlertInfo, MessageInfo } from '../engine.ts';
import { describeCipherSuite, describeGroup, describeSignatureScheme, handshakeTypeName } from '../tls/constants.ts';
import {
  alertMessage,
  applicationDataMessage,
  handshakeMessage,
  tlsMessageInfo,
  tryOr,
  undecodableMessage,
} from '../tls/message-info.ts';
import { decodeChangeCipherSpec, type DecodedTls12Message } from './messages/index.ts';

/** The message's name for errors: its RFC name, or the msg_type's for one this project does not read. */
export function messageName(m: DecodedTls12Message): string {
  return m.name === 'Unknown' ? (handshakeTypeName(m.message.msgType) ?? `message type ${m.message.msgType}`) : m.name;
}

function labelFor(m: DecodedTls12Message): string {
  switch (m.name) {
    case 'ClientHello':
      return `ClientHello (${m.message.cipherSuites.length} cipher suites)`;
    case 'ServerHello':
      return `ServerHello (${describeCipherSuite(m.message.cipherSuite)})`;
    case 'Certificate': {
      const n = m.message.certificateList.length;
      return `Certificate (${n} certificate${n === 1 ? '' : 's'})`;
    }
    case 'ServerKeyExchange':
      return `ServerKeyExchange (${describeGroup(m.message.params.namedCurve)}, signed with ${describeSignatureScheme(m.message.signedParams.algorithm)})`;
    case 'CertificateRequest': {
      const n = m.message.certificateAuthorities.length;
      return `CertificateRequest (${n} certificate authorit${n === 1 ? 'y' : 'ies'})`;
    }
    case 'ClientKeyExchange':
      return m.message.keyExchange === 'ECDHE'
        ? 'ClientKeyExchange (ECDHE public key)'
        : 'ClientKeyExchange (encrypted pre-master secret)';
    case 'Unknown':
      return `Handshake message type ${m.message.msgType}`;
    default:
      return m.name;
  }
}

export function handshakeMessageInfo(m: DecodedTls12Message): MessageInfo {
  return handshakeMessage('tls12', m, labelFor(m));
}

/** A message whose framing is whole but whose body does not decode. */
export function undecodableMessageInfo(bytes: Uint8Array): MessageInfo {
  return undecodableMessage('tls12', bytes);
}

/** RFC 5246 §7.2: a warning is labelled as one, since the connection goes on after it. */
export function alertMessageInfo(bytes: Uint8Array, info: AlertInfo): MessageInfo {
  return alertMessage('tls12', bytes, info, true);
}

/** RFC 5246 §7.1: in TLS 1.2 the ChangeCipherSpec really switches the sender's keys on. */
export function changeCipherSpecInfo(bytes: Uint8Array): MessageInfo {
  return tlsMessageInfo(
    'ChangeCipherSpec',
    'ChangeCipherSpec',
    'tls12/change-cipher-spec',
    bytes,
    tryOr(
      () => decodeChangeCipherSpec(bytes).fields,
      [{ name: 'type', start: 0, end: bytes.length, value: toHex(bytes) }],
    ),
  );
}

export function applicationDataInfo(data: Uint8Array): MessageInfo {
  return applicationDataMessage('tls12', data);
}

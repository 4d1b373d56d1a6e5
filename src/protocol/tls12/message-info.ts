/**
 * How TLS 1.2 messages appear in the trace: a MessageInfo (name, one-line label, explanation key,
 * bytes and field spans) for each handshake message, alert, ChangeCipherSpec and application
 * data record content (RFC 5246 §7, §6.2; RFC 8422 §5).
 */
import { toHex } from '../bytes/hex.ts';
import type { AlertInfo, MessageInfo } from '../engine.ts';
import { decodeAlert, describeAlert } from '../tls/alerts.ts';
import { describeCipherSuite, describeGroup, describeSignatureScheme, handshakeTypeName } from '../tls/constants.ts';
import { undecodedMessageFields } from '../tls/handshake.ts';
import { decodeChangeCipherSpec, type DecodedTls12Message } from './messages/index.ts';

const kebab = (name: string): string => name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();

function tryOr<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

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
  return {
    layer: 'tls',
    name: m.name,
    label: labelFor(m),
    explain: `tls12/${kebab(m.name)}`,
    bytes: m.bytes,
    fields: m.fields,
  };
}

/** A message whose framing is whole but whose body does not decode. */
export function undecodableMessageInfo(bytes: Uint8Array): MessageInfo {
  return {
    layer: 'tls',
    name: 'Malformed',
    label: 'Malformed handshake message',
    explain: 'tls12/malformed',
    bytes,
    fields: undecodedMessageFields(bytes),
  };
}

export function alertMessageInfo(bytes: Uint8Array, info: AlertInfo): MessageInfo {
  return {
    layer: 'tls',
    name: 'Alert',
    label: `Alert: ${describeAlert(info.code)}${info.level === 'warning' && info.code !== 0 ? ' (warning)' : ''}`,
    explain: 'tls12/alert',
    bytes,
    fields: tryOr(() => decodeAlert(bytes).fields, []),
    alert: info,
  };
}

/** RFC 5246 §7.1: in TLS 1.2 the ChangeCipherSpec really switches the sender's keys on. */
export function changeCipherSpecInfo(bytes: Uint8Array): MessageInfo {
  return {
    layer: 'tls',
    name: 'ChangeCipherSpec',
    label: 'ChangeCipherSpec',
    explain: 'tls12/change-cipher-spec',
    bytes,
    fields: tryOr(
      () => decodeChangeCipherSpec(bytes).fields,
      [{ name: 'type', start: 0, end: bytes.length, value: toHex(bytes) }],
    ),
  };
}

export function applicationDataInfo(data: Uint8Array): MessageInfo {
  return {
    layer: 'tls',
    name: 'ApplicationData',
    label: `ApplicationData (${data.length} bytes)`,
    explain: 'tls12/application-data',
    bytes: data,
    fields: [],
  };
}

/**
 * How TLS 1.3 messages appear in the trace: a MessageInfo (name, one-line label, explanation key,
 * bytes and field spans) for each handshake message, alert, ChangeCipherSpec and application data
 * record content (RFC 8446 §4, §5, §6).
 */
import { toHex } from '../bytes/hex.ts';
import type { AlertInfo, MessageInfo } from '../engine.ts';
import { decodeAlert, describeAlert } from '../tls/alerts.ts';
import { describeCipherSuite, describeGroup, describeSignatureScheme, ExtensionType } from '../tls/constants.ts';
import {
  decodeKeyShareClientHello,
  decodeKeyShareHelloRetryRequest,
  decodeKeyShareServerHello,
  findExtension,
} from '../tls/extensions/index.ts';
import { undecodedMessageFields } from '../tls/handshake.ts';
import type { DecodedMessage } from './messages/index.ts';

const kebab = (name: string): string => name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();

function tryOr<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

function labelFor(m: DecodedMessage): string {
  switch (m.name) {
    case 'ClientHello': {
      const ks = findExtension(m.message.extensions, ExtensionType.key_share);
      const groups = ks
        ? tryOr(() => decodeKeyShareClientHello(ks.extensionData).map((e) => describeGroup(e.group)), [])
        : [];
      return groups.length ? `ClientHello (key share: ${groups.join(', ')})` : 'ClientHello';
    }
    case 'ServerHello': {
      const ks = findExtension(m.message.extensions, ExtensionType.key_share);
      const group = ks ? tryOr(() => describeGroup(decodeKeyShareServerHello(ks.extensionData).group), '') : '';
      return `ServerHello (${describeCipherSuite(m.message.cipherSuite)}${group ? ', ' + group : ''})`;
    }
    case 'HelloRetryRequest': {
      const ks = findExtension(m.message.extensions, ExtensionType.key_share);
      const group = ks ? tryOr(() => describeGroup(decodeKeyShareHelloRetryRequest(ks.extensionData)), '') : '';
      return group ? `HelloRetryRequest (${group})` : 'HelloRetryRequest';
    }
    case 'Certificate': {
      const n = m.message.certificateList.length;
      return `Certificate (${n} certificate${n === 1 ? '' : 's'})`;
    }
    case 'CertificateVerify':
      return `CertificateVerify (${describeSignatureScheme(m.message.algorithm)})`;
    case 'NewSessionTicket':
      return `NewSessionTicket (lifetime ${m.message.ticketLifetime} s)`;
    case 'KeyUpdate':
      return `KeyUpdate (${m.message.requestUpdate === 1 ? 'update_requested' : 'update_not_requested'})`;
    case 'Unknown':
      return `Handshake message type ${m.message.msgType}`;
    default:
      return m.name;
  }
}

export function handshakeMessageInfo(m: DecodedMessage): MessageInfo {
  return {
    layer: 'tls',
    name: m.name,
    label: labelFor(m),
    explain: `tls13/${kebab(m.name)}`,
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
    explain: 'tls13/malformed',
    bytes,
    fields: undecodedMessageFields(bytes),
  };
}

export function alertMessageInfo(bytes: Uint8Array, info: AlertInfo): MessageInfo {
  const fields = tryOr(() => decodeAlert(bytes).fields, []);
  return {
    layer: 'tls',
    name: 'Alert',
    label: `Alert: ${describeAlert(info.code)}`,
    explain: 'tls13/alert',
    bytes,
    fields,
    alert: info,
  };
}

export function changeCipherSpecInfo(bytes: Uint8Array): MessageInfo {
  return {
    layer: 'tls',
    name: 'ChangeCipherSpec',
    label: 'ChangeCipherSpec (middlebox compatibility)',
    explain: 'tls13/change-cipher-spec',
    bytes,
    fields: [
      {
        name: 'type',
        start: 0,
        end: bytes.length,
        value: bytes.length === 1 && bytes[0] === 1 ? 'change_cipher_spec (1)' : toHex(bytes),
      },
    ],
  };
}

export function applicationDataInfo(data: Uint8Array): MessageInfo {
  return {
    layer: 'tls',
    name: 'ApplicationData',
    label: `ApplicationData (${data.length} bytes)`,
    explain: 'tls13/application-data',
    bytes: data,
    fields: [],
  };
}

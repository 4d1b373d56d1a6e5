/**
 * How TLS records' contents appear in the trace, the part TLS 1.2 and 1.3 share (RFC 5246 §6.2,
 * §7; RFC 8446 §4, §5, §6): a MessageInfo — name, one-line label, explanation key, bytes and field
 * spans — for a handshake message, one that does not decode, an alert and application data. Each
 * version's message-info.ts labels its own handshake messages and its ChangeCipherSpec, and files
 * every explanation under its own prefix (`tls13/...`, `tls12/...`).
 */
import type { Field } from '../bytes/field.ts';
import type { AlertInfo, MessageInfo } from '../engine.ts';
import { decodeAlert, describeAlert } from './alerts.ts';
import { undecodedMessageFields } from './handshake.ts';

/** The folder of a version's explanations (content/.../tls13/, tls12/). */
export type ExplainPrefix = 'tls13' | 'tls12';

const kebab = (name: string): string => name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();

/** `f()`, or `fallback` when it throws: describing a message never fails the trace. */
export function tryOr<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

export function tlsMessageInfo(
  name: string,
  label: string,
  explain: string,
  bytes: Uint8Array,
  fields: Field[],
): MessageInfo {
  return { layer: 'tls', name, label, explain, bytes, fields };
}

/** A decoded handshake message, explained under `<prefix>/<its name in kebab case>`. */
export function handshakeMessage(
  prefix: ExplainPrefix,
  m: { name: string; bytes: Uint8Array; fields: Field[] },
  label: string,
): MessageInfo {
  return tlsMessageInfo(m.name, label, `${prefix}/${kebab(m.name)}`, m.bytes, m.fields);
}

/** A message whose framing is whole but whose body does not decode. */
export function undecodableMessage(prefix: ExplainPrefix, bytes: Uint8Array): MessageInfo {
  return tlsMessageInfo(
    'Malformed',
    'Malformed handshake message',
    `${prefix}/malformed`,
    bytes,
    undecodedMessageFields(bytes),
  );
}

/**
 * An alert. `showWarningLevel` marks a warning (other than close_notify) in the label: in TLS 1.2
 * a warning does not end the connection (RFC 5246 §7.2); TLS 1.3 ignores the level (RFC 8446 §6).
 */
export function alertMessage(
  prefix: ExplainPrefix,
  bytes: Uint8Array,
  info: AlertInfo,
  showWarningLevel: boolean,
): MessageInfo {
  const warning = showWarningLevel && info.level === 'warning' && info.code !== 0 ? ' (warning)' : '';
  return {
    ...tlsMessageInfo(
      'Alert',
      `Alert: ${describeAlert(info.code)}${warning}`,
      `${prefix}/alert`,
      bytes,
      tryOr(() => decodeAlert(bytes).fields, []),
    ),
    alert: info,
  };
}

export function applicationDataMessage(prefix: ExplainPrefix, data: Uint8Array): MessageInfo {
  return tlsMessageInfo(
    'ApplicationData',
    `ApplicationData (${data.length} bytes)`,
    `${prefix}/application-data`,
    data,
    [],
  );
}

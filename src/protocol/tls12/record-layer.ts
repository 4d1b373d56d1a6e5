/**
 * The TLS 1.2 record layer of one connection (RFC 5246 §6): the mechanism under the handshake.
 *
 * Reading: bytes from the transport are framed into records (RecordReassembler). Until the peer's
 * ChangeCipherSpec they are plaintext; from then on every record, whatever its type, is opened with
 * the peer's write key (RFC 5246 §6.1: the pending read state becomes current). Handshake content
 * is reassembled into whole messages (§6.2.1: a message may span records and a record may hold
 * several). Each record comes out as the WireUnit the trace shows (`received`), with what it held
 * or the reason it was refused.
 *
 * Writing: handshake messages are queued and flushed into as few records as fit; alerts,
 * ChangeCipherSpec and application data are written as their own records. Once this side has sent
 * its ChangeCipherSpec, everything it writes is protected.
 *
 * What may arrive when (a ChangeCipherSpec in this state, application data before the handshake is
 * over) is the endpoint's policy, not decided here.
 */
import { DecodeError } from '../bytes/errors.ts';
import { shiftFields, type Field } from '../bytes/field.ts';
import { toHex } from '../bytes/hex.ts';
import type { AlertInfo, MessageInfo, NamedValue, WireUnit } from '../engine.ts';
import { AlertLevel, alertInfo, decodeAlert, encodeAlert, TlsFailure } from '../tls/alerts.ts';
import { ContentType, ProtocolVersion } from '../tls/constants.ts';
import { HandshakeReassembler } from '../tls/handshake.ts';
import {
  decodeRecord,
  encodeRecord,
  MAX_PLAINTEXT_LENGTH,
  RecordOverflowError,
  RecordReassembler,
} from '../tls/record.ts';
import type { KeyExchangeAlgorithm } from './cipher-suites.ts';
import {
  alertMessageInfo,
  applicationDataInfo,
  changeCipherSpecInfo,
  handshakeMessageInfo,
  undecodableMessageInfo,
} from './message-info.ts';
import { decodeTls12Message, encodeChangeCipherSpec, type DecodedTls12Message } from './messages/index.ts';
import type { Tls12Protection } from './record-protection.ts';

/** A message taken from a record: decoded, or the DecodeError that stopped it. */
export type IncomingMessage =
  | { bytes: Uint8Array; decoded: DecodedTls12Message; error?: undefined }
  | { bytes: Uint8Array; decoded?: undefined; error: DecodeError };

/** What a record held, once opened. */
export type RecordContent =
  | { type: 'handshake'; messages: IncomingMessage[]; protected: boolean }
  | { type: 'alert'; alert: AlertInfo; protected: boolean }
  | { type: 'change_cipher_spec'; fragment: Uint8Array }
  | { type: 'application_data'; data: Uint8Array };

/** One record as received: the unit for the trace, and its content or why it was refused. */
export type IncomingRecord = { unit: WireUnit } & (
  { content: RecordContent; failure?: undefined } | { content?: undefined; failure: TlsFailure }
);

interface QueuedMessage {
  bytes: Uint8Array;
  info: MessageInfo;
}

const hex = (name: string, bytes: Uint8Array): NamedValue => ({ name, value: toHex(bytes), kind: 'hex' });

export class Tls12RecordLayer {
  /** The record version of plaintext records: 0x0301 for an initial ClientHello (RFC 5246 Appendix E.1), else 0x0303. */
  plaintextRecordVersion: number = ProtocolVersion.TLS_1_2;
  /** The negotiated key exchange, once known: it fixes how a ClientKeyExchange reads. */
  keyExchange: KeyExchangeAlgorithm | undefined;

  private readonly records = new RecordReassembler();
  private readonly handshakeIn = new HandshakeReassembler();
  private readProtection: Tls12Protection | null = null;
  private writeProtection: Tls12Protection | null = null;
  private queued: QueuedMessage[] = [];

  get readKeys(): Tls12Protection | null {
    return this.readProtection;
  }

  get writeKeys(): Tls12Protection | null {
    return this.writeProtection;
  }

  /** Bytes of a handshake message still waiting for the rest of it (must be 0 at a ChangeCipherSpec). */
  get pendingHandshakeBytes(): number {
    return this.handshakeIn.pending;
  }

  /** The peer's ChangeCipherSpec: its records are protected from the next one on. */
  setReadKeys(p: Tls12Protection): void {
    this.readProtection = p;
  }

  /** Our ChangeCipherSpec went out: protect what follows. Flush first: queued messages belong before it. */
  setWriteKeys(p: Tls12Protection): void {
    if (this.queued.length) throw new Error('flush the queued messages before changing the write keys');
    this.writeProtection = p;
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  push(bytes: Uint8Array): void {
    this.records.push(bytes);
  }

  /** The next whole record, opened and classified; null when more bytes are needed. */
  async next(): Promise<IncomingRecord | null> {
    let raw: Uint8Array | null;
    try {
      raw = this.records.next();
    } catch (e) {
      if (e instanceof RecordOverflowError) throw new TlsFailure('recordOverflow', `tls: ${e.message}`);
      throw e;
    }
    if (!raw) return null;
    if (this.readProtection) return this.openProtected(raw, this.readProtection);
    return this.readPlaintext(raw);
  }

  private readPlaintext(raw: Uint8Array): IncomingRecord {
    const { record, fields } = decodeRecord(raw);
    const unit = (messages: MessageInfo[], note?: string): WireUnit => ({
      bytes: raw,
      fields,
      protection: 'plaintext',
      messages,
      ...(note ? { note } : {}),
    });
    const refuse = (failure: TlsFailure): IncomingRecord => ({ unit: unit([]), failure });
    if (record.fragment.length > MAX_PLAINTEXT_LENGTH) {
      return refuse(
        new TlsFailure('recordOverflow', `tls: plaintext record of ${record.fragment.length} bytes exceeds 2^14`),
      );
    }
    return this.classify(record.type, record.fragment, unit, false);
  }

  private async openProtected(raw: Uint8Array, protection: Tls12Protection): Promise<IncomingRecord> {
    const { fields } = decodeRecord(raw, { protectedRecord: true });
    const unit = (messages: MessageInfo[], note?: string): WireUnit => ({
      bytes: raw,
      fields,
      protection: 'application',
      key: protection.keyName,
      messages,
      ...(note ? { note } : {}),
    });
    const opened = await protection.open(raw);
    if (!opened.ok) {
      const failure =
        opened.reason === 'bad_record_mac'
          ? new TlsFailure(
              'badRecordMac',
              `tls: record ${opened.seq} under ${protection.keyName} does not authenticate`,
              {
                compared: [
                  { name: 'sequence_number', value: String(opened.seq), kind: 'text' },
                  hex('nonce', opened.nonce),
                  hex('additional_data', opened.additionalData),
                ],
              },
            )
          : new TlsFailure('recordOverflow', 'tls: protected record decrypts to more than 2^14 bytes');
      return { unit: unit([], `could not be opened: ${opened.reason}`), failure };
    }
    return this.classify(raw[0], opened.content, unit, true);
  }

  private classify(
    type: number,
    content: Uint8Array,
    unit: (m: MessageInfo[], note?: string) => WireUnit,
    isProtected: boolean,
  ): IncomingRecord {
    const refuse = (failure: TlsFailure): IncomingRecord => ({ unit: unit([]), failure });
    // RFC 5246 §6.2.1: no zero-length fragments of handshake, alert or ChangeCipherSpec content.
    if (content.length === 0 && type !== ContentType.application_data) {
      return refuse(new TlsFailure('unexpectedMessage', `tls: zero-length record of type ${type} (RFC 5246 §6.2.1)`));
    }
    switch (type) {
      case ContentType.change_cipher_spec:
        if (isProtected) {
          return refuse(new TlsFailure('unexpectedMessage', 'tls: a second ChangeCipherSpec, under the new keys'));
        }
        return {
          unit: unit([changeCipherSpecInfo(content)], 'ChangeCipherSpec: what the peer sends next is protected'),
          content: { type: 'change_cipher_spec', fragment: content },
        };
      case ContentType.alert:
        return this.readAlert(content, unit, isProtected);
      case ContentType.handshake:
        return this.readHandshake(content, unit, isProtected);
      case ContentType.application_data:
        if (!isProtected)
          return refuse(new TlsFailure('unexpectedMessage', 'tls: application data before any keys exist'));
        return { unit: unit([applicationDataInfo(content)]), content: { type: 'application_data', data: content } };
      default:
        return refuse(new TlsFailure('unexpectedMessage', `tls: unknown record type ${type}`));
    }
  }

  private readAlert(
    fragment: Uint8Array,
    unit: (m: MessageInfo[], note?: string) => WireUnit,
    isProtected: boolean,
  ): IncomingRecord {
    try {
      const { alert } = decodeAlert(fragment);
      const info = alertInfo(alert.description, alert.level === AlertLevel.warning ? 'warning' : 'fatal');
      return {
        unit: unit([alertMessageInfo(fragment, info)]),
        content: { type: 'alert', alert: info, protected: isProtected },
      };
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      return {
        unit: unit([], 'a malformed alert'),
        failure: new TlsFailure('decodeError', `tls: cannot decode an alert: ${e.message}`),
      };
    }
  }

  /** Handshake content of one record: the whole messages it completes. */
  private readHandshake(
    fragment: Uint8Array,
    unit: (m: MessageInfo[], note?: string) => WireUnit,
    isProtected: boolean,
  ): IncomingRecord {
    this.handshakeIn.push(fragment);
    const messages: IncomingMessage[] = [];
    for (;;) {
      let bytes: Uint8Array | null;
      try {
        bytes = this.handshakeIn.next();
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        return {
          unit: unit([], 'a handshake message with an impossible length'),
          failure: new TlsFailure('decodeError', `tls: ${e.message}`),
        };
      }
      if (!bytes) break;
      try {
        messages.push({ bytes, decoded: decodeTls12Message(bytes, { keyExchange: this.keyExchange }) });
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        messages.push({ bytes, error: e });
      }
    }
    const pending = this.handshakeIn.pending;
    return {
      unit: unit(
        messages.map((m) => (m.decoded ? handshakeMessageInfo(m.decoded) : undecodableMessageInfo(m.bytes))),
        pending ? `${pending} bytes of a handshake message continued in the next record` : undefined,
      ),
      content: { type: 'handshake', messages, protected: isProtected },
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  /** Queue a handshake message to go out at the next flush. */
  queueHandshake(bytes: Uint8Array): void {
    this.queued.push({
      bytes,
      info: handshakeMessageInfo(decodeTls12Message(bytes, { keyExchange: this.keyExchange })),
    });
  }

  /** Drop what is queued (a failure replaces it with an alert). */
  discardQueued(): void {
    this.queued = [];
  }

  /** What is queued, in as few records as fit; each message is listed in the record that ends it. */
  async flush(): Promise<WireUnit[]> {
    const queued = this.queued;
    this.queued = [];
    const units: WireUnit[] = [];
    const total = queued.reduce((n, m) => n + m.bytes.length, 0);
    const all = new Uint8Array(total);
    const starts: number[] = [];
    let o = 0;
    for (const m of queued) {
      starts.push(o);
      all.set(m.bytes, o);
      o += m.bytes.length;
    }
    const ends = queued.map((m, i) => starts[i] + m.bytes.length);
    const max = MAX_PLAINTEXT_LENGTH;
    for (let from = 0; from < total; from += max) {
      const to = Math.min(total, from + max);
      const ending = queued.filter((_, i) => ends[i] > from && ends[i] <= to);
      const cut = queued.find((_, i) => starts[i] < to && ends[i] > to);
      // A plaintext record shows the fields of the messages it holds whole.
      const children = this.writeProtection
        ? []
        : queued.flatMap((m, i) => (starts[i] >= from && ends[i] <= to ? [messageField(m, starts[i] - from + 5)] : []));
      units.push(
        await this.writeRecord(
          ContentType.handshake,
          all.subarray(from, to),
          ending.map((m) => m.info),
          cut ? `the first part of ${cut.info.name}; it continues in the next record` : undefined,
          children,
        ),
      );
    }
    return units;
  }

  /** One record, plaintext or protected with the current write keys. */
  private async writeRecord(
    type: number,
    content: Uint8Array,
    messages: MessageInfo[],
    note?: string,
    children: Field[] = [],
  ): Promise<WireUnit> {
    const protection = this.writeProtection;
    const extra = note ? { note } : {};
    if (!protection) {
      const bytes = encodeRecord({ type, legacyRecordVersion: this.plaintextRecordVersion, fragment: content });
      const { fields } = decodeRecord(bytes);
      if (children.length) fields[fields.length - 1].children = children;
      return { bytes, fields, protection: 'plaintext', messages, ...extra };
    }
    const bytes = await protection.seal(type, ProtocolVersion.TLS_1_2, content);
    const { fields } = decodeRecord(bytes, { protectedRecord: true });
    return { bytes, fields, protection: 'application', key: protection.keyName, messages, ...extra };
  }

  writeAlert(alert: AlertInfo): Promise<WireUnit> {
    const bytes = encodeAlert({
      level: alert.level === 'warning' ? AlertLevel.warning : AlertLevel.fatal,
      description: alert.code,
    });
    return this.writeRecord(ContentType.alert, bytes, [alertMessageInfo(bytes, alert)]);
  }

  /** RFC 5246 §7.1: under the current (old) write state; the caller switches keys right after. */
  writeChangeCipherSpec(): Promise<WireUnit> {
    const content = encodeChangeCipherSpec();
    return this.writeRecord(
      ContentType.change_cipher_spec,
      content,
      [changeCipherSpecInfo(content)],
      'ChangeCipherSpec: everything this side sends from now on is protected with the new keys',
    );
  }

  /** Data in application_data records, split at 2^14 bytes; the caller's messages go on the first. */
  async writeApplicationData(data: Uint8Array, messages: MessageInfo[]): Promise<WireUnit[]> {
    if (data.length === 0) return [await this.writeRecord(ContentType.application_data, data, messages)];
    const units: WireUnit[] = [];
    for (let from = 0; from < data.length; from += MAX_PLAINTEXT_LENGTH) {
      const first = from === 0;
      units.push(
        await this.writeRecord(
          ContentType.application_data,
          data.subarray(from, Math.min(data.length, from + MAX_PLAINTEXT_LENGTH)),
          first ? messages : [],
          first ? undefined : 'application data continued from the previous record',
        ),
      );
    }
    return units;
  }
}

function messageField(m: QueuedMessage, at: number): Field {
  return {
    name: m.info.name,
    start: at,
    end: at + m.bytes.length,
    value: m.info.label,
    children: shiftFields(m.info.fields, at),
  };
}

/**
 * The TLS 1.3 record layer of one connection (RFC 8446 §5): the mechanism under the handshake.
 *
 * Reading: bytes from the transport are framed into records (RecordReassembler), protected records
 * are opened with the current read keys (§5.2), and handshake content is reassembled into whole
 * messages (§5.1: a message may span records and a record may hold several). Each record comes out
 * as the WireUnit the trace shows (`received`), with what it held or the reason it was refused.
 *
 * Writing: handshake messages are queued and flushed into as few records as fit under one key;
 * alerts, ChangeCipherSpec and application data are written as their own records.
 *
 * What may arrive when (a ChangeCipherSpec in this state, application data under handshake keys,
 * a key change mid-record) is the endpoint's policy, not decided here.
 */
import { DecodeError } from '../bytes/errors.ts';
import { shiftFields, type Field } from '../bytes/field.ts';
import { toHex } from '../bytes/hex.ts';
import type { AlertInfo, MessageInfo, NamedValue, Protection, WireUnit } from '../engine.ts';
import { AlertLevel, alertInfo, decodeAlert, encodeAlert, TlsFailure } from '../tls/alerts.ts';
import { ContentType, ProtocolVersion } from '../tls/constants.ts';
import { HandshakeReassembler } from '../tls/handshake.ts';
import {
  decodeRecord,
  encodeRecord,
  MAX_PLAINTEXT_LENGTH,
  RECORD_HEADER_LENGTH,
  RecordOverflowError,
  RecordReassembler,
} from '../tls/record.ts';
import {
  alertMessageInfo,
  applicationDataInfo,
  changeCipherSpecInfo,
  handshakeMessageInfo,
  undecodableMessageInfo,
} from './message-info.ts';
import { decodeTls13Message, type DecodedMessage } from './messages/index.ts';
import type { TrafficProtection } from './record-protection.ts';

/** A message taken from a record: decoded, or the DecodeError that stopped it. */
export type IncomingMessage =
  | { bytes: Uint8Array; decoded: DecodedMessage; error?: undefined }
  | { bytes: Uint8Array; decoded?: undefined; error: DecodeError };

/** What a record held, once opened. */
export type RecordContent =
  | { type: 'handshake'; messages: IncomingMessage[] }
  | { type: 'alert'; alert: AlertInfo; protected: boolean }
  | { type: 'change_cipher_spec'; fragment: Uint8Array }
  | { type: 'application_data'; data: Uint8Array; protection: Protection };

/** One record as received: the unit for the trace, and its content or why it was refused. */
export type IncomingRecord = { unit: WireUnit } & (
  { content: RecordContent; failure?: undefined } | { content?: undefined; failure: TlsFailure }
);

interface QueuedMessage {
  bytes: Uint8Array;
  info: MessageInfo;
}

const hex = (name: string, bytes: Uint8Array): NamedValue => ({ name, value: toHex(bytes), kind: 'hex' });

function protectionOf(p: TrafficProtection): Protection {
  return p.secretName.includes('handshake') ? 'handshake' : 'application';
}

export class RecordLayer {
  /** legacy_record_version for plaintext records; 0x0301 only for an initial ClientHello (§5.1). */
  plaintextRecordVersion: number = ProtocolVersion.TLS_1_2;
  /** The peer's record_size_limit (RFC 8449), once known. */
  peerRecordSizeLimit: number | null = null;

  private readonly records = new RecordReassembler();
  private readonly handshakeIn = new HandshakeReassembler();
  private readProtection: TrafficProtection | null = null;
  private writeProtection: TrafficProtection | null = null;
  private queued: QueuedMessage[] = [];

  get readKeys(): TrafficProtection | null {
    return this.readProtection;
  }

  get writeKeys(): TrafficProtection | null {
    return this.writeProtection;
  }

  /** Bytes of a handshake message still waiting for the rest of it (must be 0 at a key change). */
  get pendingHandshakeBytes(): number {
    return this.handshakeIn.pending;
  }

  setReadKeys(p: TrafficProtection): void {
    this.readProtection = p;
  }

  /** Change the write keys. Flush first: queued messages belong to the old key. */
  setWriteKeys(p: TrafficProtection): void {
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
    if (raw[0] === ContentType.application_data && this.readProtection)
      return this.openProtected(raw, this.readProtection);
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
    switch (record.type) {
      case ContentType.change_cipher_spec:
        return {
          unit: unit(
            [changeCipherSpecInfo(record.fragment)],
            'ChangeCipherSpec for middlebox compatibility (RFC 8446 Appendix D.4)',
          ),
          content: { type: 'change_cipher_spec', fragment: record.fragment },
        };
      case ContentType.alert:
        return this.readAlert(record.fragment, unit, false);
      case ContentType.handshake:
        if (this.readProtection) {
          return refuse(
            new TlsFailure(
              'unexpectedMessage',
              'tls: unprotected handshake record after the handshake keys were installed',
            ),
          );
        }
        return this.readHandshake(record.fragment, unit);
      case ContentType.application_data:
        return refuse(new TlsFailure('unexpectedMessage', 'tls: application data before any keys exist'));
      default:
        return refuse(new TlsFailure('unexpectedMessage', `tls: unknown record type ${record.type}`));
    }
  }

  private async openProtected(raw: Uint8Array, protection: TrafficProtection): Promise<IncomingRecord> {
    const { fields } = decodeRecord(raw, { protectedRecord: true });
    const kind = protectionOf(protection);
    const unit = (messages: MessageInfo[], note?: string): WireUnit => ({
      bytes: raw,
      fields,
      protection: kind,
      key: protection.secretName,
      messages,
      ...(note ? { note } : {}),
    });
    const opened = await protection.open(raw);
    if (!opened.ok) {
      const failure =
        opened.reason === 'bad_record_mac'
          ? new TlsFailure(
              'badRecordMac',
              `tls: record ${opened.seq} under ${protection.secretName} does not authenticate`,
              {
                compared: [
                  { name: 'sequence_number', value: String(opened.seq), kind: 'text' },
                  hex('nonce', opened.nonce),
                  hex('additional_data', raw.subarray(0, RECORD_HEADER_LENGTH)),
                ],
              },
            )
          : opened.reason === 'record_overflow'
            ? new TlsFailure('recordOverflow', 'tls: protected record longer than 2^14 + 1 bytes')
            : new TlsFailure('missingContentType', 'tls: protected record with no content type (all padding)');
      return { unit: unit([], `could not be opened: ${opened.reason}`), failure };
    }
    switch (opened.type) {
      case ContentType.handshake:
        return this.readHandshake(opened.content, unit);
      case ContentType.alert:
        return this.readAlert(opened.content, unit, true);
      case ContentType.application_data:
        return {
          unit: unit([applicationDataInfo(opened.content)]),
          content: { type: 'application_data', data: opened.content, protection: kind },
        };
      default:
        return {
          unit: unit([]),
          failure: new TlsFailure('unexpectedMessage', `tls: protected record of inner type ${opened.type}`),
        };
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
  private readHandshake(fragment: Uint8Array, unit: (m: MessageInfo[], note?: string) => WireUnit): IncomingRecord {
    if (fragment.length === 0) {
      return {
        unit: unit([]),
        failure: new TlsFailure('unexpectedMessage', 'tls: zero-length handshake fragment (RFC 8446 §5.1)'),
      };
    }
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
        messages.push({ bytes, decoded: decodeTls13Message(bytes) });
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
      content: { type: 'handshake', messages },
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  /** Queue a handshake message to go out with the current write keys at the next flush. */
  queueHandshake(bytes: Uint8Array): void {
    this.queued.push({ bytes, info: handshakeMessageInfo(decodeTls13Message(bytes)) });
  }

  /** Drop what is queued (a failure replaces it with an alert). */
  discardQueued(): void {
    this.queued = [];
  }

  /** The largest content one protected record may carry (RFC 8449: the limit counts the type byte). */
  private maxFragment(): number {
    if (!this.writeProtection || this.peerRecordSizeLimit === null) return MAX_PLAINTEXT_LENGTH;
    return Math.min(MAX_PLAINTEXT_LENGTH, this.peerRecordSizeLimit - 1);
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
    const max = this.maxFragment();
    for (let from = 0; from < total; from += max) {
      const to = Math.min(total, from + max);
      const ending = queued.filter((_, i) => ends[i] > from && ends[i] <= to);
      const cut = queued.find((_, i) => starts[i] < to && ends[i] > to);
      // A plaintext record shows the fields of the messages it holds whole.
      const children = this.writeProtection
        ? []
        : queued.flatMap((m, i) =>
            starts[i] >= from && ends[i] <= to ? [messageField(m, starts[i] - from + RECORD_HEADER_LENGTH)] : [],
          );
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
    if (!protection || type === ContentType.change_cipher_spec) {
      const bytes = encodeRecord({ type, legacyRecordVersion: this.plaintextRecordVersion, fragment: content });
      const { fields } = decodeRecord(bytes);
      if (children.length) fields[fields.length - 1].children = children;
      return { bytes, fields, protection: 'plaintext', messages, ...extra };
    }
    const bytes = await protection.seal(type, content);
    const { fields } = decodeRecord(bytes, { protectedRecord: true });
    return { bytes, fields, protection: protectionOf(protection), key: protection.secretName, messages, ...extra };
  }

  writeAlert(alert: AlertInfo): Promise<WireUnit> {
    const bytes = encodeAlert({
      level: alert.level === 'warning' ? AlertLevel.warning : AlertLevel.fatal,
      description: alert.code,
    });
    return this.writeRecord(ContentType.alert, bytes, [alertMessageInfo(bytes, alert)]);
  }

  /** Appendix D.4: always plaintext, always 0x0303, never under a key. */
  async writeChangeCipherSpec(): Promise<WireUnit> {
    const content = Uint8Array.of(0x01);
    const saved = this.plaintextRecordVersion;
    this.plaintextRecordVersion = ProtocolVersion.TLS_1_2;
    try {
      return await this.writeRecord(
        ContentType.change_cipher_spec,
        content,
        [changeCipherSpecInfo(content)],
        'ChangeCipherSpec for middlebox compatibility (RFC 8446 Appendix D.4): ignored by TLS 1.3 peers',
      );
    } finally {
      this.plaintextRecordVersion = saved;
    }
  }

  /** Data in application_data records, split at the record size; the caller's messages go on the first. */
  async writeApplicationData(data: Uint8Array, messages: MessageInfo[]): Promise<WireUnit[]> {
    if (data.length === 0) return [await this.writeRecord(ContentType.application_data, data, messages)];
    const max = this.maxFragment();
    const units: WireUnit[] = [];
    for (let from = 0; from < data.length; from += max) {
      const first = from === 0;
      units.push(
        await this.writeRecord(
          ContentType.application_data,
          data.subarray(from, Math.min(data.length, from + max)),
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

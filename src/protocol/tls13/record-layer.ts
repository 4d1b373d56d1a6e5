/**
 * The TLS 1.3 record layer of one connection (RFC 8446 §5), on the shared core (tls/record-layer.ts):
 * reading, reassembly, flushing and the WireUnits are there; what is TLS 1.3's is here.
 *
 * Once read keys exist, only records that claim to be application_data are opened (§5.2): every
 * protected record does, and a ChangeCipherSpec (Appendix D.4) or an alert in the clear may still
 * come. The real content type is inside the encryption (§5.4). Keys change during the handshake
 * (handshake, then application traffic secrets), so a record shows which secret protects it.
 * Handshake messages are flushed in records no larger than the peer's record_size_limit (RFC 8449).
 *
 * What may arrive when (a ChangeCipherSpec in this state, application data under handshake keys,
 * a key change mid-record) is the endpoint's policy, not decided here.
 */
import type { Protection, WireUnit } from '../engine.ts';
import { TlsFailure } from '../tls/alerts.ts';
import { ContentType, ProtocolVersion } from '../tls/constants.ts';
import { MAX_PLAINTEXT_LENGTH, RECORD_HEADER_LENGTH } from '../tls/record.ts';
import {
  badRecordMac,
  RecordLayerCore,
  type IncomingRecord,
  type OpenedRecord,
  type UnitOf,
} from '../tls/record-layer.ts';
import { TLS13_MESSAGE_INFO } from './message-info.ts';
import { decodeTls13Message, type DecodedMessage } from './messages/index.ts';
import type { TrafficProtection } from './record-protection.ts';

export class RecordLayer extends RecordLayerCore<DecodedMessage, TrafficProtection> {
  /** The peer's record_size_limit (RFC 8449), once known. */
  peerRecordSizeLimit: number | null = null;

  constructor() {
    super(TLS13_MESSAGE_INFO);
  }

  protected decodeMessage(bytes: Uint8Array): DecodedMessage {
    return decodeTls13Message(bytes);
  }

  protected opensWithReadKeys(raw: Uint8Array): boolean {
    return raw[0] === ContentType.application_data;
  }

  protected keysInTrace(keys: TrafficProtection): { protection: Protection; key: string } {
    return { protection: keys.secretName.includes('handshake') ? 'handshake' : 'application', key: keys.secretName };
  }

  protected async open(raw: Uint8Array, keys: TrafficProtection): Promise<OpenedRecord> {
    const opened = await keys.open(raw);
    if (opened.ok) return { ok: true, type: opened.type, content: opened.content };
    const failure =
      opened.reason === 'bad_record_mac'
        ? badRecordMac(opened.seq, keys.secretName, opened.nonce, raw.subarray(0, RECORD_HEADER_LENGTH))
        : opened.reason === 'record_overflow'
          ? new TlsFailure('recordOverflow', 'tls: protected record longer than 2^14 + 1 bytes')
          : new TlsFailure('missingContentType', 'tls: protected record with no content type (all padding)');
    return { ok: false, reason: opened.reason, failure };
  }

  protected seal(keys: TrafficProtection, type: number, content: Uint8Array): Promise<Uint8Array> {
    return keys.seal(type, content);
  }

  protected readPlaintextContent(type: number, fragment: Uint8Array, unit: UnitOf): IncomingRecord<DecodedMessage> {
    switch (type) {
      case ContentType.change_cipher_spec:
        return {
          unit: unit(
            [this.messageInfo.changeCipherSpec(fragment)],
            'ChangeCipherSpec for middlebox compatibility (RFC 8446 Appendix D.4)',
          ),
          content: { type: 'change_cipher_spec', fragment },
        };
      case ContentType.alert:
        return this.readAlert(fragment, unit, false);
      case ContentType.handshake:
        if (this.readKeys) {
          return this.refuse(
            unit,
            new TlsFailure(
              'unexpectedMessage',
              'tls: unprotected handshake record after the handshake keys were installed',
            ),
          );
        }
        return this.readHandshakeFragment(fragment, unit, false);
      case ContentType.application_data:
        return this.refuse(unit, new TlsFailure('unexpectedMessage', 'tls: application data before any keys exist'));
      default:
        return this.refuse(unit, new TlsFailure('unexpectedMessage', `tls: unknown record type ${type}`));
    }
  }

  protected readProtectedContent(
    type: number,
    content: Uint8Array,
    unit: UnitOf,
    protection: Protection,
  ): IncomingRecord<DecodedMessage> {
    switch (type) {
      case ContentType.handshake:
        return this.readHandshakeFragment(content, unit, true);
      case ContentType.alert:
        return this.readAlert(content, unit, true);
      case ContentType.application_data:
        return this.readApplicationData(content, unit, protection);
      default:
        return this.refuse(unit, new TlsFailure('unexpectedMessage', `tls: protected record of inner type ${type}`));
    }
  }

  /** §5.1: no zero-length fragment of a handshake message, even one with padding. */
  private readHandshakeFragment(
    fragment: Uint8Array,
    unit: UnitOf,
    isProtected: boolean,
  ): IncomingRecord<DecodedMessage> {
    if (fragment.length === 0) {
      return this.refuse(
        unit,
        new TlsFailure('unexpectedMessage', 'tls: zero-length handshake fragment (RFC 8446 §5.1)'),
      );
    }
    return this.readHandshake(fragment, unit, isProtected);
  }

  /** The largest content one protected record may carry (RFC 8449: the limit counts the type byte). */
  protected override maxFragment(): number {
    if (!this.writeKeys || this.peerRecordSizeLimit === null) return MAX_PLAINTEXT_LENGTH;
    return Math.min(MAX_PLAINTEXT_LENGTH, this.peerRecordSizeLimit - 1);
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
        [this.messageInfo.changeCipherSpec(content)],
        'ChangeCipherSpec for middlebox compatibility (RFC 8446 Appendix D.4): ignored by TLS 1.3 peers',
      );
    } finally {
      this.plaintextRecordVersion = saved;
    }
  }
}

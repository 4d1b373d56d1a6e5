/**
 * What the TLS 1.2 client and server share (RFC 5246 §6 record layer, §7.1 ChangeCipherSpec,
 * §7.2 alerts, §7.4.9 Finished, §8.1 and RFC 7627 master secret, §6.3 key block): turning bytes
 * from the transport into records and handshake messages, the keys, and the trace events every
 * step produces.
 *
 * Theory of operation. Each public call (start, receive, timeout, transportClosed,
 * sendApplicationData, close) runs alone, in the order called, and returns one EngineOutput: the
 * records to send (one WireUnit each) and the events for the trace. Incoming bytes go to the
 * Tls12RecordLayer, which hands back one record at a time (opened once the peer's ChangeCipherSpec
 * has switched its keys on); each is reported in a `received` event, then its content is dealt
 * with here: handshake messages, in order, by the subclass's `handleHandshake` (a switch on the
 * state, which names what is awaited); ChangeCipherSpec, alerts and application data by this
 * class's policy. Any check that fails throws a TlsFailure (tls/alerts.ts); `fail` sends its
 * alert (in the clear before this side's ChangeCipherSpec, protected after), reports the failure,
 * and the engine then answers every call with `closed`.
 *
 * Where TLS 1.3 has a ladder of secrets and keys for each stage, TLS 1.2 has one master secret
 * and one key block, and nothing is encrypted until each side's ChangeCipherSpec: the whole
 * negotiation, certificates included, travels in the clear.
 */
import { DecodeError, UsageError } from '../bytes/errors.ts';
import { equalBytes, toHex } from '../bytes/hex.ts';
import type { CryptoProvider, KeyShareKeyPair } from '../crypto-provider.ts';
import {
  emptyOutput,
  type AlertInfo,
  type CalcName,
  type Check,
  type EndpointRole,
  type EngineEvent,
  type EngineOutput,
  type MessageInfo,
  type NamedValue,
  type TlsEngine,
} from '../engine.ts';
import { AlertDescription, alertInfo, describeAlert, failureFromDecodeError, TlsFailure } from '../tls/alerts.ts';
import type { CertificateVerdict } from '../tls/certificate-verifier.ts';
import { encodeFinished, type Finished } from '../tls/messages/finished.ts';
import { Transcript } from '../tls/transcript.ts';
import type { Tls12CipherSuite } from './cipher-suites.ts';
import { decodeChangeCipherSpec, type DecodedTls12Message } from './messages/index.ts';
import { computeVerifyData, deriveKeyBlock, deriveMasterSecret, VERIFY_DATA_LENGTH, type KeyBlock } from './prf.ts';
import { Tls12RecordLayer, type IncomingMessage } from './record-layer.ts';
import { Tls12Protection } from './record-protection.ts';

export const hexValue = (name: string, bytes: Uint8Array, party?: EndpointRole): NamedValue =>
  party ? { name, value: toHex(bytes), kind: 'hex', party } : { name, value: toHex(bytes), kind: 'hex' };
export const textValue = (name: string, value: string): NamedValue => ({ name, value, kind: 'text' });

/** The version string of `tls-established`, as TLS 1.3 reports `TLS 1.3` (TlsVersionName). */
export const TLS12_VERSION_NAME = 'TLS 1.2';

export abstract class Tls12Endpoint implements TlsEngine {
  abstract readonly role: EndpointRole;
  protected abstract readonly machine: 'tls12-client' | 'tls12-server';

  private currentState: string;
  /** RFC 5246 §7.4.9 handshake_messages, and RFC 7627 §3's session_hash. */
  protected readonly transcript: Transcript;
  protected readonly records = new Tls12RecordLayer();
  /** The negotiated suite, once the ServerHello fixes it. */
  protected suite: Tls12CipherSuite | null = null;
  protected clientRandom: Uint8Array = new Uint8Array(0);
  protected serverRandom: Uint8Array = new Uint8Array(0);
  /** RFC 7627: both sides offered extended_master_secret. */
  protected useExtendedMasterSecret = false;
  /** The ECDHE group, for `tls-established` (none with RSA key transport). */
  protected group: string | undefined;
  private masterSecret: Uint8Array | null = null;
  private keyBlock: KeyBlock | null = null;

  private out: EngineOutput = emptyOutput();
  private calls: Promise<unknown> = Promise.resolve();
  /** Failed or closed: every later call answers `closed`. */
  private done = false;
  private sentCloseNotify = false;
  private receivedCloseNotify = false;
  private timerRunning = false;

  protected constructor(
    protected readonly provider: CryptoProvider,
    initialState: string,
    private readonly handshakeTimeoutMs?: number,
  ) {
    this.currentState = initialState;
    this.transcript = new Transcript(provider);
  }

  get state(): string {
    return this.currentState;
  }

  // ---------------------------------------------------------------------------------------------
  // The TlsEngine contract

  start(): Promise<EngineOutput> {
    return this.call(async () => {
      if (this.handshakeTimeoutMs !== undefined) {
        this.emit({ type: 'timer', name: 'tls12.handshake', ms: this.handshakeTimeoutMs });
        this.timerRunning = true;
      }
      await this.onStart();
    });
  }

  receive(bytes: Uint8Array): Promise<EngineOutput> {
    return this.call(() => this.readRecords(bytes));
  }

  timeout(name: string): Promise<EngineOutput> {
    return this.call(async () => {
      if (this.state === 'connected') return;
      throw new TlsFailure('timeout', `tls: timer ${name} expired while waiting in ${this.state}`);
    });
  }

  transportClosed(reset: boolean): Promise<EngineOutput> {
    return this.call(async () => {
      const how = reset ? 'reset' : 'closed';
      if (this.state === 'connected' && !reset && this.receivedCloseNotify) {
        this.finish();
        return;
      }
      throw new TlsFailure(
        'transportClosed',
        this.state === 'connected'
          ? `tls: connection ${how} by the peer without close_notify`
          : `tls: connection ${how} by the peer during the handshake (in ${this.state})`,
      );
    });
  }

  sendApplicationData(data: Uint8Array, messages: MessageInfo[]): Promise<EngineOutput> {
    return this.call(async () => {
      if (this.state !== 'connected') throw new UsageError(`tls: application data cannot be sent in ${this.state}`);
      await this.flush();
      this.out.units.push(...(await this.records.writeApplicationData(data, messages)));
    });
  }

  close(): Promise<EngineOutput> {
    return this.call(async () => {
      await this.sendCloseNotify();
      if (this.receivedCloseNotify) this.finish();
    });
  }

  // ---------------------------------------------------------------------------------------------
  // What the client and the server each provide

  protected abstract onStart(): Promise<void>;
  /** One handshake message, in the current state. Unexpected ones throw. */
  protected abstract handleHandshake(m: DecodedTls12Message): Promise<void>;

  // ---------------------------------------------------------------------------------------------
  // Calls, output and failure

  private call(step: () => Promise<void>): Promise<EngineOutput> {
    const run = async (): Promise<EngineOutput> => {
      this.out = emptyOutput();
      if (this.done) {
        this.out.closed = true;
        return this.out;
      }
      try {
        await step();
        await this.flush();
      } catch (e) {
        await this.fail(e);
      }
      return this.out;
    };
    const result = this.calls.then(run, run);
    this.calls = result.catch(() => undefined);
    return result;
  }

  private async fail(e: unknown): Promise<void> {
    if (e instanceof UsageError) throw e;
    const failure =
      e instanceof TlsFailure
        ? e
        : e instanceof DecodeError
          ? failureFromDecodeError(e, 'a message')
          : new TlsFailure('internalError', `tls: internal error: ${e instanceof Error ? e.message : String(e)}`);
    // Messages queued before the failure are not sent: the alert replaces them.
    this.records.discardQueued();
    if (failure.alert) {
      try {
        this.out.units.push(await this.records.writeAlert(failure.alert));
      } catch {
        // Sealing the alert failed too (the provider is broken): report without it.
      }
    }
    this.out.failure = {
      detectedBy: this.role,
      check: failure.check,
      message: failure.message,
      ...(failure.details.compared ? { compared: failure.details.compared } : {}),
      ...(failure.alert ? { alertSent: failure.alert } : {}),
      ...(failure.details.alertReceived ? { alertReceived: failure.details.alertReceived } : {}),
    };
    this.setState('failed');
    this.finish();
  }

  /** Nothing more will be sent or accepted. */
  private finish(): void {
    this.cancelTimer();
    this.done = true;
    this.out.closed = true;
  }

  private cancelTimer(): void {
    if (this.timerRunning) {
      this.emit({ type: 'timer-cancel', name: 'tls12.handshake' });
      this.timerRunning = false;
    }
  }

  protected emit(event: EngineEvent): void {
    this.out.events.push(event);
  }

  protected setState(state: string): void {
    this.currentState = state;
    this.emit({ type: 'state', machine: this.machine, state });
  }

  protected calc(name: CalcName, title: string, explain: string, values: NamedValue[], checks?: Check[]): void {
    this.emit(
      checks ? { type: 'calc', name, title, values, checks, explain } : { type: 'calc', name, title, values, explain },
    );
  }

  protected note(name: string, text: string, explain?: string): void {
    this.emit(explain ? { type: 'note', name, text, explain } : { type: 'note', name, text });
  }

  protected peerRole(): EndpointRole {
    return this.role === 'client' ? 'server' : 'client';
  }

  /** The handshake is done: report it and stop the handshake timer. */
  protected established(): void {
    this.cancelTimer();
    this.emit({
      type: 'tls-established',
      version: TLS12_VERSION_NAME,
      suite: this.suite!.name,
      ...(this.group ? { group: this.group } : {}),
    });
  }

  /** Hash(handshake_messages) so far, with the suite's PRF hash, reported as a calculation. */
  protected async transcriptHash(purpose: string): Promise<Uint8Array> {
    const hash = await this.transcript.hash(this.suite!.prfHash);
    this.calc('transcript-hash', `Handshake hash for ${purpose}`, 'tls12/handshake-hash', [
      textValue('messages', this.transcript.describe()),
      textValue('hash_function', this.suite!.prfHash),
      hexValue('handshake_hash', hash),
    ]);
    return hash;
  }

  // ---------------------------------------------------------------------------------------------
  // Keys

  /** The ECDHE exchange as a calculation: each side shows its own private key and the peer's public key. */
  protected reportEcdhe(own: KeyShareKeyPair, peerPublicKey: Uint8Array, shared: Uint8Array): void {
    const peer = this.peerRole();
    this.calc('ecdhe', `${own.group === 'x25519' ? 'X25519' : 'P-256'} key exchange (${this.role})`, 'tls12/ecdhe', [
      textValue('group', own.group),
      hexValue(`${this.role}_private_key`, own.privateKey, this.role),
      hexValue(`${this.role}_public_key`, own.publicKey, this.role),
      hexValue(`${peer}_public_key`, peerPublicKey, peer),
      hexValue('pre_master_secret', shared),
    ]);
  }

  /**
   * RFC 5246 §8.1 (or RFC 7627 §4) and §6.3: the master secret from the pre-master secret, then the
   * key block. Called once the ClientKeyExchange is in the transcript, which the session hash needs.
   */
  protected async establishKeys(preMasterSecret: Uint8Array): Promise<void> {
    const suite = this.suite!;
    const randoms = { clientRandom: this.clientRandom, serverRandom: this.serverRandom };
    const sessionHash = this.useExtendedMasterSecret
      ? await this.transcriptHash('the session hash (RFC 7627)')
      : undefined;
    const m = await deriveMasterSecret(this.provider, suite, preMasterSecret, randoms, sessionHash);
    this.calc(
      'prf',
      this.useExtendedMasterSecret ? 'Extended master secret (RFC 7627)' : 'Master secret',
      this.useExtendedMasterSecret ? 'tls12/extended-master-secret' : 'tls12/master-secret',
      [
        hexValue('pre_master_secret', preMasterSecret),
        textValue('label', m.label),
        ...(sessionHash
          ? [hexValue('session_hash', sessionHash)]
          : [
              hexValue('client_random', this.clientRandom, 'client'),
              hexValue('server_random', this.serverRandom, 'server'),
            ]),
        textValue('prf', `P_${suite.prfHash.replace('-', '')}`),
        hexValue('master_secret', m.master_secret),
      ],
    );
    this.emit({ type: 'secret', name: 'CLIENT_RANDOM', value: m.master_secret, clientRandom: this.clientRandom });
    const kb = await deriveKeyBlock(this.provider, suite, m.master_secret, randoms);
    this.calc('key-schedule', 'Key block', 'tls12/key-block', [
      hexValue('master_secret', m.master_secret),
      textValue('label', 'key expansion'),
      hexValue('server_random', this.serverRandom, 'server'),
      hexValue('client_random', this.clientRandom, 'client'),
      hexValue('key_block', kb.key_block),
      hexValue('client_write_key', kb.client_write_key),
      hexValue('server_write_key', kb.server_write_key),
      hexValue('client_write_IV', kb.client_write_IV),
      hexValue('server_write_IV', kb.server_write_IV),
    ]);
    this.masterSecret = m.master_secret;
    this.keyBlock = kb;
  }

  private protectionFor(sender: EndpointRole): Tls12Protection {
    const kb = this.keyBlock!;
    return new Tls12Protection(
      this.provider,
      this.suite!,
      `${sender}_write_key`,
      kb[`${sender}_write_key`],
      kb[`${sender}_write_IV`],
    );
  }

  /** RFC 5246 §7.1: send ChangeCipherSpec, then protect everything after it with our write key. */
  protected async sendChangeCipherSpec(): Promise<void> {
    await this.flush();
    this.out.units.push(await this.records.writeChangeCipherSpec());
    this.records.setWriteKeys(this.protectionFor(this.role));
  }

  // ---------------------------------------------------------------------------------------------
  // Finished (RFC 5246 §7.4.9)

  /** Our Finished over the handshake so far. `corrupt` makes it wrong (a buggy server). */
  protected async queueFinished(corrupt = false): Promise<void> {
    const hash = await this.transcriptHash(`the ${this.role} Finished`);
    const verifyData = await computeVerifyData(this.provider, this.suite!, this.masterSecret!, this.role, hash);
    const sent = corrupt ? verifyData.map((b) => b ^ 0xff) : verifyData;
    this.calc('finished', `${this.role === 'server' ? 'Server' : 'Client'} Finished`, 'tls12/finished', [
      hexValue('master_secret', this.masterSecret!),
      textValue('label', `${this.role} finished`),
      hexValue('handshake_hash', hash),
      hexValue('verify_data', verifyData, this.role),
      ...(corrupt
        ? [
            hexValue('verify_data_sent', sent, this.role),
            textValue('quirk', 'corruptFinished: this server sends a wrong verify_data'),
          ]
        : []),
    ]);
    this.sendHandshake('Finished', encodeFinished({ verifyData: sent }));
  }

  /** The peer's Finished: decrypt_error unless verify_data is what we compute. */
  protected async readPeerFinished(bytes: Uint8Array, f: Finished): Promise<void> {
    const peer = this.peerRole();
    const hash = await this.transcriptHash(`the ${peer} Finished`);
    const verifyData = await computeVerifyData(this.provider, this.suite!, this.masterSecret!, peer, hash);
    const ok = f.verifyData.length === VERIFY_DATA_LENGTH && equalBytes(verifyData, f.verifyData);
    const compared = [
      hexValue('expected_verify_data', verifyData, this.role),
      hexValue('received_verify_data', f.verifyData, peer),
    ];
    this.calc(
      'finished',
      `${peer === 'server' ? 'Server' : 'Client'} Finished check`,
      'tls12/finished',
      [
        hexValue('master_secret', this.masterSecret!),
        textValue('label', `${peer} finished`),
        hexValue('handshake_hash', hash),
        ...compared,
      ],
      [
        {
          id: 'tls12.finished',
          subject: `${peer} Finished`,
          ok,
          compared,
          ...(ok ? {} : { reason: 'verify_data does not match' }),
        },
      ],
    );
    if (!ok) {
      throw new TlsFailure('badFinished', `tls: invalid ${peer} Finished verify_data`, {
        compared,
        check: 'tls12.finished',
      });
    }
    this.transcript.add('Finished', bytes);
  }

  /** A certificate verifier's verdict, reported; a rejection becomes the verdict's alert. */
  protected reportCertificateVerdict(verdict: CertificateVerdict, chainLength: number): void {
    const peer = this.peerRole();
    this.calc(
      'certificate-validation',
      `${peer === 'server' ? 'Server' : 'Client'} certificate chain`,
      'tls12/certificate-validation',
      [
        textValue('chain_length', String(chainLength)),
        ...(verdict.error ? [textValue('error', `${verdict.error.code}: ${verdict.error.opensslText}`)] : []),
      ],
      verdict.checks,
    );
    if (verdict.ok && verdict.leafSpki) return;
    const failed = verdict.checks.find((c) => !c.ok);
    throw new TlsFailure(
      'certificateRejected',
      verdict.ok
        ? `tls: the ${peer} certificate has no usable public key`
        : `tls: failed to verify the ${peer} certificate: ${verdict.error?.opensslText ?? failed?.reason ?? 'rejected'}`,
      {
        ...(verdict.alert ? { alert: alertInfo(verdict.alert.code) } : {}),
        ...(failed ? { check: failed.id, compared: failed.compared } : {}),
      },
    );
  }

  /**
   * RFC 5746 §4.2, §4.4 and RFC 5246 §7.4.1.1: this project never renegotiates. A HelloRequest (at
   * the client) or a new ClientHello (at the server) after the handshake gets a warning
   * no_renegotiation alert, and the connection goes on as it was.
   */
  protected async refuseRenegotiation(what: string): Promise<void> {
    this.note(
      'tls12.no-renegotiation',
      `The peer asked to renegotiate (${what}); this side refuses.`,
      'tls12/renegotiation',
    );
    await this.flush();
    this.out.units.push(
      await this.records.writeAlert(alertInfo(AlertDescription.no_renegotiation_RESERVED, 'warning')),
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Reading: what each record held, and what this side does with it

  private async readRecords(bytes: Uint8Array): Promise<void> {
    this.records.push(bytes);
    for (let record = await this.records.next(); record; record = await this.records.next()) {
      this.emit({ type: 'received', units: [record.unit] });
      if (record.failure) throw record.failure;
      const content = record.content;
      switch (content.type) {
        case 'handshake':
          await this.readHandshakeMessages(content.messages);
          break;
        case 'alert':
          await this.readAlert(content.alert);
          break;
        case 'change_cipher_spec':
          this.readChangeCipherSpec(content.fragment);
          break;
        case 'application_data':
          if (this.state !== 'connected') {
            throw new TlsFailure(
              'unexpectedMessage',
              `tls: application data before the handshake is over (in ${this.state})`,
            );
          }
          if (this.records.pendingHandshakeBytes > 0)
            throw new TlsFailure('unexpectedMessage', 'tls: application data inside a fragmented handshake message');
          this.emit({ type: 'app-data', data: content.data });
          break;
      }
      if (this.done) return;
    }
  }

  private async readHandshakeMessages(messages: IncomingMessage[]): Promise<void> {
    for (const m of messages) {
      if (m.error) throw failureFromDecodeError(m.error, 'a handshake message');
      await this.handleHandshake(m.decoded);
      if (this.done) return;
    }
  }

  /**
   * RFC 5246 §7.1: the peer's ChangeCipherSpec, a single 0x01, switches its write state on: from
   * the next record, what it sends is protected, starting with its Finished. It may come only where
   * the state awaits it, and never in the middle of a handshake message.
   */
  private readChangeCipherSpec(fragment: Uint8Array): void {
    try {
      decodeChangeCipherSpec(fragment);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      throw new TlsFailure('unexpectedMessage', `tls: ChangeCipherSpec with contents ${toHex(fragment)}, not 01`);
    }
    if (this.state !== 'expectChangeCipherSpec')
      throw new TlsFailure('unexpectedMessage', `tls: ChangeCipherSpec in ${this.state}`);
    if (this.records.pendingHandshakeBytes > 0)
      throw new TlsFailure('unexpectedMessage', 'tls: ChangeCipherSpec inside a fragmented handshake message');
    this.records.setReadKeys(this.protectionFor(this.peerRole()));
    this.setState('expectFinished');
  }

  /**
   * RFC 5246 §7.2: a fatal alert ends the connection; close_notify ends it cleanly; a warning
   * (no_renegotiation, user_canceled) is noted and the connection goes on.
   */
  private async readAlert(alert: AlertInfo): Promise<void> {
    if (alert.code === AlertDescription.close_notify && this.state === 'connected') {
      this.receivedCloseNotify = true;
      this.note('tls.close-notify', 'The peer sent close_notify: it will send nothing more.', 'tls12/close-notify');
      // RFC 5246 §7.2.1: answer with our own close_notify, then the connection is over.
      await this.sendCloseNotify();
      this.finish();
      return;
    }
    if (alert.level === 'warning' && alert.code !== AlertDescription.close_notify) {
      this.note(
        'tls.warning-alert',
        `The peer sent a warning alert, ${describeAlert(alert.code)}; the connection goes on.`,
      );
      return;
    }
    throw new TlsFailure(
      'alertReceived',
      alert.code === AlertDescription.close_notify
        ? `tls: the peer closed the connection (close_notify) during the handshake, in ${this.state}`
        : `tls: received fatal alert ${describeAlert(alert.code)}`,
      { alertReceived: alert },
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  /** Queue a handshake message, add it to the transcript, to go out at the next flush. */
  protected sendHandshake(name: string, bytes: Uint8Array): void {
    this.transcript.add(name, bytes);
    this.records.queueHandshake(bytes);
  }

  /** Send what is queued. */
  protected async flush(): Promise<void> {
    this.out.units.push(...(await this.records.flush()));
  }

  private async sendCloseNotify(): Promise<void> {
    if (this.sentCloseNotify) return;
    await this.flush();
    this.sentCloseNotify = true;
    this.out.units.push(await this.records.writeAlert(alertInfo('close_notify')));
  }
}

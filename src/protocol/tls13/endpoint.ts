/**
 * What the TLS 1.3 client and server share (RFC 8446 §5 record layer, §6 alerts, §4.6 post-handshake
 * messages, Appendix D.4 middlebox compatibility): turning bytes from the transport into records and
 * handshake messages, protecting what goes out, alerts, and the trace events every step produces.
 *
 * Theory of operation. Each public call (start, receive, timeout, transportClosed,
 * sendApplicationData, updateKeys, close) runs alone, in the order called, and returns one
 * EngineOutput: the records to send (one WireUnit each) and the events for the trace. Incoming
 * bytes go to the RecordLayer, which hands back one record at a time, opened with the current read
 * keys; each is reported in a `received` event, then its content is dealt with here: handshake
 * messages, in order, by the subclass's `handleHandshake` (a switch on the Appendix A state),
 * alerts, ChangeCipherSpec and application data by this class's policy. Outgoing handshake
 * messages are queued and flushed into as few records as fit under one key; changing the write
 * key flushes first. Any check that fails throws a TlsFailure (alerts.ts); `fail` sends its alert —
 * in the clear before handshake keys exist, encrypted after — reports the failure, and the engine
 * then answers every call with `closed`.
 */
import { DecodeError, UsageError } from '../bytes/errors.ts';
import { equalBytes, toHex } from '../bytes/hex.ts';
import type { CryptoProvider, KeyShareKeyPair, SigningKey } from '../crypto-provider.ts';
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
import { describeSignatureScheme } from '../tls/constants.ts';
import { encodeFinished, type Finished } from '../tls/messages/finished.ts';
import type { Tls13CipherSuite } from './cipher-suites.ts';
import type { CertificateVerdict } from './config.ts';
import {
  computeFinished,
  deriveApplicationSecrets,
  deriveHandshakeSecrets,
  deriveResumptionMasterSecret,
  deriveResumptionPsk,
  deriveTrafficKeys,
  nextApplicationTrafficSecret,
  type ApplicationSecrets,
  type HandshakeSecrets,
} from './key-schedule.ts';
import {
  encodeCertificate,
  encodeCertificateVerify,
  encodeKeyUpdate,
  KeyUpdateRequest,
  type CertificateVerify,
  type DecodedMessage,
  type KeyUpdate,
} from './messages/index.ts';
import { RecordLayer, type IncomingMessage } from './record-layer.ts';
import {
  allowedInTls13CertificateVerify,
  CLIENT_SIGNATURE_CONTEXT,
  providerScheme,
  SERVER_SIGNATURE_CONTEXT,
  signedContent,
} from './signature.ts';
import { TrafficProtection } from './record-protection.ts';
import { Transcript } from '../tls/transcript.ts';

/** An application traffic secret and its generation N (§7.2), for KeyUpdate. */
interface ApplicationSecret {
  secret: Uint8Array;
  generation: number;
}

export const hexValue = (name: string, bytes: Uint8Array, party?: EndpointRole): NamedValue =>
  party ? { name, value: toHex(bytes), kind: 'hex', party } : { name, value: toHex(bytes), kind: 'hex' };
export const textValue = (name: string, value: string): NamedValue => ({ name, value, kind: 'text' });

export abstract class Tls13Endpoint implements TlsEngine {
  abstract readonly role: EndpointRole;
  protected abstract readonly machine: 'tls13-client' | 'tls13-server';

  private currentState = 'START';
  protected readonly transcript: Transcript;
  /** The negotiated suite, once the ServerHello (or HelloRetryRequest) fixes it. */
  protected suite: Tls13CipherSuite | null = null;
  /** ClientHello.random: the NSS key log labels every secret with it. */
  protected clientRandom: Uint8Array = new Uint8Array(0);
  protected readonly records: RecordLayer;
  protected handshakeSecrets: HandshakeSecrets | null = null;
  protected applicationSecrets: ApplicationSecrets | null = null;
  private resumptionMasterSecret: Uint8Array | null = null;
  /** The current application traffic secret of each direction, for KeyUpdate. */
  private readApplication: ApplicationSecret | null = null;
  private writeApplication: ApplicationSecret | null = null;
  /** Set when the read keys change, to check that no handshake message spans the change (§5.1). */
  private readKeyChanged = false;

  private out: EngineOutput = emptyOutput();
  private calls: Promise<unknown> = Promise.resolve();
  /** Failed or closed: every later call answers `closed`. */
  private done = false;
  private sentCloseNotify = false;
  private receivedCloseNotify = false;
  protected timerRunning = false;

  protected constructor(
    protected readonly provider: CryptoProvider,
    protected readonly handshakeTimeoutMs?: number,
  ) {
    this.transcript = new Transcript(provider);
    this.records = new RecordLayer();
  }

  get state(): string {
    return this.currentState;
  }

  // ---------------------------------------------------------------------------------------------
  // The TlsEngine contract

  start(): Promise<EngineOutput> {
    return this.call(async () => {
      if (this.handshakeTimeoutMs !== undefined) {
        this.emit({ type: 'timer', name: 'tls13.handshake', ms: this.handshakeTimeoutMs });
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
      if (this.state === 'CONNECTED') return;
      throw new TlsFailure('timeout', `tls: timer ${name} expired while waiting in ${this.state}`);
    });
  }

  transportClosed(reset: boolean): Promise<EngineOutput> {
    return this.call(async () => {
      const how = reset ? 'reset' : 'closed';
      if (this.state === 'CONNECTED' && !reset && this.receivedCloseNotify) {
        this.finish();
        return;
      }
      throw new TlsFailure(
        'transportClosed',
        this.state === 'CONNECTED'
          ? `tls: connection ${how} by the peer without close_notify`
          : `tls: connection ${how} by the peer during the handshake (in ${this.state})`,
      );
    });
  }

  sendApplicationData(data: Uint8Array, messages: MessageInfo[]): Promise<EngineOutput> {
    return this.call(async () => {
      if (!this.canSendApplicationData()) {
        throw new UsageError(`tls: application data cannot be sent in ${this.state}`);
      }
      await this.writeApplicationData(data, messages);
    });
  }

  /**
   * §4.6.3: send a KeyUpdate and move to the next application traffic secret; with
   * `requestPeerUpdate` the peer is asked to update its own sending keys too.
   */
  updateKeys(requestPeerUpdate = false): Promise<EngineOutput> {
    return this.call(async () => {
      if (this.state !== 'CONNECTED') throw new UsageError(`tls: KeyUpdate cannot be sent in ${this.state}`);
      const requestUpdate = requestPeerUpdate
        ? KeyUpdateRequest.update_requested
        : KeyUpdateRequest.update_not_requested;
      this.queueHandshake(encodeKeyUpdate({ requestUpdate }));
      await this.flush();
      await this.updateTrafficSecret('write');
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
  protected abstract handleHandshake(m: DecodedMessage): Promise<void>;
  /** Whether the handshake has reached the point where this side may send application data. */
  protected abstract canSendApplicationData(): boolean;
  /** Whether a ChangeCipherSpec may arrive now (§5: between the first ClientHello and the peer's Finished). */
  protected abstract mayReceiveChangeCipherSpec(): boolean;

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
    if (this.timerRunning) {
      this.emit({ type: 'timer-cancel', name: 'tls13.handshake' });
      this.timerRunning = false;
    }
    this.done = true;
    this.out.closed = true;
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

  /** An NSS key log line (the format Wireshark reads). */
  protected secret(label: string, value: Uint8Array): void {
    this.emit({ type: 'secret', name: label, value, clientRandom: this.clientRandom });
  }

  protected note(name: string, text: string, explain?: string): void {
    this.emit(explain ? { type: 'note', name, text, explain } : { type: 'note', name, text });
  }

  /** The handshake is done: report it and stop the handshake timer. */
  protected established(group: string): void {
    if (this.timerRunning) {
      this.emit({ type: 'timer-cancel', name: 'tls13.handshake' });
      this.timerRunning = false;
    }
    this.emit({ type: 'tls-established', version: 'TLS 1.3', suite: this.suite!.name, group });
  }

  /** Transcript-Hash of the messages so far, reported as a calculation. */
  protected async transcriptHash(purpose: string): Promise<Uint8Array> {
    const hash = await this.transcript.hash(this.suite!.hash);
    this.calc('transcript-hash', `Transcript-Hash for ${purpose}`, 'tls13/transcript-hash', [
      textValue('messages', this.transcript.describe()),
      textValue('hash_function', this.suite!.hash),
      hexValue('transcript_hash', hash),
    ]);
    return hash;
  }

  // ---------------------------------------------------------------------------------------------
  // Keys

  /** Install the keys of `secret` for one direction, reporting the key and IV (§7.3). */
  protected async installKeys(direction: 'read' | 'write', secretName: string, secret: Uint8Array): Promise<void> {
    const suite = this.suite!;
    const { key, iv } = await deriveTrafficKeys(this.provider, suite, secret);
    const prefix = secretName.replace(/_traffic_secret(_\d+)?$/, '');
    this.calc('key-schedule', `Traffic keys from ${secretName}`, 'tls13/key-schedule/traffic-keys', [
      hexValue(secretName, secret),
      hexValue(`${prefix}_write_key`, key),
      hexValue(`${prefix}_write_iv`, iv),
      textValue('direction', direction === 'write' ? 'protects what this side sends' : 'opens what the peer sends'),
    ]);
    const protection = new TrafficProtection(this.provider, suite, secretName, key, iv);
    if (direction === 'write') {
      // Whatever was queued under the previous key goes out under it.
      await this.flush();
      this.records.setWriteKeys(protection);
    } else {
      this.records.setReadKeys(protection);
      this.readKeyChanged = true;
    }
  }

  /** The ECDHE exchange as a calculation: each side shows its own private key and the peer's public key. */
  protected reportEcdhe(own: KeyShareKeyPair, peerPublicKey: Uint8Array, shared: Uint8Array): void {
    const peer = this.peerRole();
    this.calc('ecdhe', `${own.group === 'x25519' ? 'X25519' : 'P-256'} key exchange (${this.role})`, 'tls13/ecdhe', [
      textValue('group', own.group),
      hexValue(`${this.role}_private_key`, own.privateKey, this.role),
      hexValue(`${this.role}_public_key`, own.publicKey, this.role),
      hexValue(`${peer}_public_key`, peerPublicKey, peer),
      hexValue('shared_secret', shared),
    ]);
  }

  /**
   * §7.1 up to the handshake traffic secrets (no PSK, so the early secret is from zeros), then the
   * handshake keys in both directions. Our own write key is installed at once, so that an alert
   * about a later message goes out encrypted (Appendix A's note).
   */
  protected async establishHandshakeKeys(shared: Uint8Array): Promise<void> {
    const suite = this.suite!;
    const helloHash = await this.transcriptHash('the handshake traffic secrets');
    const hs = await deriveHandshakeSecrets(this.provider, suite, shared, helloHash);
    this.calc('key-schedule', 'Early Secret', 'tls13/key-schedule/early-secret', [
      textValue('psk', `none: ${suite.hashLength} zero bytes`),
      hexValue('early_secret', hs.early_secret),
    ]);
    this.calc('key-schedule', 'Handshake Secret and handshake traffic secrets', 'tls13/key-schedule/handshake-secret', [
      hexValue('early_secret', hs.early_secret),
      hexValue('empty_hash', hs.empty_hash),
      hexValue('derived_secret', hs.derived_secret),
      hexValue('shared_secret', shared),
      hexValue('handshake_secret', hs.handshake_secret),
      hexValue('transcript_hash', helloHash),
      hexValue('client_handshake_traffic_secret', hs.client_handshake_traffic_secret),
      hexValue('server_handshake_traffic_secret', hs.server_handshake_traffic_secret),
    ]);
    this.secret('CLIENT_HANDSHAKE_TRAFFIC_SECRET', hs.client_handshake_traffic_secret);
    this.secret('SERVER_HANDSHAKE_TRAFFIC_SECRET', hs.server_handshake_traffic_secret);
    this.handshakeSecrets = hs;
    await this.installKeys(
      'write',
      `${this.role}_handshake_traffic_secret`,
      hs[`${this.role}_handshake_traffic_secret`],
    );
    await this.installKeys(
      'read',
      `${this.peerRole()}_handshake_traffic_secret`,
      hs[`${this.peerRole()}_handshake_traffic_secret`],
    );
  }

  /** §7.1 from the Master Secret, with the transcript through the server Finished. */
  protected async deriveApplicationSecrets(): Promise<ApplicationSecrets> {
    const hash = await this.transcriptHash('the application traffic secrets');
    const app = await deriveApplicationSecrets(
      this.provider,
      this.suite!,
      this.handshakeSecrets!.handshake_secret,
      hash,
    );
    this.calc('key-schedule', 'Master Secret and application traffic secrets', 'tls13/key-schedule/master-secret', [
      hexValue('handshake_secret', this.handshakeSecrets!.handshake_secret),
      hexValue('derived_secret', app.derived_secret),
      textValue('ikm', `${this.suite!.hashLength} zero bytes`),
      hexValue('master_secret', app.master_secret),
      hexValue('transcript_hash', hash),
      hexValue('client_application_traffic_secret_0', app.client_application_traffic_secret_0),
      hexValue('server_application_traffic_secret_0', app.server_application_traffic_secret_0),
      hexValue('exporter_master_secret', app.exporter_master_secret),
    ]);
    this.secret('CLIENT_TRAFFIC_SECRET_0', app.client_application_traffic_secret_0);
    this.secret('SERVER_TRAFFIC_SECRET_0', app.server_application_traffic_secret_0);
    this.secret('EXPORTER_SECRET', app.exporter_master_secret);
    this.applicationSecrets = app;
    return app;
  }

  /** Install application keys for one direction (`client_application_traffic_secret_0`...). */
  protected async installApplicationKeys(direction: 'read' | 'write'): Promise<void> {
    const sender = this.sender(direction);
    const secret = this.applicationSecrets![`${sender}_application_traffic_secret_0`];
    this.trackApplicationSecret(direction, secret);
    await this.installKeys(direction, `${sender}_application_traffic_secret_0`, secret);
  }

  /** resumption_master_secret, with the transcript through the client Finished. */
  protected async deriveResumptionMasterSecret(): Promise<Uint8Array> {
    const hash = await this.transcriptHash('the resumption master secret');
    const secret = await deriveResumptionMasterSecret(
      this.provider,
      this.suite!,
      this.applicationSecrets!.master_secret,
      hash,
    );
    this.calc('key-schedule', 'Resumption master secret', 'tls13/key-schedule/resumption-master-secret', [
      hexValue('master_secret', this.applicationSecrets!.master_secret),
      hexValue('transcript_hash', hash),
      hexValue('resumption_master_secret', secret),
    ]);
    this.resumptionMasterSecret = secret;
    return secret;
  }

  /** §4.6.1: the PSK a ticket stands for. Reported, never used: this project does not resume. */
  protected async reportTicketPsk(ticketNonce: Uint8Array): Promise<void> {
    const psk = await deriveResumptionPsk(this.provider, this.suite!, this.resumptionMasterSecret!, ticketNonce);
    this.calc('key-schedule', 'PSK for the session ticket', 'tls13/key-schedule/resumption-psk', [
      hexValue('resumption_master_secret', this.resumptionMasterSecret!),
      hexValue('ticket_nonce', ticketNonce),
      hexValue('ticket_psk', psk),
    ]);
  }

  // ---------------------------------------------------------------------------------------------
  // Authentication messages (§4.4): Certificate, CertificateVerify, Finished

  protected queueCertificate(certificateRequestContext: Uint8Array, chain: readonly Uint8Array[]): void {
    const bytes = encodeCertificate({
      certificateRequestContext,
      certificateList: chain.map((certData) => ({ certData, extensions: [] })),
    });
    this.transcript.add('Certificate', bytes);
    this.queueHandshake(bytes);
  }

  /** §4.4.3: sign the transcript through Certificate (or use a recorded signature: RFC 8448). */
  protected async queueCertificateVerify(
    key: SigningKey,
    scheme: number,
    recordedSignature?: Uint8Array,
  ): Promise<void> {
    const hash = await this.transcriptHash(`the ${this.role} CertificateVerify`);
    const context = this.role === 'server' ? SERVER_SIGNATURE_CONTEXT : CLIENT_SIGNATURE_CONTEXT;
    const content = signedContent(context, hash);
    const signature = recordedSignature ?? (await this.provider.sign(providerScheme(scheme)!, key, content));
    this.calc(
      'signature',
      `${this.role === 'server' ? 'Server' : 'Client'} CertificateVerify signature`,
      'tls13/certificate-verify',
      [
        textValue('algorithm', describeSignatureScheme(scheme)),
        textValue('context_string', context),
        hexValue('transcript_hash', hash),
        hexValue('signed_content', content),
        hexValue('signature', signature, this.role),
        ...(recordedSignature
          ? [textValue('origin', 'recorded (RFC 8448): RSA-PSS salts are random, so it cannot be recomputed')]
          : []),
      ],
    );
    const bytes = encodeCertificateVerify({ algorithm: scheme, signature });
    this.transcript.add('CertificateVerify', bytes);
    this.queueHandshake(bytes);
  }

  /** §4.4.3 on the receiving side: the scheme must be one we offered, and the signature must verify. */
  protected async readPeerCertificateVerify(
    bytes: Uint8Array,
    cv: CertificateVerify,
    spki: Uint8Array,
    offeredSchemes: readonly number[],
  ): Promise<void> {
    const peer = this.peerRole();
    if (!offeredSchemes.includes(cv.algorithm) || !allowedInTls13CertificateVerify(cv.algorithm)) {
      throw new TlsFailure(
        'illegalParameter',
        `tls: ${peer} signed CertificateVerify with ${describeSignatureScheme(cv.algorithm)}, which was not offered or is not allowed in TLS 1.3`,
      );
    }
    const hash = await this.transcriptHash(`the ${peer} CertificateVerify`);
    const context = peer === 'server' ? SERVER_SIGNATURE_CONTEXT : CLIENT_SIGNATURE_CONTEXT;
    const content = signedContent(context, hash);
    const ok = await this.provider.verify(providerScheme(cv.algorithm)!, spki, content, cv.signature);
    const compared = [
      hexValue('signature', cv.signature, peer),
      hexValue('leaf_public_key', spki, peer),
      hexValue('signed_content', content, this.role),
    ];
    this.calc(
      'signature',
      `${peer === 'server' ? 'Server' : 'Client'} CertificateVerify check`,
      'tls13/certificate-verify',
      [
        textValue('algorithm', describeSignatureScheme(cv.algorithm)),
        textValue('context_string', context),
        hexValue('transcript_hash', hash),
        ...compared,
      ],
      [
        {
          id: 'tls13.certificate-verify',
          subject: `${peer} CertificateVerify`,
          ok,
          compared,
          ...(ok ? {} : { reason: 'signature does not verify with the leaf certificate key' }),
        },
      ],
    );
    if (!ok)
      throw new TlsFailure('badCertificateVerify', `tls: invalid signature by the ${peer} certificate`, { compared });
    this.transcript.add('CertificateVerify', bytes);
  }

  /** §4.4.4: our Finished over the transcript so far. `corrupt` makes it wrong (a buggy server). */
  protected async queueFinished(corrupt = false): Promise<void> {
    const baseName = `${this.role}_handshake_traffic_secret` as const;
    const hash = await this.transcriptHash(`the ${this.role} Finished`);
    const { finished_key, verify_data } = await computeFinished(
      this.provider,
      this.suite!,
      this.handshakeSecrets![baseName],
      hash,
    );
    const sent = corrupt ? verify_data.map((b) => b ^ 0xff) : verify_data;
    this.calc('finished', `${this.role === 'server' ? 'Server' : 'Client'} Finished`, 'tls13/finished', [
      hexValue(baseName, this.handshakeSecrets![baseName]),
      hexValue('finished_key', finished_key),
      hexValue('transcript_hash', hash),
      hexValue('verify_data', verify_data, this.role),
      ...(corrupt
        ? [
            hexValue('verify_data_sent', sent, this.role),
            textValue('quirk', 'corruptFinished: this server sends a wrong verify_data'),
          ]
        : []),
    ]);
    const bytes = encodeFinished({ verifyData: sent });
    this.transcript.add('Finished', bytes);
    this.queueHandshake(bytes);
  }

  /** §4.4.4 on the receiving side: decrypt_error unless verify_data is the HMAC we compute. */
  protected async readPeerFinished(bytes: Uint8Array, f: Finished): Promise<void> {
    const peer = this.peerRole();
    const baseName = `${peer}_handshake_traffic_secret` as const;
    const hash = await this.transcriptHash(`the ${peer} Finished`);
    const { finished_key, verify_data } = await computeFinished(
      this.provider,
      this.suite!,
      this.handshakeSecrets![baseName],
      hash,
    );
    const ok = equalBytes(verify_data, f.verifyData);
    const compared = [
      hexValue('expected_verify_data', verify_data, this.role),
      hexValue('received_verify_data', f.verifyData, peer),
    ];
    this.calc(
      'finished',
      `${peer === 'server' ? 'Server' : 'Client'} Finished check`,
      'tls13/finished',
      [
        hexValue(baseName, this.handshakeSecrets![baseName]),
        hexValue('finished_key', finished_key),
        hexValue('transcript_hash', hash),
        ...compared,
      ],
      [
        {
          id: 'tls13.finished',
          subject: `${peer} Finished`,
          ok,
          compared,
          ...(ok ? {} : { reason: 'verify_data does not match' }),
        },
      ],
    );
    if (!ok) throw new TlsFailure('badFinished', `tls: invalid ${peer} Finished verify_data`, { compared });
    this.transcript.add('Finished', bytes);
  }

  /** A certificate verifier's verdict, reported; a rejection becomes the verdict's alert. */
  protected reportCertificateVerdict(verdict: CertificateVerdict, chainLength: number): void {
    const peer = this.peerRole();
    this.calc(
      'certificate-validation',
      `${peer === 'server' ? 'Server' : 'Client'} certificate chain`,
      'tls13/certificate-validation',
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

  /** Remember an application traffic secret, for KeyUpdate (§7.2). */
  protected trackApplicationSecret(direction: 'read' | 'write', secret: Uint8Array): void {
    const tracked = { secret, generation: 0 };
    if (direction === 'read') this.readApplication = tracked;
    else this.writeApplication = tracked;
  }

  /** Whose secret protects this direction: ours when writing, the peer's when reading. */
  private sender(direction: 'read' | 'write'): EndpointRole {
    return direction === 'write' ? this.role : this.peerRole();
  }

  protected peerRole(): EndpointRole {
    return this.role === 'client' ? 'server' : 'client';
  }

  /** §4.6.3: the peer updated its sending keys; follow, and answer if it asked us to update ours. */
  protected async readKeyUpdate(m: KeyUpdate): Promise<void> {
    if (
      m.requestUpdate !== KeyUpdateRequest.update_not_requested &&
      m.requestUpdate !== KeyUpdateRequest.update_requested
    ) {
      throw new TlsFailure('illegalParameter', `tls: KeyUpdate with request_update ${m.requestUpdate}`);
    }
    await this.updateTrafficSecret('read');
    if (m.requestUpdate === KeyUpdateRequest.update_requested) {
      const bytes = encodeKeyUpdate({ requestUpdate: KeyUpdateRequest.update_not_requested });
      this.queueHandshake(bytes);
      await this.flush();
      await this.updateTrafficSecret('write');
    }
  }

  private async updateTrafficSecret(direction: 'read' | 'write'): Promise<void> {
    const current = direction === 'read' ? this.readApplication : this.writeApplication;
    if (!current) throw new TlsFailure('unexpectedMessage', 'tls: KeyUpdate before application keys exist');
    const next = {
      secret: await nextApplicationTrafficSecret(this.provider, this.suite!, current.secret),
      generation: current.generation + 1,
    };
    const name = `${this.sender(direction)}_application_traffic_secret_${next.generation}`;
    this.calc('key-schedule', `Key update: ${name}`, 'tls13/key-update', [
      hexValue(`${this.sender(direction)}_application_traffic_secret_${current.generation}`, current.secret),
      textValue('label', 'traffic upd'),
      hexValue(name, next.secret),
    ]);
    if (direction === 'read') this.readApplication = next;
    else this.writeApplication = next;
    await this.installKeys(direction, name, next.secret);
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
          // Appendix A: a client may send an alert about a post-ServerHello message in the clear.
          if (!content.protected && this.state === 'CONNECTED')
            throw new TlsFailure('unexpectedMessage', 'tls: unprotected alert after the handshake');
          await this.readAlert(content.alert);
          break;
        case 'change_cipher_spec':
          this.readChangeCipherSpec(content.fragment);
          break;
        case 'application_data':
          if (content.protection === 'handshake')
            throw new TlsFailure('unexpectedMessage', 'tls: application data under handshake keys');
          if (this.records.pendingHandshakeBytes > 0)
            throw new TlsFailure('unexpectedMessage', 'tls: application data inside a fragmented handshake message');
          this.emit({ type: 'app-data', data: content.data });
          break;
      }
      if (this.done) return;
    }
  }

  /** The whole messages of one record, in order; none may follow a key change in the same record (§5.1). */
  private async readHandshakeMessages(messages: IncomingMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i];
      if (m.error) throw failureFromDecodeError(m.error, 'a handshake message');
      await this.handleHandshake(m.decoded);
      if (this.done) return;
      if (this.readKeyChanged) {
        this.readKeyChanged = false;
        if (i < messages.length - 1 || this.records.pendingHandshakeBytes > 0) {
          throw new TlsFailure(
            'messageSpansKeyChange',
            `tls: more handshake data after ${m.decoded.name} in the record that changed the keys`,
          );
        }
      }
    }
  }

  /** §5: a single 0x01, between the first ClientHello and the peer's Finished, is dropped; anything else is fatal. */
  private readChangeCipherSpec(fragment: Uint8Array): void {
    if (fragment.length !== 1 || fragment[0] !== 0x01) {
      throw new TlsFailure('unexpectedMessage', `tls: ChangeCipherSpec with contents ${toHex(fragment)}, not 01`);
    }
    if (!this.mayReceiveChangeCipherSpec())
      throw new TlsFailure('unexpectedMessage', `tls: ChangeCipherSpec in ${this.state}`);
    this.note(
      'tls13.ccs',
      'ChangeCipherSpec received and dropped: it only keeps middleboxes calm (RFC 8446 Appendix D.4).',
      'tls13/change-cipher-spec',
    );
  }

  /** §6: close_notify ends the connection cleanly; user_canceled is informational; anything else is fatal. */
  private async readAlert(alert: AlertInfo): Promise<void> {
    if (alert.code === AlertDescription.user_canceled) {
      this.note('tls.user-canceled', 'The peer cancelled the handshake (user_canceled); close_notify should follow.');
      return;
    }
    if (alert.code === AlertDescription.close_notify && this.state === 'CONNECTED') {
      this.receivedCloseNotify = true;
      this.note('tls.close-notify', 'The peer sent close_notify: it will send nothing more.', 'tls13/close-notify');
      // §6.1: answer with our own close_notify, then the connection is over.
      await this.sendCloseNotify();
      this.finish();
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

  /** Queue a handshake message to go out with the current write keys at the next flush. */
  protected queueHandshake(bytes: Uint8Array): void {
    this.records.queueHandshake(bytes);
  }

  /** Send what is queued. */
  protected async flush(): Promise<void> {
    this.out.units.push(...(await this.records.flush()));
  }

  /** Appendix D.4: a ChangeCipherSpec record, to look like a resumed TLS 1.2 session to middleboxes. */
  protected async sendChangeCipherSpec(): Promise<void> {
    await this.flush();
    this.out.units.push(await this.records.writeChangeCipherSpec());
  }

  private async sendCloseNotify(): Promise<void> {
    if (this.sentCloseNotify) return;
    await this.flush();
    this.sentCloseNotify = true;
    this.out.units.push(await this.records.writeAlert(alertInfo('close_notify')));
  }

  private async writeApplicationData(data: Uint8Array, messages: MessageInfo[]): Promise<void> {
    await this.flush();
    this.out.units.push(...(await this.records.writeApplicationData(data, messages)));
  }
}

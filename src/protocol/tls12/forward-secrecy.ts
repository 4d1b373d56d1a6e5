/**
 * Forward secrecy, shown (RFC 5246 §7.4.7.1, §8.1; RFC 8422 §5.4; RFC 8446 §4.2.8, §4.4.3): what a
 * passive attacker who recorded a session and later stole the server's long-term private key can
 * do with the two.
 *
 * - TLS_RSA_* (RSA key transport): the ClientKeyExchange carries the pre-master secret encrypted
 *   to that very key. Decrypt it, and everything follows from the recording: the master secret
 *   (from the randoms, or from the session hash of the recorded handshake with the extended master
 *   secret), the key block, and every protected record in both directions.
 * - TLS 1.2 ECDHE and every TLS 1.3 handshake: the shared secret comes from two ephemeral key
 *   pairs; only their public halves were sent, and their private halves were discarded after the
 *   handshake. The stolen key only signed (ServerKeyExchange; CertificateVerify), so it proves
 *   who the server was, and opens nothing.
 *
 * Pure and provider-injected: the recording in, a structured account out, each step a value with
 * a note saying what it is and why it does or does not follow.
 */
import { DecodeError } from '../bytes/errors.ts';
import { concat, toHex } from '../bytes/hex.ts';
import type { CryptoProvider, SigningKey } from '../crypto-provider.ts';
import type { EndpointRole } from '../engine.ts';
import {
  ContentType,
  describeCipherSuite,
  describeGroup,
  describeSignatureScheme,
  ExtensionType,
  HandshakeType,
  ProtocolVersion,
} from '../tls/constants.ts';
import {
  decodeKeyShareClientHello,
  decodeKeyShareServerHello,
  decodeSupportedVersionsServerHello,
  findExtension,
} from '../tls/extensions/index.ts';
import { HandshakeReassembler } from '../tls/handshake.ts';
import { decodeClientHello, type ClientHello } from '../tls/messages/client-hello.ts';
import { decodeServerHello, type ServerHello } from '../tls/messages/server-hello.ts';
import { decodeRecord, RecordReassembler } from '../tls/record.ts';
import { providerScheme } from '../tls/signature-schemes.ts';
import { tls12CipherSuite, type Tls12CipherSuite } from './cipher-suites.ts';
import { decodeClientKeyExchange, decodeServerKeyExchange, PRE_MASTER_SECRET_LENGTH } from './messages/index.ts';
import { serverKeyExchangeSignedData } from './messages/server-key-exchange.ts';
import { deriveKeyBlock, deriveMasterSecret } from './prf.ts';
import { Tls12Protection } from './record-protection.ts';

/** One unit of the recording: who sent it and its bytes (one or more records, or part of one). */
export interface RecordedRecord {
  from: EndpointRole;
  bytes: Uint8Array;
}

export interface ForwardSecrecyStep {
  /** RFC name of the value (`pre_master_secret`, `master_secret`) or of the step. */
  name: string;
  /** Hex for bytes, text otherwise. */
  value: string;
  /** What it is, and why it follows (or does not) from the recording and the stolen key. */
  note: string;
}

export interface RecoveredPlaintext {
  from: EndpointRole;
  /** The record's sequence number in its direction (RFC 5246 §6.1). */
  seq: number;
  data: Uint8Array;
}

export interface ForwardSecrecyResult {
  version: 'TLS 1.3' | 'TLS 1.2' | null;
  suite: string | null;
  /** ECDHE for TLS 1.3 too: it has no other key exchange without a PSK. */
  keyExchange: 'ECDHE' | 'RSA' | null;
  /** True when the application data was decrypted. */
  recovered: boolean;
  steps: ForwardSecrecyStep[];
  /** The decrypted application data, in recording order (empty unless `recovered`). */
  plaintexts: RecoveredPlaintext[];
}

interface Recorded {
  from: EndpointRole;
  record: Uint8Array;
}

interface HandshakeMessage {
  from: EndpointRole;
  bytes: Uint8Array;
}

const hexStep = (name: string, bytes: Uint8Array, note: string): ForwardSecrecyStep => ({
  name,
  value: toHex(bytes),
  note,
});
const textStep = (name: string, value: string, note: string): ForwardSecrecyStep => ({ name, value, note });

/**
 * Try what a passive attacker can do with a recorded session and the server's long-term private
 * key. Throws DecodeError only when the recording's plaintext part does not decode.
 */
export async function tryStolenServerKey(
  provider: CryptoProvider,
  recording: readonly RecordedRecord[],
  stolenKey: SigningKey,
): Promise<ForwardSecrecyResult> {
  const records = frame(recording);
  const messages = plaintextHandshake(records);
  const chBytes = messages.find((m) => m.from === 'client' && m.bytes[0] === HandshakeType.client_hello);
  const shBytes = messages.find((m) => m.from === 'server' && m.bytes[0] === HandshakeType.server_hello);
  if (!chBytes || !shBytes) {
    return {
      version: null,
      suite: null,
      keyExchange: null,
      recovered: false,
      steps: [
        textStep(
          'recording',
          `${records.length} records`,
          'The recording holds no ClientHello and ServerHello to start from.',
        ),
      ],
      plaintexts: [],
    };
  }
  const ch = decodeClientHello(chBytes.bytes).message;
  const sh = decodeServerHello(shBytes.bytes).message;
  const sv = findExtension(sh.extensions, ExtensionType.supported_versions);
  const selected = sv ? decodeSupportedVersionsServerHello(sv.extensionData) : sh.legacyVersion;
  if (selected === ProtocolVersion.TLS_1_3) return tls13(ch, sh, records);
  const suite = tls12CipherSuite(sh.cipherSuite);
  if (!suite) {
    return {
      version: 'TLS 1.2',
      suite: describeCipherSuite(sh.cipherSuite),
      keyExchange: null,
      recovered: false,
      steps: [
        textStep('cipher_suite', describeCipherSuite(sh.cipherSuite), 'A suite this project does not implement.'),
      ],
      plaintexts: [],
    };
  }
  return suite.keyExchange === 'RSA'
    ? rsaKeyTransport(provider, suite, ch, sh, messages, records, stolenKey)
    : tls12Ecdhe(provider, suite, ch, sh, messages, records, stolenKey);
}

// ---------------------------------------------------------------------------------------------
// Reading the recording

/** Whole records, in recording order, from units that may hold several records or part of one. */
function frame(recording: readonly RecordedRecord[]): Recorded[] {
  const reassemblers: Record<EndpointRole, RecordReassembler> = {
    client: new RecordReassembler(),
    server: new RecordReassembler(),
  };
  const out: Recorded[] = [];
  for (const unit of recording) {
    const r = reassemblers[unit.from];
    r.push(unit.bytes);
    for (let record = r.next(); record; record = r.next()) out.push({ from: unit.from, record });
  }
  return out;
}

/** The handshake messages sent in the clear: each direction's, until its ChangeCipherSpec. */
function plaintextHandshake(records: Recorded[]): HandshakeMessage[] {
  const reassemblers: Record<EndpointRole, HandshakeReassembler> = {
    client: new HandshakeReassembler(),
    server: new HandshakeReassembler(),
  };
  const switched: Record<EndpointRole, boolean> = { client: false, server: false };
  const out: HandshakeMessage[] = [];
  for (const { from, record } of records) {
    const type = record[0];
    if (type === ContentType.change_cipher_spec) switched[from] = true;
    // TLS 1.3 protects its handshake inside application_data records; TLS 1.2 after a ChangeCipherSpec.
    if (type !== ContentType.handshake || switched[from]) continue;
    const r = reassemblers[from];
    r.push(decodeRecord(record).record.fragment);
    for (let m = r.next(); m; m = r.next()) out.push({ from, bytes: m });
  }
  return out;
}

/** Where in the recording each protected record of one direction is: every record after its ChangeCipherSpec. */
function protectedIndexes(records: Recorded[], from: EndpointRole): number[] {
  let switched = false;
  const out: number[] = [];
  records.forEach((r, i) => {
    if (r.from !== from) return;
    if (r.record[0] === ContentType.change_cipher_spec) switched = true;
    else if (switched) out.push(i);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// TLS 1.3: nothing to decrypt with a signing key

function tls13(ch: ClientHello, sh: ServerHello, records: Recorded[]): ForwardSecrecyResult {
  const steps: ForwardSecrecyStep[] = [
    textStep(
      'version',
      'TLS 1.3',
      'TLS 1.3 has no RSA key transport: every full handshake agrees its secret by (EC)DHE (RFC 8446 §4.2.8).',
    ),
  ];
  const cks = findExtension(ch.extensions, ExtensionType.key_share);
  const sks = findExtension(sh.extensions, ExtensionType.key_share);
  if (cks) {
    for (const share of decodeKeyShareClientHello(cks.extensionData)) {
      steps.push(
        hexStep(
          `client_key_share (${describeGroup(share.group)})`,
          share.keyExchange,
          "The client's ephemeral public key, in the clear in the ClientHello. Its private key never left the client.",
        ),
      );
    }
  }
  if (sks) {
    const share = decodeKeyShareServerHello(sks.extensionData);
    steps.push(
      hexStep(
        `server_key_share (${describeGroup(share.group)})`,
        share.keyExchange,
        "The server's ephemeral public key, in the clear in the ServerHello. Its private key was made for this handshake only.",
      ),
    );
  }
  const encrypted = records.filter((r) => r.record[0] === ContentType.application_data).length;
  steps.push(
    textStep(
      'what_the_stolen_key_did',
      'signed CertificateVerify',
      "The server's certificate key signed the handshake transcript (RFC 8446 §4.4.3), inside the encrypted flight. It never encrypted or derived anything.",
    ),
    textStep(
      'shared_secret',
      'not recoverable',
      'The (EC)DHE shared secret needs one of the two ephemeral private keys. Neither was sent, and both were discarded after the handshake: a key stolen later has nothing to work on.',
    ),
    textStep(
      'result',
      `${encrypted} encrypted records stay encrypted`,
      'Forward secrecy: stealing the long-term key exposes no past session.',
    ),
  );
  return {
    version: 'TLS 1.3',
    suite: describeCipherSuite(sh.cipherSuite),
    keyExchange: 'ECDHE',
    recovered: false,
    steps,
    plaintexts: [],
  };
}

// ---------------------------------------------------------------------------------------------
// TLS 1.2 ECDHE: the stolen key only signed

async function tls12Ecdhe(
  provider: CryptoProvider,
  suite: Tls12CipherSuite,
  ch: ClientHello,
  sh: ServerHello,
  messages: HandshakeMessage[],
  records: Recorded[],
  stolenKey: SigningKey,
): Promise<ForwardSecrecyResult> {
  const steps: ForwardSecrecyStep[] = [
    textStep(
      'cipher_suite',
      suite.name,
      'ECDHE: the pre-master secret is agreed by an ephemeral Diffie-Hellman exchange (RFC 8422).',
    ),
  ];
  const skeBytes = messages.find((m) => m.bytes[0] === HandshakeType.server_key_exchange);
  const ckeBytes = messages.find((m) => m.bytes[0] === HandshakeType.client_key_exchange);
  if (skeBytes) {
    const ske = decodeServerKeyExchange(skeBytes.bytes).message;
    steps.push(
      hexStep(
        `server_ecdh_public (${describeGroup(ske.params.namedCurve)})`,
        ske.params.publicKey,
        "The server's ephemeral public key, in the clear in ServerKeyExchange. Its private key was made for this handshake and discarded.",
      ),
    );
    const scheme = providerScheme(ske.signedParams.algorithm);
    const signedBy =
      scheme !== undefined &&
      (await provider.verify(
        scheme,
        stolenKey.spki,
        serverKeyExchangeSignedData(ch.random, sh.random, ske.params),
        ske.signedParams.signature,
      ));
    steps.push(
      textStep(
        'what_the_stolen_key_did',
        signedBy
          ? `signed the ServerKeyExchange (${describeSignatureScheme(ske.signedParams.algorithm)}): verified with the stolen key`
          : 'its signature does not verify with the stolen key: it is not this server’s key',
        'The certificate key only signed the ECDH parameters and both randoms (RFC 8422 §5.4), proving who the server was. A signature reveals nothing about the shared secret.',
      ),
    );
  }
  if (ckeBytes) {
    const cke = decodeClientKeyExchange(ckeBytes.bytes, 'ECDHE').message;
    if (cke.keyExchange === 'ECDHE') {
      steps.push(
        hexStep(
          'client_ecdh_public',
          cke.ecdhYc,
          "The client's ephemeral public key, in the clear in ClientKeyExchange. Its private key never left the client.",
        ),
      );
    }
  }
  const encrypted = protectedIndexes(records, 'client').length + protectedIndexes(records, 'server').length;
  steps.push(
    textStep(
      'pre_master_secret',
      'not recoverable',
      'The pre-master secret is the ECDH shared secret (RFC 8422 §5.10): it needs one of the two ephemeral private keys, which were never sent and are gone. The stolen key has nothing to decrypt.',
    ),
    textStep(
      'result',
      `${encrypted} encrypted records stay encrypted`,
      'Forward secrecy: stealing the long-term key exposes no past session.',
    ),
  );
  return { version: 'TLS 1.2', suite: suite.name, keyExchange: 'ECDHE', recovered: false, steps, plaintexts: [] };
}

// ---------------------------------------------------------------------------------------------
// TLS 1.2 RSA key transport: the stolen key opens everything

async function rsaKeyTransport(
  provider: CryptoProvider,
  suite: Tls12CipherSuite,
  ch: ClientHello,
  sh: ServerHello,
  messages: HandshakeMessage[],
  records: Recorded[],
  stolenKey: SigningKey,
): Promise<ForwardSecrecyResult> {
  const result: ForwardSecrecyResult = {
    version: 'TLS 1.2',
    suite: suite.name,
    keyExchange: 'RSA',
    recovered: false,
    steps: [
      textStep(
        'cipher_suite',
        suite.name,
        "RSA key transport: the client encrypted the pre-master secret to the server certificate's public key (RFC 5246 §7.4.7.1).",
      ),
    ],
    plaintexts: [],
  };
  const steps = result.steps;
  const ckeIndex = messages.findIndex((m) => m.bytes[0] === HandshakeType.client_key_exchange);
  if (ckeIndex < 0) {
    steps.push(textStep('client_key_exchange', 'missing', 'The recording ends before the ClientKeyExchange.'));
    return result;
  }
  const cke = decodeClientKeyExchange(messages[ckeIndex].bytes, 'RSA').message;
  if (cke.keyExchange !== 'RSA') throw new DecodeError('not an RSA ClientKeyExchange', 4, 'exchange_keys');
  steps.push(
    hexStep(
      'encrypted_pre_master_secret',
      cke.encryptedPreMasterSecret,
      'From the recorded ClientKeyExchange: RSAES-PKCS1-v1_5 ciphertext under the server certificate key.',
    ),
  );
  if (stolenKey.kind !== 'rsa') {
    steps.push(
      textStep('pre_master_secret', 'not recoverable', 'The stolen key is not an RSA key: it cannot decrypt this.'),
    );
    return result;
  }
  const pms = await provider.rsaDecryptPkcs1(stolenKey, cke.encryptedPreMasterSecret);
  if (!pms || pms.length !== PRE_MASTER_SECRET_LENGTH) {
    steps.push(
      textStep(
        'pre_master_secret',
        'not recoverable',
        'The stolen key does not decrypt it: it is not the key of the certificate the client encrypted to.',
      ),
    );
    return result;
  }
  steps.push(
    hexStep(
      'pre_master_secret',
      pms,
      'Decrypted with the stolen private key: 2 bytes of client_version, then the 46 random bytes the client chose. This is the step forward secrecy forbids.',
    ),
  );
  const ems =
    findExtension(ch.extensions, ExtensionType.extended_master_secret) !== undefined &&
    findExtension(sh.extensions, ExtensionType.extended_master_secret) !== undefined;
  let sessionHash: Uint8Array | undefined;
  if (ems) {
    // RFC 7627 §3: the hash of every handshake message up to and including ClientKeyExchange — all recorded in the clear.
    // A full handshake's order is fixed (RFC 5246 §7.3): ClientHello, the server's whole first
    // flight, then the client's. Rebuilding it so does not depend on how the two directions of
    // the recording interleave.
    const clientFlight = messages.filter((m) => m.from === 'client');
    const transcript = [
      clientFlight[0],
      ...messages.filter((m) => m.from === 'server'),
      ...clientFlight.slice(1, clientFlight.indexOf(messages[ckeIndex]) + 1),
    ];
    sessionHash = await provider.digest(suite.prfHash, concat(...transcript.map((m) => m.bytes)));
    steps.push(
      hexStep(
        'session_hash',
        sessionHash,
        `Extended master secret (RFC 7627): ${suite.prfHash} of the recorded handshake messages ClientHello..ClientKeyExchange, all sent in the clear. It binds the keys to the handshake, not to secrecy.`,
      ),
    );
  }
  const randoms = { clientRandom: ch.random, serverRandom: sh.random };
  const m = await deriveMasterSecret(provider, suite, pms, randoms, sessionHash);
  steps.push(
    hexStep(
      'master_secret',
      m.master_secret,
      `PRF(pre_master_secret, "${m.label}", ${ems ? 'session_hash' : 'client_random + server_random'}) (RFC 5246 §8.1${ems ? ', RFC 7627 §4' : ''}).`,
    ),
    textStep(
      'keylog',
      `CLIENT_RANDOM ${toHex(ch.random)} ${toHex(m.master_secret)}`,
      'The NSS key log line with which Wireshark decrypts the recording.',
    ),
  );
  const kb = await deriveKeyBlock(provider, suite, m.master_secret, randoms);
  steps.push(
    hexStep(
      'key_block',
      kb.key_block,
      'PRF(master_secret, "key expansion", server_random + client_random) (RFC 5246 §6.3).',
    ),
    hexStep('client_write_key', kb.client_write_key, 'Protects what the client sent.'),
    hexStep('server_write_key', kb.server_write_key, 'Protects what the server sent.'),
    hexStep('client_write_IV', kb.client_write_IV, 'The GCM salt of the client direction (RFC 5288 §3).'),
    hexStep('server_write_IV', kb.server_write_IV, 'The GCM salt of the server direction.'),
  );
  let failed = 0;
  const found: { at: number; plaintext: RecoveredPlaintext }[] = [];
  for (const from of ['client', 'server'] as const) {
    const protection = new Tls12Protection(
      provider,
      suite,
      `${from}_write_key`,
      kb[`${from}_write_key`],
      kb[`${from}_write_IV`],
    );
    for (const at of protectedIndexes(records, from)) {
      const record = records[at].record;
      const opened = await protection.open(record);
      if (!opened.ok) {
        failed++;
        steps.push(
          textStep(
            `${from}_record_${opened.seq}`,
            'does not open',
            'This record does not authenticate under the recovered keys.',
          ),
        );
        continue;
      }
      if (record[0] === ContentType.application_data) {
        found.push({ at, plaintext: { from, seq: Number(opened.seq), data: opened.content } });
      } else if (record[0] === ContentType.handshake && opened.content[0] === HandshakeType.finished) {
        steps.push(
          hexStep(`${from}_finished`, opened.content.subarray(4), `The ${from}'s Finished verify_data, decrypted.`),
        );
      }
    }
  }
  // In recording order, the two directions interleaved as they were on the wire.
  result.plaintexts = found.sort((a, b) => a.at - b.at).map((f) => f.plaintext);
  result.recovered = failed === 0 && result.plaintexts.length > 0;
  steps.push(
    textStep(
      'result',
      `${result.plaintexts.length} application data records decrypted${failed ? `, ${failed} did not open` : ''}`,
      'No forward secrecy: whoever obtains the server key, at any time, reads every recorded session that used it.',
    ),
  );
  return result;
}

/**
 * Forward secrecy, shown, over a trace: the passive attacker's recording is cut from the trace's
 * TCP segments, the server certificate's private key (kept beside the trace by
 * runScenarioKeepingKeys, never in it) is "stolen", and tryStolenServerKey
 * (src/protocol/tls12/forward-secrecy.ts) does what that attacker can do with the two.
 *
 * The answer is plain data for the UI: each step has a `kind` that names its explanation
 * (`src/content/<lang>/fs/<kind>.md`) and carries its value as bytes (hex) or as protocol
 * identifiers (suite, group, signature scheme), never as English sentences, so that every language
 * says it in its own words. The protocol layer's English note rides along as a fallback.
 *
 * The recording is what a passive observer on the server's side of the wire keeps: every TCP
 * payload to and from the server, first transmissions only, from the first TLS record of each
 * direction on (after STARTTLS, RFC 3207 §4, the TLS bytes start right after the 220 reply). A
 * run with several connections (a retry after greylisting) is judged on the last one that carried
 * TLS: that is the session that delivered.
 */
import { fixedEntropy } from '../crypto/entropy.ts';
import { createWebCryptoProvider } from '../crypto/webcrypto-provider.ts';
import { DecodeError } from '../protocol/bytes/errors.ts';
import { fromHex, toHex, utf8Decode } from '../protocol/bytes/hex.ts';
import type { CryptoProvider, SigningKey } from '../protocol/crypto-provider.ts';
import type { EndpointRole } from '../protocol/engine.ts';
import { tryStolenServerKey, type ForwardSecrecyResult, type RecordedRecord } from '../protocol/tls12/forward-secrecy.ts';
import type { Trace } from '../trace/types.ts';

/** The explanation each step points at: `fs/<kind>`. */
export const THEFT_STEP_KINDS = [
  'no-tls',
  'no-hello',
  'unsupported-suite',
  'rsa-suite',
  'missing-client-key-exchange',
  'encrypted-pre-master-secret',
  'pre-master-secret',
  'wrong-key',
  'session-hash',
  'master-secret',
  'keylog',
  'key-block',
  'write-key',
  'write-iv',
  'finished',
  'record-failed',
  'recovered',
  'ecdhe-suite',
  'server-public',
  'signed',
  'not-signed',
  'client-public',
  'no-pre-master-secret',
  'tls13',
  'key-share',
  'signed-certificate-verify',
  'no-shared-secret',
  'kept',
  'other',
] as const;
export type TheftStepKind = (typeof THEFT_STEP_KINDS)[number];

export interface TheftStep {
  kind: TheftStepKind;
  /** The RFC name of the value or step as the protocol layer gave it (`pre_master_secret`). */
  name: string;
  /** Whose value it is, when the step is one side's (`client_write_key`, a key share). */
  party?: EndpointRole;
  /** The value, when it is bytes. */
  hex?: string;
  /** The value, when it is an identifier or a line that reads the same in every language (a suite, a key log line). */
  text?: string;
  group?: string;
  /** The signature scheme the stolen key signed with. */
  scheme?: string;
  /** Records decrypted, or left encrypted. */
  count?: number;
  /** The record's sequence number, for a record that did not open. */
  seq?: number;
  /** The protocol layer's English explanation: shown only where no explanation file exists. */
  note: string;
}

export interface RecoveredMessage {
  from: EndpointRole;
  /** The record's sequence number in its direction (RFC 5246 §6.1). */
  seq: number;
  hex: string;
  /** The bytes read as UTF-8 (the lab's application data is text: HTTP, SMTP). */
  text: string;
  /** Id of the trace step that sent exactly these bytes, when one did: the proof that the theft read the real traffic. */
  matches?: string;
}

export interface TheftReport {
  version: 'TLS 1.3' | 'TLS 1.2' | null;
  suite: string | null;
  keyExchange: 'ECDHE' | 'RSA' | null;
  /** True when application data was decrypted. */
  recovered: boolean;
  steps: TheftStep[];
  plaintexts: RecoveredMessage[];
  /** What the attacker recorded: TLS records, in TCP payloads. */
  recording: { connection: number | null; segments: number; bytes: number };
}

/** What a passive observer beside the server recorded of the trace's TLS (see the file comment). */
export function recordingOf(trace: Trace): { connection: number | null; units: RecordedRecord[] } {
  const candidates = trace.segments.filter((s) => s.hex.length > 0 && !s.retransmission && (s.from === 'server' || s.to === 'server'));
  const connections = [...new Set(candidates.map((s) => s.connection))].sort((a, b) => a - b);
  for (const connection of connections.reverse()) {
    const started: Record<EndpointRole, boolean> = { client: false, server: false };
    const units: RecordedRecord[] = [];
    for (const s of candidates) {
      if (s.connection !== connection) continue;
      const from: EndpointRole = s.direction === 'c2s' ? 'client' : 'server';
      const bytes = fromHex(s.hex);
      // A TLS record starts with its content type, 20..23 (RFC 8446 §5.1); an SMTP line with a letter or digit.
      if (!started[from] && bytes[0] >= 0x14 && bytes[0] <= 0x17) started[from] = true;
      if (started[from]) units.push({ from, bytes });
    }
    if (units.length) return { connection, units };
  }
  return { connection: null, units: [] };
}

/**
 * Steal `serverKey` after the session and try it on the trace's recording. The provider is the
 * attacker's: it draws no random value (a draw would throw), it only decrypts and derives.
 */
export async function stealServerKey(
  trace: Trace,
  serverKey: SigningKey,
  provider: CryptoProvider = createWebCryptoProvider({ entropy: fixedEntropy([]) }),
): Promise<TheftReport> {
  const { connection, units } = recordingOf(trace);
  const recording = { connection, segments: units.length, bytes: units.reduce((n, u) => n + u.bytes.length, 0) };
  if (!units.length) {
    return {
      version: null,
      suite: null,
      keyExchange: null,
      recovered: false,
      steps: [{ kind: 'no-tls', name: 'recording', count: 0, note: 'No TLS was recorded: this run sent nothing encrypted to decrypt.' }],
      plaintexts: [],
      recording,
    };
  }
  let result: ForwardSecrecyResult;
  try {
    result = await tryStolenServerKey(provider, units, serverKey);
  } catch (e) {
    // The recording's plaintext part does not decode (a run an attacker rewrote): nothing to start from.
    if (!(e instanceof DecodeError)) throw e;
    return {
      version: null,
      suite: null,
      keyExchange: null,
      recovered: false,
      steps: [{ kind: 'no-hello', name: 'recording', text: e.message, note: e.message }],
      plaintexts: [],
      recording,
    };
  }
  const plaintexts = result.plaintexts.map((p): RecoveredMessage => {
    const hex = toHex(p.data);
    const match = trace.steps.find((s) => s.kind === 'message' && s.from === p.from && s.protection === 'application' && s.content.hex === hex);
    return { from: p.from, seq: p.seq, hex, text: utf8Decode(p.data), ...(match ? { matches: match.id } : {}) };
  });
  return {
    version: result.version,
    suite: result.suite,
    keyExchange: result.keyExchange,
    recovered: result.recovered,
    steps: result.steps.map((s) => stepOf(s, result)),
    plaintexts,
    recording,
  };
}

const HEX = /^(?:[0-9a-f]{2})+$/;
const PARTY_VALUE = /^(client|server)_(write_key|write_IV|finished)$/;

/** The protocol layer's step, named for its explanation and stripped of English. */
function stepOf(s: ForwardSecrecyResult['steps'][number], result: ForwardSecrecyResult): TheftStep {
  const base = { name: s.name, note: s.note };
  const hex = HEX.test(s.value) ? { hex: s.value } : {};
  const share = /^(client|server)_key_share \((.+)\)$/.exec(s.name);
  if (share) return { ...base, kind: 'key-share', party: share[1] as EndpointRole, group: share[2], ...hex };
  const ecdhPublic = /^server_ecdh_public \((.+)\)$/.exec(s.name);
  if (ecdhPublic) return { ...base, kind: 'server-public', party: 'server', group: ecdhPublic[1], ...hex };
  const record = /^(client|server)_record_(\d+)$/.exec(s.name);
  if (record) return { ...base, kind: 'record-failed', party: record[1] as EndpointRole, seq: Number(record[2]) };
  const sided = PARTY_VALUE.exec(s.name);
  if (sided) {
    const kind = sided[2] === 'write_key' ? 'write-key' : sided[2] === 'write_IV' ? 'write-iv' : 'finished';
    return { ...base, kind, party: sided[1] as EndpointRole, ...hex };
  }
  switch (s.name) {
    case 'recording':
      return { ...base, kind: 'no-hello' };
    case 'version':
      return { ...base, kind: 'tls13', text: s.value };
    case 'cipher_suite':
      return { ...base, kind: result.keyExchange === 'RSA' ? 'rsa-suite' : result.keyExchange === 'ECDHE' ? 'ecdhe-suite' : 'unsupported-suite', text: s.value };
    case 'what_the_stolen_key_did': {
      if (result.version === 'TLS 1.3') return { ...base, kind: 'signed-certificate-verify' };
      const scheme = /\(([^)]+)\)/.exec(s.value)?.[1];
      return { ...base, kind: s.value.startsWith('signed') ? 'signed' : 'not-signed', ...(scheme ? { scheme } : {}) };
    }
    case 'client_ecdh_public':
      return { ...base, kind: 'client-public', party: 'client', ...hex };
    case 'shared_secret':
      return { ...base, kind: 'no-shared-secret' };
    case 'client_key_exchange':
      return { ...base, kind: 'missing-client-key-exchange' };
    case 'encrypted_pre_master_secret':
      return { ...base, kind: 'encrypted-pre-master-secret', party: 'client', ...hex };
    case 'pre_master_secret':
      if (result.keyExchange === 'ECDHE') return { ...base, kind: 'no-pre-master-secret' };
      return hex.hex ? { ...base, kind: 'pre-master-secret', ...hex } : { ...base, kind: 'wrong-key' };
    case 'session_hash':
      return { ...base, kind: 'session-hash', ...hex };
    case 'master_secret':
      return { ...base, kind: 'master-secret', ...hex };
    case 'keylog':
      return { ...base, kind: 'keylog', text: s.value };
    case 'key_block':
      return { ...base, kind: 'key-block', ...hex };
    case 'result':
      return result.keyExchange === 'RSA'
        ? { ...base, kind: 'recovered', count: result.plaintexts.length }
        : { ...base, kind: 'kept', count: Number(/^\d+/.exec(s.value)?.[0] ?? 0) };
    default:
      return { ...base, kind: 'other', ...(hex.hex ? hex : { text: s.value }) };
  }
}

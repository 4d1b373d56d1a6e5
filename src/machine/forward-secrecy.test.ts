/**
 * The forward-secrecy demonstration over whole runs: the run keeps the server's key beside the
 * trace, the recording is cut from the trace's segments, and the theft either reads the traffic
 * (RSA key transport) or recovers nothing, with the reason (ECDHE in TLS 1.2, and TLS 1.3).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bundleFromFiles } from '../content/index.ts';
import enFiles from '../content/en/index.ts';
import zhFiles from '../content/zh-CN/index.ts';
import { fromHex, toHex, utf8Encode } from '../protocol/bytes/hex.ts';
import type { CalcStep, MessageStep, Trace } from '../trace/types.ts';
import { recordingOf, stealServerKey, THEFT_STEP_KINDS, type TheftReport } from './forward-secrecy.ts';
import { runScenarioKeepingKeys, type RunRequest } from './run-scenario.ts';

// The application of a TLS-only run, as src/machine/assemble-tls.ts sends it (HTTP, one exchange).
const REQUEST = 'HEAD / HTTP/1.1\r\nHost: mail.example.test\r\n\r\n';
const RESPONSE = 'HTTP/1.1 204 No Content\r\nServer: Handshake Lab\r\n\r\n';

async function steal(request: RunRequest): Promise<{ trace: Trace; report: TheftReport }> {
  const { trace, keys } = await runScenarioKeepingKeys(request);
  expect(keys.serverKey, 'the run keeps the server key beside the trace').toBeDefined();
  return { trace, report: await stealServerKey(trace, keys.serverKey!) };
}

const messages = (trace: Trace) => trace.steps.filter((s): s is MessageStep => s.kind === 'message');
/** A value the client's engine computed during the run (its own calculation, not the theft's). */
function clientValue(trace: Trace, calc: string, name: string): string | undefined {
  const step = trace.steps.find((s): s is CalcStep => s.kind === 'calc' && s.party === 'client' && s.name === calc && s.values.some((v) => v.name === name));
  return step?.values.find((v) => v.name === name)?.value;
}
const stepOf = (report: TheftReport, kind: string) => report.steps.find((s) => s.kind === kind);

describe('the trace keeps no private key', () => {
  it('runScenarioKeepingKeys returns the server key beside the trace, and the trace does not contain it', async () => {
    const { trace, keys } = await runScenarioKeepingKeys({ scenario: 'tls12-rsa', options: { seed: '0f' } });
    expect(keys.serverKey?.kind).toBe('rsa');
    const json = JSON.stringify(trace);
    expect(json).not.toContain(toHex(keys.serverKey!.pkcs8));
    // The public half is on the wire, in the Certificate: it is the same key pair.
    const certificate = messages(trace).find((m) => m.name === 'Certificate')!;
    expect(certificate.content.hex).toContain(toHex(keys.serverKey!.spki).slice(-128));
  });

  it('keeps nothing for a run without TLS', async () => {
    const { keys } = await runScenarioKeepingKeys({ scenario: 'smtp-plain', options: { seed: '0f' } });
    expect(keys.serverKey).toBeUndefined();
  });
});

describe('RSA key transport: the stolen key reads the recorded session', () => {
  it('recovers the request and the response byte for byte, in wire order, each matching the step that sent it', async () => {
    const { trace, report } = await steal({ scenario: 'tls12-rsa', options: { seed: '0f' } });
    expect(report).toMatchObject({ version: 'TLS 1.2', suite: 'TLS_RSA_WITH_AES_128_GCM_SHA256', keyExchange: 'RSA', recovered: true });
    expect(report.plaintexts.map((p) => [p.from, p.hex])).toEqual([
      ['client', toHex(utf8Encode(REQUEST))],
      ['server', toHex(utf8Encode(RESPONSE))],
    ]);
    expect(report.plaintexts.map((p) => p.text)).toEqual([REQUEST, RESPONSE]);
    // The same bytes the endpoints put in their ApplicationData messages.
    const sent = messages(trace).filter((m) => m.name === 'ApplicationData');
    expect(report.plaintexts.map((p) => p.matches)).toEqual(sent.map((m) => m.id));
    expect(report.plaintexts.map((p) => p.hex)).toEqual(sent.map((m) => m.content.hex));
  });

  it('walks from the ClientKeyExchange to the keys, each value the one the client itself computed', async () => {
    const { trace, report } = await steal({ scenario: 'tls12-rsa', options: { seed: '0f' } });
    expect(report.steps.map((s) => s.kind)).toEqual([
      'rsa-suite',
      'encrypted-pre-master-secret',
      'pre-master-secret',
      'session-hash',
      'master-secret',
      'keylog',
      'key-block',
      'write-key',
      'write-key',
      'write-iv',
      'write-iv',
      'finished',
      'finished',
      'recovered',
    ]);
    const cke = messages(trace).find((m) => m.name === 'ClientKeyExchange')!;
    // ClientKeyExchange: 4 bytes of handshake header, 2 of length, then the RSA ciphertext (RFC 5246 §7.4.7.1).
    expect(cke.content.hex.slice(12)).toBe(stepOf(report, 'encrypted-pre-master-secret')!.hex);
    expect(stepOf(report, 'pre-master-secret')!.hex).toBe(clientValue(trace, 'premaster', 'pre_master_secret'));
    expect(stepOf(report, 'master-secret')!.hex).toBe(clientValue(trace, 'prf', 'master_secret'));
    expect(stepOf(report, 'session-hash')!.hex).toBe(clientValue(trace, 'prf', 'session_hash'));
    expect(stepOf(report, 'key-block')!.hex).toBe(clientValue(trace, 'key-schedule', 'key_block'));
    const writeKeys = report.steps.filter((s) => s.kind === 'write-key');
    expect(writeKeys.map((s) => [s.party, s.hex])).toEqual([
      ['client', clientValue(trace, 'key-schedule', 'client_write_key')],
      ['server', clientValue(trace, 'key-schedule', 'server_write_key')],
    ]);
    expect(stepOf(report, 'keylog')!.text).toBe(`CLIENT_RANDOM ${trace.keylog[0].clientRandom} ${trace.keylog[0].secret}`);
    expect(stepOf(report, 'recovered')!.count).toBe(2);
    // A pre-master secret starts with the client_version the client offered: TLS 1.2, 03 03 (RFC 5246 §7.4.7.1).
    expect(stepOf(report, 'pre-master-secret')!.hex!.slice(0, 4)).toBe('0303');
  });
});

describe('ECDHE and TLS 1.3: the same theft recovers nothing', () => {
  it('TLS 1.2 ECDHE: the key only signed the ServerKeyExchange; the pre-master secret needs an ephemeral private key', async () => {
    const { trace, report } = await steal({ scenario: 'tls12', options: { seed: '0f' } });
    expect(report).toMatchObject({ version: 'TLS 1.2', keyExchange: 'ECDHE', recovered: false, plaintexts: [] });
    expect(report.steps.map((s) => s.kind)).toEqual(['ecdhe-suite', 'server-public', 'signed', 'client-public', 'no-pre-master-secret', 'kept']);
    expect(stepOf(report, 'signed')!.scheme).toMatch(/^(ecdsa|rsa)_/);
    expect(stepOf(report, 'no-pre-master-secret')!.note).toMatch(/never sent/);
    // The public keys it shows are the ones on the wire, and the records it left alone are all the protected ones.
    const ske = messages(trace).find((m) => m.name === 'ServerKeyExchange')!;
    expect(ske.content.hex).toContain(stepOf(report, 'server-public')!.hex);
    const protectedRecords = messages(trace).filter((m) => m.layer === 'tls' && m.protection !== 'plaintext').length;
    expect(stepOf(report, 'kept')!.count).toBe(protectedRecords);
  });

  it('TLS 1.3: only the key shares are in the clear, the key only signed CertificateVerify', async () => {
    const { trace, report } = await steal({ scenario: 'tls13', options: { seed: '0f' } });
    expect(report).toMatchObject({ version: 'TLS 1.3', keyExchange: 'ECDHE', recovered: false, plaintexts: [] });
    expect(report.steps.map((s) => [s.kind, s.party ?? null])).toEqual([
      ['tls13', null],
      ['key-share', 'client'],
      ['key-share', 'server'],
      ['signed-certificate-verify', null],
      ['no-shared-secret', null],
      ['kept', null],
    ]);
    const ch = messages(trace).find((m) => m.name === 'ClientHello')!;
    expect(ch.content.hex).toContain(report.steps[1].hex);
    expect(report.steps[1].group).toBe('x25519');
  });

  for (const tls of ['1.3', '1.2'] as const) {
    it(`smtp-starttls over TLS ${tls}: the recording starts at the ClientHello after STARTTLS, and nothing is recovered`, async () => {
      const { trace, report } = await steal({ scenario: 'smtp-starttls', options: { seed: '0f', tls } });
      const { units } = recordingOf(trace);
      const clientHello = messages(trace).find((m) => m.name === 'ClientHello')!;
      expect(toHex(units[0].bytes)).toBe(clientHello.record!.hex);
      expect(units.every((u) => u.bytes[0] >= 0x14 && u.bytes[0] <= 0x17)).toBe(true);
      expect(report).toMatchObject({ version: `TLS ${tls}`, keyExchange: 'ECDHE', recovered: false, plaintexts: [] });
      expect(report.steps.at(-1)!.kind).toBe('kept');
    });
  }
});

describe('what the recording holds', () => {
  it('a run without TLS gives nothing to decrypt, and says so', async () => {
    const { trace } = await runScenarioKeepingKeys({ scenario: 'smtp-plain', options: { seed: '0f' } });
    const { keys } = await runScenarioKeepingKeys({ scenario: 'tls12-rsa', options: { seed: '0f' } });
    const report = await stealServerKey(trace, keys.serverKey!);
    expect(report).toMatchObject({ version: null, recovered: false, plaintexts: [], recording: { segments: 0, connection: null } });
    expect(report.steps.map((s) => s.kind)).toEqual(['no-tls']);
  });

  it('a retried delivery is judged on its last connection, the one that delivered', async () => {
    const { trace } = await runScenarioKeepingKeys({ scenario: 'smtp-starttls', faults: ['greylisted'], options: { seed: '0f' } });
    expect(new Set(trace.segments.map((s) => s.connection)).size).toBe(2);
    expect(recordingOf(trace).connection).toBe(1);
  });

  it('with an attacker on the path, the recording is the server side of the wire', async () => {
    const { trace } = await runScenarioKeepingKeys({ scenario: 'tls12', faults: ['tamper-record'], options: { seed: '0f' } });
    const { units } = recordingOf(trace);
    const serverSide = trace.segments.filter((s) => s.hex && (s.from === 'server' || s.to === 'server'));
    expect(units.map((u) => toHex(u.bytes))).toEqual(serverSide.map((s) => s.hex));
    expect(units.length).toBeLessThan(trace.segments.filter((s) => s.hex).length);
  });

  it('a recording with bytes changed anywhere yields a report, never an exception (property)', async () => {
    const { trace, keys } = await runScenarioKeepingKeys({ scenario: 'tls12-rsa', options: { seed: '0f' } });
    const carrying = trace.segments.flatMap((s, i) => (s.hex ? [i] : []));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...carrying),
        fc.nat(),
        fc.uint8Array({ minLength: 1, maxLength: 8 }),
        fc.boolean(),
        async (segment, at, bytes, truncate) => {
          const changed = structuredClone(trace);
          const original = fromHex(changed.segments[segment].hex);
          const offset = at % original.length;
          const next = truncate ? original.slice(0, offset) : Uint8Array.from(original);
          if (!truncate) next.set(bytes.subarray(0, next.length - offset), offset);
          changed.segments[segment].hex = toHex(next);
          const report = await stealServerKey(changed, keys.serverKey!);
          expect(THEFT_STEP_KINDS).toEqual(expect.arrayContaining(report.steps.map((s) => s.kind)));
          // Whatever it decrypted is authenticated: the bytes some step really sent.
          for (const p of report.plaintexts) expect(p.matches).toBeDefined();
        },
      ),
      { numRuns: 40 },
    );
  }, 60_000);

  it('every step kind has its explanation, fs/<kind>, in English and Chinese (the UI looks each one up)', () => {
    for (const bundle of [bundleFromFiles('en', enFiles), bundleFromFiles('zh-CN', zhFiles)]) {
      const missing = THEFT_STEP_KINDS.filter((k) => k !== 'other' && !bundle.doc(`fs/${k}`)).map((k) => `${bundle.lang}: fs/${k}.md`);
      expect(missing).toEqual([]);
    }
  });
});

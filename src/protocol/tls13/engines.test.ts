/**
 * The client engine against the server engine, in memory: every suite, group and key type, the
 * HelloRetryRequest path, client authentication, key updates, records split and merged, and each
 * failure the fault catalogue needs, with the alert RFC 8446 §6.2 names for it.
 */
import { describe, expect, it } from 'vitest';
import { createWebCryptoProvider } from '../../crypto/webcrypto-provider.ts';
import { freshEntropy } from '../../crypto/entropy.ts';
import { concat, toHex, utf8Encode } from '../bytes/hex.ts';
import type { EngineOutput } from '../engine.ts';
import { testCertificate } from '../../../test/support/tls-certs.ts';
import { eventsOf, failureOf, pump, runPair, statesOf } from '../../../test/support/tls13-pair.ts';
import { expiredVerifier, trustingVerifier } from '../../../test/support/trusting-verifier.ts';
import { encodeRecord } from '../tls/record.ts';
import { encodeServerHello } from '../tls/messages/server-hello.ts';
import { encodeFinished } from '../tls/messages/finished.ts';
import { Tls13Client } from './client.ts';
import type { Tls13ClientConfig, Tls13ServerConfig } from './config.ts';
import { Tls13Server } from './server.ts';

const provider = createWebCryptoProvider({ entropy: freshEntropy() });
const ecdsa = () => testCertificate('ecdsa-p256');
const rsa = () => testCertificate('rsa');

function makeClient(config: Partial<Tls13ClientConfig> = {}): Tls13Client {
  return new Tls13Client({ provider, verifyServerCertificate: trustingVerifier, serverName: 'localhost', ...config });
}

function makeServer(config: Partial<Tls13ServerConfig> = {}, cert = ecdsa()): Tls13Server {
  return new Tls13Server({ provider, certificateChain: [cert.der], signingKey: cert.signingKey, ...config });
}

const CLIENT_STATES = ['WAIT_SH', 'WAIT_EE', 'WAIT_CERT_CR', 'WAIT_CV', 'WAIT_FINISHED', 'CONNECTED'];
const SERVER_STATES = ['RECVD_CH', 'NEGOTIATED', 'WAIT_FLIGHT2', 'WAIT_FINISHED', 'CONNECTED'];

function established(outputs: EngineOutput[]) {
  return eventsOf(outputs).find((e) => e.type === 'tls-established');
}

async function exchangeData(client: Tls13Client, server: Tls13Server, log: Awaited<ReturnType<typeof runPair>>) {
  await pump(
    client,
    server,
    await client.sendApplicationData(utf8Encode('EHLO client.example\r\n'), []),
    'client',
    log,
  );
  await pump(client, server, await server.sendApplicationData(utf8Encode('250 server.example\r\n'), []), 'server', log);
  const data = (outputs: EngineOutput[]) =>
    eventsOf(outputs).flatMap((e) => (e.type === 'app-data' ? [Buffer.from(e.data).toString()] : []));
  return { atServer: data(log.server), atClient: data(log.client) };
}

describe('client and server engines complete the handshake', () => {
  const suites = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384'] as const;
  const groups = ['x25519', 'secp256r1'] as const;
  const keys = ['ecdsa-p256', 'rsa'] as const;
  for (const suite of suites) {
    for (const group of groups) {
      for (const key of keys) {
        it(`${suite} over ${group} with a ${key} certificate, and exchange application data`, async () => {
          const cert = key === 'rsa' ? rsa() : ecdsa();
          const client = makeClient({ cipherSuites: [suite], groups: [group] });
          const server = makeServer({ cipherSuites: [suite], groups: [group] }, cert);
          const log = await runPair(client, server);
          expect(failureOf(log.client)).toBeUndefined();
          expect(failureOf(log.server)).toBeUndefined();
          expect(statesOf(log.client)).toEqual(CLIENT_STATES);
          expect(statesOf(log.server)).toEqual(SERVER_STATES);
          expect(established(log.client)).toEqual({ type: 'tls-established', version: 'TLS 1.3', suite, group });
          expect(established(log.server)).toEqual({ type: 'tls-established', version: 'TLS 1.3', suite, group });
          const cv = log.wire.flatMap((w) => w.unit.messages).find((m) => m.name === 'CertificateVerify')!;
          expect(cv.label).toBe(
            key === 'rsa' ? 'CertificateVerify (rsa_pss_rsae_sha256)' : 'CertificateVerify (ecdsa_secp256r1_sha256)',
          );
          expect(await exchangeData(client, server, log)).toEqual({
            atServer: ['EHLO client.example\r\n'],
            atClient: ['250 server.example\r\n'],
          });
        });
      }
    }
  }

  it('both sides derive the same secrets and the same shared secret', async () => {
    const log = await runPair(makeClient(), makeServer());
    const secrets = (outputs: EngineOutput[]) =>
      eventsOf(outputs).flatMap((e) => (e.type === 'secret' ? [`${e.name} ${toHex(e.value)}`] : []));
    expect(secrets(log.client)).toHaveLength(5);
    expect(secrets(log.client)).toEqual(secrets(log.server));
    const shared = (outputs: EngineOutput[]) =>
      eventsOf(outputs).flatMap((e) =>
        e.type === 'calc' && e.name === 'ecdhe'
          ? e.values.filter((v) => v.name === 'shared_secret').map((v) => v.value)
          : [],
      );
    expect(shared(log.client)).toHaveLength(1);
    expect(shared(log.client)).toEqual(shared(log.server));
  });

  it('in compatibility mode the client sends a 32-byte session id and both send one ChangeCipherSpec', async () => {
    const log = await runPair(makeClient({ middleboxCompatibility: true }), makeServer());
    const ccs = log.wire.filter((w) => w.unit.messages.some((m) => m.name === 'ChangeCipherSpec'));
    expect(ccs.map((w) => [w.from, toHex(w.unit.bytes)])).toEqual([
      ['server', '140303000101'],
      ['client', '140303000101'],
    ]);
    const ch = log.wire[0].unit.messages[0];
    expect(ch.fields.find((f) => f.name === 'legacy_session_id')!.children![0].value).toBe('32');
    expect(eventsOf(log.client).some((e) => e.type === 'note' && e.name === 'tls13.ccs')).toBe(true);
  });

  it('without compatibility mode there is no ChangeCipherSpec and the session id is empty', async () => {
    const log = await runPair(makeClient({ middleboxCompatibility: false }), makeServer());
    expect(log.wire.some((w) => w.unit.messages.some((m) => m.name === 'ChangeCipherSpec'))).toBe(false);
    expect(failureOf(log.client)).toBeUndefined();
  });

  it('sends the first ClientHello with record version 0x0301 and everything else with 0x0303', async () => {
    const log = await runPair(makeClient(), makeServer());
    expect(log.wire.map((w) => toHex(w.unit.bytes.subarray(1, 3)))).toEqual([
      '0301',
      ...log.wire.slice(1).map(() => '0303'),
    ]);
  });

  it('negotiates ALPN and acknowledges server_name and record_size_limit in EncryptedExtensions', async () => {
    const log = await runPair(
      makeClient({ alpn: ['h2', 'smtp'], recordSizeLimit: 4096 }),
      makeServer({ alpn: ['smtp'], recordSizeLimit: 8192 }),
    );
    expect(failureOf(log.client)).toBeUndefined();
    expect(eventsOf(log.client).find((e) => e.type === 'note' && e.name === 'tls.alpn')).toMatchObject({
      text: 'Application protocol: smtp',
    });
    const ee = log.wire.flatMap((w) => w.unit.messages).find((m) => m.name === 'EncryptedExtensions')!;
    expect(
      ee.fields
        .find((f) => f.name === 'extensions')!
        .children!.slice(1)
        .map((f) => [f.name, f.value ?? '']),
    ).toEqual([
      ['server_name', ''],
      ['application_layer_protocol_negotiation', 'smtp'],
      ['record_size_limit', '8192'],
    ]);
  });
});

describe('HelloRetryRequest', () => {
  it('a server that prefers a group the client supports but sent no share for asks for it, then completes', async () => {
    const client = makeClient({
      groups: ['x25519', 'secp256r1'],
      keyShares: ['x25519'],
      middleboxCompatibility: false,
    });
    const server = makeServer({ groups: ['secp256r1', 'x25519'] });
    const log = await runPair(client, server);
    expect(failureOf(log.client)).toBeUndefined();
    expect(statesOf(log.client)).toEqual(['WAIT_SH', 'START', 'WAIT_SH', ...CLIENT_STATES.slice(1)]);
    expect(statesOf(log.server)).toEqual(['RECVD_CH', 'START', ...SERVER_STATES]);
    const labels = log.wire.flatMap((w) => w.unit.messages.map((m) => `${w.from}: ${m.label}`));
    expect(labels.slice(0, 3)).toEqual([
      'client: ClientHello (key share: x25519)',
      'server: HelloRetryRequest (secp256r1)',
      'client: ClientHello (key share: secp256r1)',
    ]);
    // §5.1: only the initial ClientHello may use record version 0x0301.
    expect(toHex(log.wire[2].unit.bytes.subarray(1, 3))).toBe('0303');
    expect(established(log.client)).toMatchObject({ group: 'secp256r1' });
    expect(await exchangeData(client, server, log)).toEqual({
      atServer: ['EHLO client.example\r\n'],
      atClient: ['250 server.example\r\n'],
    });
  });

  it('both transcripts start with message_hash after a HelloRetryRequest', async () => {
    const log = await runPair(makeClient({ keyShares: ['x25519'] }), makeServer({ groups: ['secp256r1', 'x25519'] }));
    for (const outputs of [log.client, log.server]) {
      const first = eventsOf(outputs).find((e) => e.type === 'calc' && e.name === 'transcript-hash');
      expect(first && first.type === 'calc' && first.values[0].value).toMatch(/^message_hash\.\.ServerHello/);
    }
  });

  it('in compatibility mode the client sends its ChangeCipherSpec right after the HelloRetryRequest', async () => {
    const log = await runPair(
      makeClient({ keyShares: ['x25519'], middleboxCompatibility: true }),
      makeServer({ groups: ['secp256r1'] }),
    );
    expect(failureOf(log.client)).toBeUndefined();
    const names = log.wire.map((w) => `${w.from}:${w.unit.messages.map((m) => m.name).join('+')}`);
    expect(names.slice(0, 4)).toEqual([
      'client:ClientHello',
      'server:HelloRetryRequest',
      'server:ChangeCipherSpec',
      'client:ChangeCipherSpec',
    ]);
    expect(names[4]).toBe('client:ClientHello');
    expect(names.filter((n) => n.endsWith('ChangeCipherSpec'))).toHaveLength(2);
  });

  it('a second HelloRetryRequest is an unexpected_message (10)', async () => {
    const client = makeClient({ keyShares: ['x25519'], middleboxCompatibility: false });
    const server = makeServer({ groups: ['secp256r1'] });
    const hrr = (await server.receive((await client.start()).units[0].bytes)).units[0].bytes;
    const ch2 = await client.receive(hrr);
    expect(ch2.units[0].messages[0].label).toBe('ClientHello (key share: secp256r1)');
    const out = await client.receive(hrr);
    expect(out.failure?.alertSent).toEqual({ level: 'fatal', description: 'unexpected_message', code: 10 });
    expect(out.failure?.message).toBe('tls: server sent two HelloRetryRequest messages');
  });
});

describe('failures and their alerts', () => {
  it('no common cipher suite: the server sends handshake_failure (40) in the clear', async () => {
    const log = await runPair(
      makeClient({ cipherSuites: ['TLS_AES_128_GCM_SHA256'] }),
      makeServer({ cipherSuites: ['TLS_AES_256_GCM_SHA384'] }),
    );
    const f = failureOf(log.server)!;
    expect(f).toMatchObject({
      detectedBy: 'server',
      check: 'tls.negotiation.cipher-suite',
      alertSent: { description: 'handshake_failure', code: 40 },
    });
    expect(f.message).toMatch(/^tls: /);
    const alert = log.wire.at(-1)!;
    expect([alert.from, alert.unit.protection, toHex(alert.unit.bytes)]).toEqual([
      'server',
      'plaintext',
      '15030300020228',
    ]);
    expect(failureOf(log.client)?.alertReceived).toEqual({
      level: 'fatal',
      description: 'handshake_failure',
      code: 40,
    });
    expect(statesOf(log.server)).toEqual(['RECVD_CH', 'failed']);
  });

  it('a ClientHello without supported_versions at a TLS 1.3-only server gets protocol_version (70)', async () => {
    const client = makeClient({
      extensionOrder: ['server_name', 'supported_groups', 'signature_algorithms', 'key_share'],
    });
    const log = await runPair(client, makeServer());
    expect(failureOf(log.server)?.alertSent).toEqual({ level: 'fatal', description: 'protocol_version', code: 70 });
    expect(failureOf(log.client)?.alertReceived?.code).toBe(70);
  });

  it('a ClientHello offering only TLS 1.2 in supported_versions gets protocol_version (70)', async () => {
    const log = await runPair(makeClient({ versions: ['TLS 1.2'] }), makeServer());
    expect(failureOf(log.server)).toMatchObject({ check: 'tls.negotiation.version', alertSent: { code: 70 } });
  });

  it('no common group: handshake_failure (40)', async () => {
    const log = await runPair(makeClient({ groups: ['x25519'] }), makeServer({ groups: ['secp256r1'] }));
    expect(failureOf(log.server)).toMatchObject({
      check: 'tls.negotiation.group',
      alertSent: { description: 'handshake_failure', code: 40 },
    });
  });

  it('a flipped byte in the encrypted server flight: the client sends bad_record_mac (20), encrypted', async () => {
    const log = await runPair(makeClient(), makeServer(), (from, bytes) => {
      if (from === 'server' && bytes[0] === 0x17) {
        const tampered = bytes.slice();
        tampered[20] ^= 0x01;
        return tampered;
      }
      return bytes;
    });
    const f = failureOf(log.client)!;
    expect(f).toMatchObject({ check: 'tls.record-mac', alertSent: { description: 'bad_record_mac', code: 20 } });
    const alert = log.wire.at(-1)!;
    expect([alert.from, alert.unit.protection, alert.unit.key]).toEqual([
      'client',
      'handshake',
      'client_handshake_traffic_secret',
    ]);
    expect(alert.unit.messages[0].label).toBe('Alert: bad_record_mac (20)');
    // The server opens the encrypted alert with the client's handshake keys.
    expect(failureOf(log.server)?.alertReceived?.code).toBe(20);
    const received = eventsOf(log.client)
      .filter((e) => e.type === 'received')
      .at(-1);
    expect(received?.type === 'received' && received.units[0].note).toBe('could not be opened: bad_record_mac');
  });

  it('a flipped byte in application data: the server sends bad_record_mac (20) under its application keys', async () => {
    const client = makeClient();
    const server = makeServer();
    const log = await runPair(client, server);
    expect(established(log.client)).toBeDefined();
    const out = await client.sendApplicationData(utf8Encode('QUIT\r\n'), []);
    out.units[0].bytes[10] ^= 0x80;
    await pump(client, server, out, 'client', log);
    expect(failureOf(log.server)).toMatchObject({ alertSent: { code: 20 } });
    expect(log.wire.at(-1)!.unit.key).toBe('server_application_traffic_secret_0');
  });

  it('a server key that does not match its certificate: the client sends decrypt_error (51)', async () => {
    const log = await runPair(
      makeClient(),
      new Tls13Server({
        provider,
        certificateChain: [ecdsa().der],
        signingKey: testCertificate('ecdsa-p256', 'other').signingKey,
      }),
    );
    const f = failureOf(log.client)!;
    expect(f).toMatchObject({
      check: 'tls13.certificate-verify',
      alertSent: { description: 'decrypt_error', code: 51 },
    });
    expect(f.message).toBe('tls: invalid signature by the server certificate');
    const sig = eventsOf(log.client).find((e) => e.type === 'calc' && e.name === 'signature');
    expect(sig?.type === 'calc' && sig.checks?.[0].ok).toBe(false);
  });

  it('a server whose Finished is wrong (corruptFinished quirk): the client sends decrypt_error (51)', async () => {
    const log = await runPair(makeClient(), makeServer({ quirks: { corruptFinished: true } }));
    const f = failureOf(log.client)!;
    expect(f).toMatchObject({ check: 'tls13.finished', alertSent: { description: 'decrypt_error', code: 51 } });
    const [expected, received] = f.compared!;
    expect(expected.name).toBe('expected_verify_data');
    expect(received.name).toBe('received_verify_data');
    expect(
      Buffer.from(expected.value, 'hex')
        .map((b, i) => b ^ Buffer.from(received.value, 'hex')[i])
        .every((x) => x === 0xff),
    ).toBe(true);
    expect(failureOf(log.server)?.alertReceived?.code).toBe(51);
  });

  it("a rejected certificate: the client sends the verifier's alert, certificate_expired (45)", async () => {
    const log = await runPair(makeClient({ verifyServerCertificate: expiredVerifier }), makeServer());
    const f = failureOf(log.client)!;
    expect(f).toMatchObject({ check: 'x509.validity', alertSent: { description: 'certificate_expired', code: 45 } });
    expect(f.message).toBe('tls: failed to verify the server certificate: certificate has expired');
    expect(log.wire.at(-1)!.unit.protection).toBe('handshake');
  });

  it('an unexpected handshake message: unexpected_message (10)', async () => {
    const server = makeServer();
    await server.start();
    const finished = encodeRecord({
      type: 22,
      legacyRecordVersion: 0x0303,
      fragment: encodeFinished({ verifyData: new Uint8Array(32) }),
    });
    const out = await server.receive(finished);
    expect(out.failure).toMatchObject({ check: 'tls.unexpected-message', alertSent: { code: 10 } });
    expect(out.failure!.message).toBe('tls: unexpected Finished in START');
    expect(toHex(out.units[0].bytes)).toBe('1503030002020a');
    expect(out.closed).toBe(true);
  });

  it('a ClientHello that does not decode: decode_error (50)', async () => {
    const record = (await makeClient().start()).units[0].bytes;
    // Drop the last byte but keep the extensions' length: the record and message lengths shrink.
    const broken = record.slice(0, -1);
    broken[4] -= 1;
    broken[8] -= 1;
    const out = await makeServer().receive(broken);
    expect(out.failure).toMatchObject({ check: 'tls.decode', alertSent: { description: 'decode_error', code: 50 } });
    expect(out.failure!.message).toMatch(/^tls: cannot decode a handshake message: .*field extensions/);
  });

  it('a record longer than 2^14 + 256: record_overflow (22)', async () => {
    const out = await makeServer().receive(Uint8Array.from([0x16, 0x03, 0x03, 0x41, 0x01]));
    expect(out.failure?.alertSent?.code).toBe(22);
  });

  it('a TLS 1.2 ServerHello with the downgrade sentinel: illegal_parameter (47)', async () => {
    const client = makeClient();
    await client.start();
    const random = concat(
      new Uint8Array(24).fill(7),
      Uint8Array.from([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01]),
    );
    const sh = encodeServerHello({
      legacyVersion: 0x0303,
      random,
      legacySessionIdEcho: new Uint8Array(0),
      cipherSuite: 0xc02f,
      legacyCompressionMethod: 0,
      extensions: [],
    });
    const out = await client.receive(encodeRecord({ type: 22, legacyRecordVersion: 0x0303, fragment: sh }));
    expect(out.failure).toMatchObject({
      check: 'tls13.downgrade',
      alertSent: { description: 'illegal_parameter', code: 47 },
    });
  });

  it('a TLS 1.2 ServerHello without the sentinel: protocol_version (70)', async () => {
    const client = makeClient();
    await client.start();
    const sh = encodeServerHello({
      legacyVersion: 0x0303,
      random: new Uint8Array(32).fill(9),
      legacySessionIdEcho: new Uint8Array(0),
      cipherSuite: 0xc02f,
      legacyCompressionMethod: 0,
      extensions: [],
    });
    const out = await client.receive(encodeRecord({ type: 22, legacyRecordVersion: 0x0303, fragment: sh }));
    expect(out.failure).toMatchObject({ check: 'tls.negotiation.version', alertSent: { code: 70 } });
  });

  it('no common ALPN protocol: no_application_protocol (120)', async () => {
    const log = await runPair(makeClient({ alpn: ['h2'] }), makeServer({ alpn: ['smtp'] }));
    expect(failureOf(log.server)?.alertSent?.code).toBe(120);
  });

  it('a timeout reports a failure and sends nothing', async () => {
    const client = makeClient({ handshakeTimeoutMs: 10_000 });
    const start = await client.start();
    expect(start.events[0]).toEqual({ type: 'timer', name: 'tls13.handshake', ms: 10_000 });
    const out = await client.timeout('tls13.handshake');
    expect(out.units).toEqual([]);
    expect(out.failure).toMatchObject({ check: 'tls.timeout', detectedBy: 'client' });
    expect(out.failure!.message).toBe('tls: timer tls13.handshake expired while waiting in WAIT_SH');
    expect(out.closed).toBe(true);
  });

  it('the transport closing mid-handshake reports a failure and sends nothing', async () => {
    const client = makeClient();
    await client.start();
    const out = await client.transportClosed(true);
    expect(out.units).toEqual([]);
    expect(out.failure?.message).toBe('tls: connection reset by the peer during the handshake (in WAIT_SH)');
  });

  it('a fatal alert from the peer stops the engine without an answer', async () => {
    const client = makeClient();
    await client.start();
    const out = await client.receive(Uint8Array.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]));
    expect(out.units).toEqual([]);
    expect(out.failure).toMatchObject({
      check: 'tls.alert',
      alertReceived: { description: 'handshake_failure', code: 40 },
    });
    expect(statesOf([out])).toEqual(['failed']);
    expect(await client.receive(new Uint8Array([1, 2, 3]))).toEqual({ units: [], events: [], closed: true });
  });

  it('application data before the handshake completes is a usage error', async () => {
    const client = makeClient();
    await client.start();
    await expect(client.sendApplicationData(utf8Encode('x'), [])).rejects.toThrow(/cannot be sent in WAIT_SH/);
  });
});

describe('records and messages across reads', () => {
  it('completes when every byte arrives in its own read, and when a whole flight arrives in one', async () => {
    const client = makeClient();
    const server = makeServer({ newSessionTicket: { lifetime: 60 } });
    const ch = await client.start();
    const serverOut: EngineOutput[] = [];
    for (const b of ch.units[0].bytes) serverOut.push(await server.receive(Uint8Array.of(b)));
    const flight = concat(...serverOut.flatMap((o) => o.units.map((u) => u.bytes)));
    const clientOut = await client.receive(flight);
    expect(clientOut.failure).toBeUndefined();
    expect(client.state).toBe('CONNECTED');
    const fin = await server.receive(concat(...clientOut.units.map((u) => u.bytes)));
    expect(server.state).toBe('CONNECTED');
    expect(fin.units[0].messages[0].name).toBe('NewSessionTicket');
  });

  it('splits a certificate chain larger than 2^14 across records and reassembles it', async () => {
    const cert = rsa();
    const chain = Array.from({ length: 24 }, () => cert.der);
    const log = await runPair(
      makeClient(),
      new Tls13Server({ provider, certificateChain: chain, signingKey: cert.signingKey }),
    );
    expect(failureOf(log.client)).toBeUndefined();
    const flight = log.wire.filter((w) => w.from === 'server' && w.unit.protection === 'handshake');
    expect(flight.length).toBeGreaterThan(1);
    expect(flight[0].unit.note).toMatch(/first part of Certificate/);
    expect(flight.every((w) => w.unit.bytes.length <= 5 + 2 ** 14 + 1 + 16)).toBe(true);
  });

  it("honours the peer's record_size_limit (RFC 8449)", async () => {
    const log = await runPair(makeClient({ recordSizeLimit: 512 }), makeServer({ recordSizeLimit: 16385 }, rsa()));
    expect(failureOf(log.client)).toBeUndefined();
    const serverProtected = log.wire.filter((w) => w.from === 'server' && w.unit.protection !== 'plaintext');
    expect(serverProtected.length).toBeGreaterThan(2);
    // Inner plaintext (content + type byte) at most 512, plus the 16-byte tag.
    expect(serverProtected.every((w) => w.unit.bytes.length - 5 <= 512 + 16)).toBe(true);
  });
});

describe('after the handshake', () => {
  it('KeyUpdate with update_requested moves both directions to traffic secret 1', async () => {
    const client = makeClient();
    const server = makeServer();
    const log = await runPair(client, server);
    await pump(client, server, await client.updateKeys(true), 'client', log);
    const keys = log.wire.slice(-2).map((w) => [w.from, w.unit.key, w.unit.messages[0].label]);
    expect(keys).toEqual([
      ['client', 'client_application_traffic_secret_0', 'KeyUpdate (update_requested)'],
      ['server', 'server_application_traffic_secret_0', 'KeyUpdate (update_not_requested)'],
    ]);
    expect(await exchangeData(client, server, log)).toEqual({
      atServer: ['EHLO client.example\r\n'],
      atClient: ['250 server.example\r\n'],
    });
    expect(log.wire.slice(-2).map((w) => w.unit.key)).toEqual([
      'client_application_traffic_secret_1',
      'server_application_traffic_secret_1',
    ]);
  });

  it('the client reports the PSK of a NewSessionTicket', async () => {
    const log = await runPair(
      makeClient(),
      makeServer({ newSessionTicket: { lifetime: 7200, nonce: Uint8Array.of(1, 2) } }),
    );
    const psk = eventsOf(log.client).find((e) => e.type === 'calc' && e.title === 'PSK for the session ticket');
    const serverPsk = eventsOf(log.server).find((e) => e.type === 'calc' && e.title === 'PSK for the session ticket');
    expect(psk).toEqual(serverPsk);
    expect(eventsOf(log.client).some((e) => e.type === 'note' && e.name === 'tls13.new-session-ticket')).toBe(true);
  });

  it('close_notify both ways ends both engines cleanly', async () => {
    const client = makeClient();
    const server = makeServer();
    const log = await runPair(client, server);
    await pump(client, server, await client.close(), 'client', log);
    expect(log.wire.slice(-2).map((w) => [w.from, w.unit.messages[0].label])).toEqual([
      ['client', 'Alert: close_notify (0)'],
      ['server', 'Alert: close_notify (0)'],
    ]);
    expect(log.client.at(-1)?.closed).toBe(true);
    expect(log.server.at(-1)?.closed).toBe(true);
    expect(failureOf(log.client)).toBeUndefined();
    expect(failureOf(log.server)).toBeUndefined();
  });
});

describe('client authentication', () => {
  it('a server that asks for a certificate gets one, verified through WAIT_CERT and WAIT_CV', async () => {
    const clientCert = testCertificate('ecdsa-p256', 'client');
    const log = await runPair(
      makeClient({ clientCertificate: { certificateChain: [clientCert.der], signingKey: clientCert.signingKey } }),
      makeServer({ clientAuthentication: { verifyClientCertificate: trustingVerifier, required: true } }),
    );
    expect(failureOf(log.server)).toBeUndefined();
    expect(statesOf(log.client)).toEqual([
      'WAIT_SH',
      'WAIT_EE',
      'WAIT_CERT_CR',
      'WAIT_CERT',
      'WAIT_CV',
      'WAIT_FINISHED',
      'CONNECTED',
    ]);
    expect(statesOf(log.server)).toEqual([
      'RECVD_CH',
      'NEGOTIATED',
      'WAIT_FLIGHT2',
      'WAIT_CERT',
      'WAIT_CV',
      'WAIT_FINISHED',
      'CONNECTED',
    ]);
    const clientFlight = log.wire.filter((w) => w.from === 'client').at(-1)!;
    expect(clientFlight.unit.messages.map((m) => m.name)).toEqual(['Certificate', 'CertificateVerify', 'Finished']);
  });

  it('a client without a certificate sends an empty one; a server that requires one sends certificate_required (116)', async () => {
    const optional = await runPair(
      makeClient(),
      makeServer({ clientAuthentication: { verifyClientCertificate: trustingVerifier } }),
    );
    expect(failureOf(optional.server)).toBeUndefined();
    expect(statesOf(optional.server)).toEqual([
      'RECVD_CH',
      'NEGOTIATED',
      'WAIT_FLIGHT2',
      'WAIT_CERT',
      'WAIT_FINISHED',
      'CONNECTED',
    ]);
    const required = await runPair(
      makeClient(),
      makeServer({ clientAuthentication: { verifyClientCertificate: trustingVerifier, required: true } }),
    );
    expect(failureOf(required.server)).toMatchObject({ alertSent: { description: 'certificate_required', code: 116 } });
  });
});

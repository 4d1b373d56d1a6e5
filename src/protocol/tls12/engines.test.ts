/**
 * The TLS 1.2 client engine against the TLS 1.2 server engine, in memory: every suite and group,
 * with and without the extended master secret, records split and merged, and each failure the
 * fault catalogue needs, with the alert RFC 5246 §7.2 (and RFC 8422, RFC 5746) names for it.
 */
import { describe, expect, it } from 'vitest';
import { createWebCryptoProvider } from '../../crypto/webcrypto-provider.ts';
import { freshEntropy } from '../../crypto/entropy.ts';
import { concat, toHex, utf8Encode } from '../bytes/hex.ts';
import type { EngineOutput } from '../engine.ts';
import { testCertificate } from '../../../test/support/tls-certs.ts';
import { eventsOf, failureOf, pump, runPair, statesOf, type PairLog } from '../../../test/support/tls13-pair.ts';
import { expiredVerifier, trustingVerifier } from '../../../test/support/trusting-verifier.ts';
import type { CipherSuiteName } from '../tls/constants.ts';
import { encodeSupportedVersionsServerHello, encodeRenegotiationInfo } from '../tls/extensions/index.ts';
import { encodeFinished } from '../tls/messages/finished.ts';
import { encodeServerHello } from '../tls/messages/server-hello.ts';
import { encodeRecord } from '../tls/record.ts';
import { Tls13Client } from '../tls13/client.ts';
import { TLS12_CIPHER_SUITES } from './cipher-suites.ts';
import { Tls12Client } from './client.ts';
import type { Tls12ClientConfig, Tls12ServerConfig } from './config.ts';
import { encodeHelloRequest } from './messages/index.ts';
import type { Tls12Protection } from './record-protection.ts';
import { Tls12Server } from './server.ts';

/** The record layer an engine keeps to itself, for the one test that forges a message under its keys. */
interface Tls12Endpointish {
  records: { writeKeys: Tls12Protection | null };
}

const provider = createWebCryptoProvider({ entropy: freshEntropy() });
const ecdsa = () => testCertificate('ecdsa-p256');
const rsa = () => testCertificate('rsa');

function makeClient(config: Partial<Tls12ClientConfig> = {}): Tls12Client {
  return new Tls12Client({ provider, verifyServerCertificate: trustingVerifier, serverName: 'localhost', ...config });
}

function makeServer(config: Partial<Tls12ServerConfig> = {}, cert = ecdsa()): Tls12Server {
  return new Tls12Server({ provider, certificateChain: [cert.der], signingKey: cert.signingKey, ...config });
}

const ECDHE_CLIENT_STATES = [
  'expectServerHello',
  'expectCertificate',
  'expectServerKeyExchange',
  'expectServerHelloDone',
  'expectChangeCipherSpec',
  'expectFinished',
  'connected',
];
const RSA_CLIENT_STATES = ECDHE_CLIENT_STATES.filter((s) => s !== 'expectServerKeyExchange');
const SERVER_STATES = ['expectClientKeyExchange', 'expectChangeCipherSpec', 'expectFinished', 'connected'];

const established = (outputs: EngineOutput[]) => eventsOf(outputs).find((e) => e.type === 'tls-established');
const labels = (log: PairLog) => log.wire.map((w) => `${w.from}: ${w.unit.messages.map((m) => m.label).join(' + ')}`);
const secrets = (outputs: EngineOutput[]) =>
  eventsOf(outputs).flatMap((e) =>
    e.type === 'secret' ? [`${e.name} ${toHex(e.clientRandom)} ${toHex(e.value)}`] : [],
  );
const calcs = (outputs: EngineOutput[], name: string) =>
  eventsOf(outputs).flatMap((e) => (e.type === 'calc' && e.name === name ? [e] : []));
const value = (outputs: EngineOutput[], calc: string, name: string) =>
  calcs(outputs, calc)
    .flatMap((c) => c.values)
    .find((v) => v.name === name)?.value;

async function exchangeData(client: Tls12Client, server: Tls12Server, log: PairLog) {
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

function serverHelloRecord(fields: {
  version?: number;
  suite?: number;
  extensions?: { extensionType: number; extensionData: Uint8Array }[];
}) {
  const sh = encodeServerHello({
    legacyVersion: fields.version ?? 0x0303,
    random: new Uint8Array(32).fill(9),
    legacySessionIdEcho: new Uint8Array(0),
    cipherSuite: fields.suite ?? 0xc02b,
    legacyCompressionMethod: 0,
    extensions: fields.extensions ?? [],
  });
  return encodeRecord({ type: 22, legacyRecordVersion: 0x0303, fragment: sh });
}

describe('client and server engines complete the handshake', () => {
  for (const suite of TLS12_CIPHER_SUITES) {
    const groups = suite.keyExchange === 'ECDHE' ? (['x25519', 'secp256r1'] as const) : ([undefined] as const);
    for (const group of groups) {
      for (const ems of [true, false]) {
        const name = `${suite.name}${group ? ` over ${group}` : ''}, ${ems ? 'with' : 'without'} the extended master secret`;
        it(`${name}: both derive one master secret and exchange application data`, async () => {
          const cert = suite.certificateKey === 'rsa' ? rsa() : ecdsa();
          const client = makeClient({ cipherSuites: [suite.name], extendedMasterSecret: ems });
          const server = makeServer({ ...(group ? { groups: [group] } : {}) }, cert);
          const log = await runPair(client, server);
          expect(failureOf(log.client)).toBeUndefined();
          expect(failureOf(log.server)).toBeUndefined();
          expect(statesOf(log.client)).toEqual(suite.keyExchange === 'ECDHE' ? ECDHE_CLIENT_STATES : RSA_CLIENT_STATES);
          expect(statesOf(log.server)).toEqual(SERVER_STATES);
          const expected = {
            type: 'tls-established',
            version: 'TLS 1.2',
            suite: suite.name,
            ...(group ? { group } : {}),
          };
          expect(established(log.client)).toEqual(expected);
          expect(established(log.server)).toEqual(expected);
          // One NSS key log line each, CLIENT_RANDOM <client_random> <master_secret>, the same on both sides.
          expect(secrets(log.client)).toHaveLength(1);
          expect(secrets(log.client)).toEqual(secrets(log.server));
          expect(secrets(log.client)[0]).toMatch(/^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/);
          expect(value(log.client, 'prf', 'label')).toBe(ems ? 'extended master secret' : 'master secret');
          expect(value(log.client, 'prf', 'session_hash') !== undefined).toBe(ems);
          expect(value(log.client, 'key-schedule', 'client_write_key')).toHaveLength(suite.keyLength * 2);
          expect(value(log.client, 'key-schedule', 'client_write_IV')).toHaveLength(8);
          expect(value(log.client, 'key-schedule', 'key_block')).toEqual(
            value(log.server, 'key-schedule', 'key_block'),
          );
          expect(await exchangeData(client, server, log)).toEqual({
            atServer: ['EHLO client.example\r\n'],
            atClient: ['250 server.example\r\n'],
          });
        });
      }
    }
  }

  it('sends the flights of RFC 5246 §7.3, the ClientHello in a 0x0301 record and the rest in 0x0303', async () => {
    const log = await runPair(makeClient(), makeServer());
    expect(labels(log)).toEqual([
      'client: ClientHello (5 cipher suites)',
      'server: ServerHello (TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256) + Certificate (1 certificate) + ServerKeyExchange (x25519, signed with ecdsa_secp256r1_sha256) + ServerHelloDone',
      'client: ClientKeyExchange (ECDHE public key)',
      'client: ChangeCipherSpec',
      'client: Finished',
      'server: ChangeCipherSpec',
      'server: Finished',
    ]);
    expect(log.wire.map((w) => toHex(w.unit.bytes.subarray(0, 3)))).toEqual([
      '160301',
      '160303',
      '160303',
      '140303',
      '160303',
      '140303',
      '160303',
    ]);
    expect(log.wire.map((w) => [w.unit.protection, w.unit.key])).toEqual([
      ['plaintext', undefined],
      ['plaintext', undefined],
      ['plaintext', undefined],
      ['plaintext', undefined],
      ['application', 'client_write_key'],
      ['plaintext', undefined],
      ['application', 'server_write_key'],
    ]);
    // RFC 5288: 8-byte explicit nonce + 16-byte Finished (4 + 12) + 16-byte tag; nonce 0 for the first record.
    const finished = log.wire[4].unit.bytes;
    expect(finished.length).toBe(5 + 8 + 16 + 16);
    expect(toHex(finished.subarray(5, 13))).toBe('0000000000000000');
  });

  it('the client does not send supported_versions; its extensions are the RFC 5246/8422/7627/5746 ones', async () => {
    const log = await runPair(makeClient(), makeServer());
    const hello = log.wire[0].unit.messages[0];
    const names = hello.fields
      .find((f) => f.name === 'extensions')!
      .children!.slice(1)
      .map((f) => f.name);
    expect(names).toEqual([
      'server_name',
      'ec_point_formats',
      'supported_groups',
      'signature_algorithms',
      'extended_master_secret',
      'renegotiation_info',
    ]);
    const sh = log.wire[1].unit.messages[0];
    expect(
      sh.fields
        .find((f) => f.name === 'extensions')!
        .children!.slice(1)
        .map((f) => f.name),
    ).toEqual(['server_name', 'renegotiation_info', 'ec_point_formats', 'extended_master_secret']);
  });

  it('RSA key transport: the client shows the pre-master secret and its encryption, the server the same secret', async () => {
    const log = await runPair(makeClient({ cipherSuites: ['TLS_RSA_WITH_AES_128_GCM_SHA256'] }), makeServer({}, rsa()));
    const pms = value(log.client, 'premaster', 'pre_master_secret')!;
    expect(pms).toMatch(/^0303[0-9a-f]{92}$/);
    expect(value(log.server, 'premaster', 'pre_master_secret')).toBe(pms);
    expect(value(log.server, 'premaster', 'padding_and_version')).toBe('valid');
    expect(value(log.client, 'premaster', 'encrypted_pre_master_secret')).toHaveLength(512);
    expect(value(log.client, 'premaster', 'who_can_recompute')).toMatch(/private key.*later/);
    const cke = log.wire[2].unit.messages[0];
    expect(cke.fields.find((f) => f.name === 'exchange_keys')!.value).toBe('EncryptedPreMasterSecret');
  });

  it('ECDHE: both sides compute the same shared secret, which is the pre-master secret', async () => {
    const log = await runPair(makeClient(), makeServer({ groups: ['secp256r1'] }));
    const shared = value(log.client, 'ecdhe', 'pre_master_secret');
    expect(shared).toHaveLength(64);
    expect(value(log.server, 'ecdhe', 'pre_master_secret')).toBe(shared);
    expect(value(log.client, 'prf', 'pre_master_secret')).toBe(shared);
    expect(value(log.client, 'ecdhe', 'server_public_key')).toBe(value(log.server, 'ecdhe', 'server_public_key'));
  });

  it('the server picks suites in its own order, and only suites its certificate key can serve', async () => {
    const both: CipherSuiteName[] = [
      'TLS_RSA_WITH_AES_128_GCM_SHA256',
      'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
      'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    ];
    const log = await runPair(
      makeClient({ cipherSuites: both }),
      makeServer(
        {
          cipherSuites: [
            'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
            'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
            'TLS_RSA_WITH_AES_128_GCM_SHA256',
          ],
        },
        rsa(),
      ),
    );
    expect(established(log.client)).toMatchObject({ suite: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384' });
  });

  it('an RSA suite is still chosen when no group is in common', async () => {
    const log = await runPair(
      makeClient({
        groups: ['x25519'],
        cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_RSA_WITH_AES_128_GCM_SHA256'],
      }),
      makeServer({ groups: ['secp256r1'] }, rsa()),
    );
    expect(established(log.server)).toEqual({
      type: 'tls-established',
      version: 'TLS 1.2',
      suite: 'TLS_RSA_WITH_AES_128_GCM_SHA256',
    });
  });

  it('a server that also speaks TLS 1.3 ends its random with DOWNGRD 01, and a 1.2 client notes it', async () => {
    const log = await runPair(makeClient(), makeServer({ downgradeSentinel: true }));
    expect(failureOf(log.client)).toBeUndefined();
    const random = log.wire[1].unit.messages[0].fields.find((f) => f.name === 'random')!.value!;
    expect(random).toMatch(/444f574e47524401 \(downgrade sentinel: TLS 1.2\)$/);
    expect(eventsOf(log.client).some((e) => e.type === 'note' && e.name === 'tls12.downgrade-sentinel')).toBe(true);
  });
});

describe('failures and their alerts', () => {
  it('no common cipher suite: the server sends handshake_failure (40) in the clear', async () => {
    const log = await runPair(
      makeClient({ cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'] }),
      makeServer({ cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'] }, rsa()),
    );
    const f = failureOf(log.server)!;
    expect(f).toMatchObject({
      detectedBy: 'server',
      check: 'tls.negotiation.cipher-suite',
      alertSent: { description: 'handshake_failure', code: 40 },
    });
    expect(f.message).toBe('tls: no cipher suite in common with the client');
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
    expect(statesOf(log.server)).toEqual(['failed']);
  });

  it('suites only for the other kind of certificate key: handshake_failure (40)', async () => {
    const log = await runPair(
      makeClient({ cipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'] }),
      makeServer({}, rsa()),
    );
    expect(failureOf(log.server)).toMatchObject({ check: 'tls.negotiation.cipher-suite', alertSent: { code: 40 } });
  });

  it('no common group: the server sends handshake_failure (40)', async () => {
    const log = await runPair(
      makeClient({ groups: ['x25519'], cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'] }),
      makeServer({ groups: ['secp256r1'] }, rsa()),
    );
    expect(failureOf(log.server)).toMatchObject({
      check: 'tls.negotiation.group',
      alertSent: { description: 'handshake_failure', code: 40 },
    });
    expect(failureOf(log.server)!.compared).toEqual([
      { name: 'client_groups', value: 'x25519', kind: 'text' },
      { name: 'server_groups', value: 'secp256r1', kind: 'text' },
    ]);
  });

  it('an ECDSA certificate needs secp256r1 in supported_groups (RFC 8422 §5.1): handshake_failure (40)', async () => {
    const log = await runPair(makeClient({ groups: ['x25519'] }), makeServer({ groups: ['x25519'] }));
    expect(failureOf(log.server)).toMatchObject({ check: 'tls.negotiation.group', alertSent: { code: 40 } });
  });

  it('a flipped byte in the client Finished record: the server sends bad_record_mac (20), in the clear', async () => {
    const log = await runPair(makeClient(), makeServer(), (from, bytes) => {
      if (from === 'client' && bytes[0] === 0x16 && bytes.length === 45) {
        const tampered = bytes.slice();
        tampered[20] ^= 0x01;
        return tampered;
      }
      return bytes;
    });
    const f = failureOf(log.server)!;
    expect(f).toMatchObject({ check: 'tls.record-mac', alertSent: { description: 'bad_record_mac', code: 20 } });
    expect(f.message).toBe('tls: record 0 under client_write_key does not authenticate');
    expect(log.wire.at(-1)!.unit.protection).toBe('plaintext');
    expect(failureOf(log.client)?.alertReceived?.code).toBe(20);
  });

  it('a flipped byte in the server Finished record: the client sends bad_record_mac (20), encrypted', async () => {
    const log = await runPair(makeClient(), makeServer(), (from, bytes) => {
      if (from === 'server' && bytes[0] === 0x16 && bytes.length === 45) {
        const tampered = bytes.slice();
        tampered[30] ^= 0x80;
        return tampered;
      }
      return bytes;
    });
    expect(failureOf(log.client)).toMatchObject({ alertSent: { code: 20 } });
    const alert = log.wire.at(-1)!;
    expect([alert.from, alert.unit.protection, alert.unit.key]).toEqual(['client', 'application', 'client_write_key']);
    expect(failureOf(log.server)?.alertReceived?.code).toBe(20);
  });

  it('a flipped byte in application data: the receiver sends bad_record_mac (20) under its write key', async () => {
    const client = makeClient();
    const server = makeServer();
    const log = await runPair(client, server);
    const out = await client.sendApplicationData(utf8Encode('QUIT\r\n'), []);
    out.units[0].bytes[15] ^= 0x01;
    await pump(client, server, out, 'client', log);
    expect(failureOf(log.server)).toMatchObject({ alertSent: { code: 20 } });
    expect(log.wire.at(-1)!.unit.key).toBe('server_write_key');
    expect(failureOf(log.client)?.alertReceived?.code).toBe(20);
  });

  it("a ServerKeyExchange signed with a key that is not the certificate's: the client sends decrypt_error (51)", async () => {
    for (const kind of ['ecdsa-p256', 'rsa'] as const) {
      const log = await runPair(
        makeClient(),
        new Tls12Server({
          provider,
          certificateChain: [testCertificate(kind).der],
          signingKey: testCertificate(kind, 'other').signingKey,
        }),
      );
      const f = failureOf(log.client)!;
      expect(f).toMatchObject({
        check: 'tls12.server-key-exchange',
        alertSent: { description: 'decrypt_error', code: 51 },
      });
      expect(f.message).toBe('tls: invalid signature on the ServerKeyExchange parameters');
      expect(calcs(log.client, 'signature')[0].checks?.[0].ok).toBe(false);
      expect(log.wire.at(-1)!.unit.protection).toBe('plaintext');
    }
  });

  it('a wrong server Finished (corruptFinished quirk): the client sends decrypt_error (51)', async () => {
    const log = await runPair(makeClient(), makeServer({ quirks: { corruptFinished: true } }));
    const f = failureOf(log.client)!;
    expect(f).toMatchObject({ check: 'tls12.finished', alertSent: { description: 'decrypt_error', code: 51 } });
    const [expected, received] = f.compared!;
    expect([expected.name, received.name]).toEqual(['expected_verify_data', 'received_verify_data']);
    expect(
      Buffer.from(expected.value, 'hex')
        .map((b, i) => b ^ Buffer.from(received.value, 'hex')[i])
        .every((x) => x === 0xff),
    ).toBe(true);
    expect(failureOf(log.server)?.alertReceived?.code).toBe(51);
  });

  it("a rejected certificate: the client sends the verifier's alert, certificate_expired (45), in the clear", async () => {
    const log = await runPair(makeClient({ verifyServerCertificate: expiredVerifier }), makeServer());
    const f = failureOf(log.client)!;
    expect(f).toMatchObject({ check: 'x509.validity', alertSent: { description: 'certificate_expired', code: 45 } });
    expect(f.message).toBe('tls: failed to verify the server certificate: certificate has expired');
    expect(log.wire.at(-1)!.unit.protection).toBe('plaintext');
  });

  it('a certificate whose key cannot serve the suite: unsupported_certificate (43)', async () => {
    // The server signs with an ECDSA key (so it picks ECDHE_ECDSA) but sends an RSA certificate.
    const log = await runPair(
      makeClient(),
      new Tls12Server({ provider, certificateChain: [rsa().der], signingKey: ecdsa().signingKey }),
    );
    expect(failureOf(log.client)).toMatchObject({
      check: 'tls12.certificate-key',
      alertSent: { description: 'unsupported_certificate', code: 43 },
    });
  });

  it('RSA key transport with the wrong private key: no alert at ClientKeyExchange, bad_record_mac (20) at Finished', async () => {
    const log = await runPair(
      makeClient({ cipherSuites: ['TLS_RSA_WITH_AES_128_GCM_SHA256'] }),
      new Tls12Server({
        provider,
        certificateChain: [rsa().der],
        signingKey: testCertificate('rsa', 'other').signingKey,
      }),
    );
    expect(value(log.server, 'premaster', 'padding_and_version')).toMatch(/^invalid: continuing with a random/);
    expect(value(log.server, 'premaster', 'pre_master_secret')).not.toBe(
      value(log.client, 'premaster', 'pre_master_secret'),
    );
    expect(statesOf(log.server)).toEqual([
      'expectClientKeyExchange',
      'expectChangeCipherSpec',
      'expectFinished',
      'failed',
    ]);
    expect(failureOf(log.server)).toMatchObject({ check: 'tls.record-mac', alertSent: { code: 20 } });
  });

  it('a TLS 1.2 client answered with TLS 1.3 or TLS 1.1 sends protocol_version (70)', async () => {
    for (const record of [
      serverHelloRecord({
        suite: 0x1301,
        extensions: [{ extensionType: 43, extensionData: encodeSupportedVersionsServerHello(0x0304) }],
      }),
      serverHelloRecord({ version: 0x0302 }),
    ]) {
      const client = makeClient();
      await client.start();
      const out = await client.receive(record);
      expect(out.failure).toMatchObject({
        check: 'tls.negotiation.version',
        alertSent: { description: 'protocol_version', code: 70 },
      });
    }
  });

  it('a TLS 1.3-only ClientHello at the TLS 1.2 server gets protocol_version (70)', async () => {
    const log = await runPair(new Tls13Client({ provider, verifyServerCertificate: trustingVerifier }), makeServer());
    expect(failureOf(log.server)).toMatchObject({
      check: 'tls.negotiation.version',
      alertSent: { description: 'protocol_version', code: 70 },
      message: 'tls: client offers 0x0304 (TLS 1.3); this server speaks TLS 1.2 only',
    });
  });

  it('a non-empty renegotiation_info in the ServerHello: handshake_failure (40) (RFC 5746 §3.4)', async () => {
    const client = makeClient();
    await client.start();
    const out = await client.receive(
      serverHelloRecord({
        extensions: [{ extensionType: 0xff01, extensionData: encodeRenegotiationInfo(Uint8Array.of(1, 2, 3)) }],
      }),
    );
    expect(out.failure).toMatchObject({ check: 'tls12.renegotiation-info', alertSent: { code: 40 } });
  });

  it('an extension the client did not offer: unsupported_extension (110)', async () => {
    const client = makeClient();
    await client.start();
    const out = await client.receive(
      serverHelloRecord({ extensions: [{ extensionType: 35, extensionData: new Uint8Array(0) }] }),
    );
    expect(out.failure).toMatchObject({ alertSent: { description: 'unsupported_extension', code: 110 } });
  });

  it('a suite the client did not offer: illegal_parameter (47)', async () => {
    const client = makeClient({ cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'] });
    await client.start();
    const out = await client.receive(serverHelloRecord({ suite: 0xc02b }));
    expect(out.failure).toMatchObject({ alertSent: { description: 'illegal_parameter', code: 47 } });
  });

  it('an unexpected handshake message: unexpected_message (10)', async () => {
    const server = makeServer();
    await server.start();
    const out = await server.receive(
      encodeRecord({
        type: 22,
        legacyRecordVersion: 0x0303,
        fragment: encodeFinished({ verifyData: new Uint8Array(12) }),
      }),
    );
    expect(out.failure).toMatchObject({ check: 'tls.unexpected-message', alertSent: { code: 10 } });
    expect(out.failure!.message).toBe('tls: unexpected Finished in expectClientHello');
    expect(toHex(out.units[0].bytes)).toBe('1503030002020a');
  });

  it('a ChangeCipherSpec before the key exchange: unexpected_message (10)', async () => {
    const client = makeClient();
    await client.start();
    const out = await client.receive(Uint8Array.from([0x14, 3, 3, 0, 1, 1]));
    expect(out.failure).toMatchObject({ alertSent: { code: 10 } });
    expect(out.failure!.message).toBe('tls: ChangeCipherSpec in expectServerHello');
  });

  it('a ClientHello that does not decode: decode_error (50)', async () => {
    const record = (await makeClient().start()).units[0].bytes;
    const broken = record.slice(0, -1);
    broken[4] -= 1;
    broken[8] -= 1;
    const out = await makeServer().receive(broken);
    expect(out.failure).toMatchObject({ check: 'tls.decode', alertSent: { description: 'decode_error', code: 50 } });
  });

  it('a timeout reports a failure and sends nothing', async () => {
    const client = makeClient({ handshakeTimeoutMs: 10_000 });
    const start = await client.start();
    expect(start.events[0]).toEqual({ type: 'timer', name: 'tls12.handshake', ms: 10_000 });
    const out = await client.timeout('tls12.handshake');
    expect(out.units).toEqual([]);
    expect(out.failure?.message).toBe('tls: timer tls12.handshake expired while waiting in expectServerHello');
    expect(out.closed).toBe(true);
  });

  it('the transport closing mid-handshake reports a failure and sends nothing', async () => {
    const client = makeClient();
    await client.start();
    const out = await client.transportClosed(true);
    expect(out.units).toEqual([]);
    expect(out.failure?.message).toBe('tls: connection reset by the peer during the handshake (in expectServerHello)');
  });

  it('application data before the handshake completes is a usage error', async () => {
    const client = makeClient();
    await client.start();
    await expect(client.sendApplicationData(utf8Encode('x'), [])).rejects.toThrow(
      /cannot be sent in expectServerHello/,
    );
  });
});

describe('after the handshake', () => {
  it('renegotiation is refused with a warning no_renegotiation (100), both ways, and the connection goes on', async () => {
    const client = makeClient();
    const server = makeServer();
    const log = await runPair(client, server);
    // The engines never send a HelloRequest or a second ClientHello, so the test seals one with the
    // sender's own write state (its sequence number moves on as if it had sent it).
    const sealed = (from: Tls12Endpointish, fragment: Uint8Array) => from.records.writeKeys!.seal(22, 0x0303, fragment);
    const atClient = await client.receive(await sealed(server as unknown as Tls12Endpointish, encodeHelloRequest()));
    expect(atClient.units.map((u) => u.messages[0].label)).toEqual([
      'Alert: no_renegotiation_RESERVED (100) (warning)',
    ]);
    expect(atClient.failure).toBeUndefined();
    expect(toHex(atClient.units[0].bytes.subarray(0, 3))).toBe('150303');
    await pump(client, server, atClient, 'client', log);
    const hello = (await makeClient().start()).units[0].messages[0].bytes;
    const refused = await server.receive(await sealed(client as unknown as Tls12Endpointish, hello));
    expect(refused.units.map((u) => u.messages[0].alert)).toEqual([
      { level: 'warning', description: 'no_renegotiation_RESERVED', code: 100 },
    ]);
    await pump(client, server, refused, 'server', log);
    expect(failureOf(log.client)).toBeUndefined();
    expect(failureOf(log.server)).toBeUndefined();
    expect(eventsOf(log.server).some((e) => e.type === 'note' && e.name === 'tls.warning-alert')).toBe(true);
    expect(await exchangeData(client, server, log)).toEqual({
      atServer: ['EHLO client.example\r\n'],
      atClient: ['250 server.example\r\n'],
    });
  });

  it('close_notify both ways ends both engines cleanly', async () => {
    const client = makeClient();
    const server = makeServer();
    const log = await runPair(client, server);
    await pump(client, server, await client.close(), 'client', log);
    expect(log.wire.slice(-2).map((w) => [w.from, w.unit.messages[0].label, w.unit.protection])).toEqual([
      ['client', 'Alert: close_notify (0)', 'application'],
      ['server', 'Alert: close_notify (0)', 'application'],
    ]);
    expect(log.client.at(-1)?.closed).toBe(true);
    expect(log.server.at(-1)?.closed).toBe(true);
    expect(failureOf(log.client)).toBeUndefined();
    expect(failureOf(log.server)).toBeUndefined();
  });
});

describe('records and messages across reads', () => {
  it('completes when every byte arrives in its own read, and when a whole flight arrives in one', async () => {
    const client = makeClient();
    const server = makeServer();
    const ch = await client.start();
    const serverOut: EngineOutput[] = [];
    for (const b of ch.units[0].bytes) serverOut.push(await server.receive(Uint8Array.of(b)));
    const flight = concat(...serverOut.flatMap((o) => o.units.map((u) => u.bytes)));
    const clientOut = await client.receive(flight);
    expect(clientOut.failure).toBeUndefined();
    const clientFlight = concat(...clientOut.units.map((u) => u.bytes));
    const serverFinal: EngineOutput[] = [];
    for (const b of clientFlight) serverFinal.push(await server.receive(Uint8Array.of(b)));
    expect(server.state).toBe('connected');
    const last = await client.receive(concat(...serverFinal.flatMap((o) => o.units.map((u) => u.bytes))));
    expect(last.failure).toBeUndefined();
    expect(client.state).toBe('connected');
  });

  it('splits a certificate chain larger than 2^14 across records and reassembles it', async () => {
    const cert = rsa();
    const log = await runPair(
      makeClient(),
      new Tls12Server({
        provider,
        certificateChain: Array.from({ length: 24 }, () => cert.der),
        signingKey: cert.signingKey,
      }),
    );
    expect(failureOf(log.client)).toBeUndefined();
    const flight = log.wire.filter(
      (w) => w.from === 'server' && w.unit.protection === 'plaintext' && w.unit.bytes[0] === 22,
    );
    expect(flight.length).toBeGreaterThan(1);
    expect(flight[0].unit.note).toMatch(/first part of Certificate/);
    expect(flight.every((w) => w.unit.bytes.length <= 5 + 2 ** 14)).toBe(true);
  });
});

/**
 * Forward secrecy, shown: sessions recorded between the engines, then the server's private key
 * "stolen". With RSA key transport the recording decrypts to the application data that was sent;
 * with TLS 1.2 ECDHE and with TLS 1.3 nothing is recovered, and the steps say why.
 */
import { describe, expect, it } from 'vitest';
import { createWebCryptoProvider } from '../../crypto/webcrypto-provider.ts';
import { freshEntropy } from '../../crypto/entropy.ts';
import { testCertificate } from '../../../test/support/tls-certs.ts';
import { eventsOf, pump, runPair, type PairLog } from '../../../test/support/tls13-pair.ts';
import { trustingVerifier } from '../../../test/support/trusting-verifier.ts';
import { concat, toHex, utf8Decode, utf8Encode } from '../bytes/hex.ts';
import type { TlsEngine } from '../engine.ts';
import type { CipherSuiteName } from '../tls/constants.ts';
import { Tls13Client } from '../tls13/client.ts';
import { Tls13Server } from '../tls13/server.ts';
import { Tls12Client } from './client.ts';
import { tryStolenServerKey, type RecordedRecord } from './forward-secrecy.ts';
import { Tls12Server } from './server.ts';

const provider = createWebCryptoProvider({ entropy: freshEntropy() });
const rsa = testCertificate('rsa');
const ecdsa = testCertificate('ecdsa-p256');

/** A session with two lines each way, recorded as the wire carried it. */
async function recordSession(
  client: TlsEngine,
  server: TlsEngine,
): Promise<{ log: PairLog; recording: RecordedRecord[] }> {
  const log = await runPair(client, server);
  for (const [from, text] of [
    ['client', 'EHLO client.example\r\n'],
    ['server', '250-server.example\r\n250 STARTTLS\r\n'],
    ['client', 'MAIL FROM:<alice@example.test>\r\n'],
    ['server', '250 2.1.0 Ok\r\n'],
  ] as const) {
    const sender = from === 'client' ? client : server;
    await pump(client, server, await sender.sendApplicationData(utf8Encode(text), []), from, log);
  }
  return { log, recording: log.wire.map((w) => ({ from: w.from, bytes: w.unit.bytes })) };
}

const tls12 = (suite: CipherSuiteName, ems = true) => {
  const cert = suite.includes('ECDSA') ? ecdsa : rsa;
  return [
    new Tls12Client({
      provider,
      verifyServerCertificate: trustingVerifier,
      cipherSuites: [suite],
      extendedMasterSecret: ems,
    }),
    new Tls12Server({ provider, certificateChain: [cert.der], signingKey: cert.signingKey }),
  ] as const;
};

const SENT = [
  ['client', 'EHLO client.example\r\n'],
  ['server', '250-server.example\r\n250 STARTTLS\r\n'],
  ['client', 'MAIL FROM:<alice@example.test>\r\n'],
  ['server', '250 2.1.0 Ok\r\n'],
];

describe('RSA key transport: the stolen key decrypts the recording', () => {
  for (const ems of [true, false]) {
    it(`${ems ? 'with' : 'without'} the extended master secret, every application data record, in order`, async () => {
      const { log, recording } = await recordSession(...tls12('TLS_RSA_WITH_AES_128_GCM_SHA256', ems));
      const result = await tryStolenServerKey(provider, recording, rsa.signingKey);
      expect(result).toMatchObject({
        version: 'TLS 1.2',
        suite: 'TLS_RSA_WITH_AES_128_GCM_SHA256',
        keyExchange: 'RSA',
        recovered: true,
      });
      expect(result.plaintexts.map((p) => [p.from, utf8Decode(p.data)])).toEqual(SENT);
      expect(result.plaintexts.map((p) => p.seq)).toEqual([1, 1, 2, 2]);
      // The intermediate values are the engines' own: the pre-master secret the client chose and the master secret both derived.
      const calcValue = (calc: string, name: string) =>
        eventsOf(log.client)
          .flatMap((e) => (e.type === 'calc' && e.name === calc ? e.values : []))
          .find((v) => v.name === name)!.value;
      const step = (name: string) => result.steps.find((s) => s.name === name)?.value;
      expect(step('pre_master_secret')).toBe(calcValue('premaster', 'pre_master_secret'));
      expect(step('master_secret')).toBe(calcValue('prf', 'master_secret'));
      expect(step('session_hash')).toBe(ems ? calcValue('prf', 'session_hash') : undefined);
      expect(step('client_write_key')).toBe(calcValue('key-schedule', 'client_write_key'));
      const secret = eventsOf(log.server).find((e) => e.type === 'secret');
      expect(step('keylog')).toBe(
        secret?.type === 'secret' ? `CLIENT_RANDOM ${toHex(secret.clientRandom)} ${toHex(secret.value)}` : '',
      );
      expect(result.steps.map((s) => s.name)).toContain('client_finished');
      expect(result.steps.map((s) => s.name)).toContain('server_finished');
    });
  }

  it('reads a recording whose units are cut anywhere, records split and merged', async () => {
    const { recording } = await recordSession(...tls12('TLS_RSA_WITH_AES_128_GCM_SHA256'));
    const bySide = (from: 'client' | 'server') =>
      concat(...recording.filter((r) => r.from === from).map((r) => r.bytes));
    // All the client's bytes in 7-byte pieces, then all the server's in one: order within a direction is what counts.
    const client = bySide('client');
    const pieces: RecordedRecord[] = [];
    for (let i = 0; i < client.length; i += 7) pieces.push({ from: 'client', bytes: client.subarray(i, i + 7) });
    const result = await tryStolenServerKey(
      provider,
      [...pieces, { from: 'server', bytes: bySide('server') }],
      rsa.signingKey,
    );
    expect(result.recovered).toBe(true);
    expect(result.plaintexts.map((p) => utf8Decode(p.data)).sort()).toEqual(SENT.map(([, t]) => t).sort());
  });

  it('a key that is not the certificate’s decrypts nothing', async () => {
    const { recording } = await recordSession(...tls12('TLS_RSA_WITH_AES_128_GCM_SHA256'));
    const result = await tryStolenServerKey(provider, recording, testCertificate('rsa', 'other').signingKey);
    expect(result.recovered).toBe(false);
    expect(result.plaintexts).toEqual([]);
    expect(result.steps.find((s) => s.name === 'pre_master_secret')).toMatchObject({ value: 'not recoverable' });
  });
});

describe('ECDHE: the stolen key recovers nothing', () => {
  for (const suite of ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'] as const) {
    it(`TLS 1.2 ${suite}: the key only signed the ServerKeyExchange`, async () => {
      const { recording } = await recordSession(...tls12(suite));
      const key = suite.includes('ECDSA') ? ecdsa.signingKey : rsa.signingKey;
      const result = await tryStolenServerKey(provider, recording, key);
      expect(result).toMatchObject({
        version: 'TLS 1.2',
        suite,
        keyExchange: 'ECDHE',
        recovered: false,
        plaintexts: [],
      });
      const step = (name: string) => result.steps.find((s) => s.name === name);
      expect(step('what_the_stolen_key_did')?.value).toMatch(
        /^signed the ServerKeyExchange .*: verified with the stolen key$/,
      );
      expect(step('pre_master_secret')?.value).toBe('not recoverable');
      expect(step('pre_master_secret')?.note).toMatch(/ephemeral private keys, which were never sent/);
      expect(result.steps.some((s) => s.name.startsWith('server_ecdh_public'))).toBe(true);
      expect(step('client_ecdh_public')?.value).toMatch(/^[0-9a-f]{64}$/);
      expect(step('result')?.value).toBe('6 encrypted records stay encrypted');
    });
  }

  it('TLS 1.3: only the key shares are in the clear, and the key only signed CertificateVerify', async () => {
    const { recording } = await recordSession(
      new Tls13Client({ provider, verifyServerCertificate: trustingVerifier }),
      new Tls13Server({ provider, certificateChain: [rsa.der], signingKey: rsa.signingKey }),
    );
    const result = await tryStolenServerKey(provider, recording, rsa.signingKey);
    expect(result).toMatchObject({ version: 'TLS 1.3', keyExchange: 'ECDHE', recovered: false, plaintexts: [] });
    expect(result.steps.map((s) => s.name)).toEqual([
      'version',
      'client_key_share (x25519)',
      'server_key_share (x25519)',
      'what_the_stolen_key_did',
      'shared_secret',
      'result',
    ]);
    expect(result.steps.find((s) => s.name === 'shared_secret')!.value).toBe('not recoverable');
  });

  it('a recording without a handshake says so', async () => {
    const result = await tryStolenServerKey(
      provider,
      [{ from: 'client', bytes: Uint8Array.from([0x17, 3, 3, 0, 1, 0]) }],
      rsa.signingKey,
    );
    expect(result).toMatchObject({ version: null, recovered: false, plaintexts: [] });
  });
});

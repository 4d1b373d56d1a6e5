/**
 * TLS 1.3 record protection (RFC 8446 §5.2–5.4), checked against RFC 8448 §3's records: the
 * published keys and IVs open the published records into the published payloads.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWebCryptoProvider } from '../../crypto/webcrypto-provider.ts';
import { freshEntropy } from '../../crypto/entropy.ts';
import { toHex } from '../bytes/hex.ts';
import { loadRfc8448Section3, rfcSteps, rfcValue } from '../../../test/support/rfc8448.ts';
import { tls13CipherSuite } from './cipher-suites.ts';
import { decodeInnerPlaintext, encodeInnerPlaintext, perRecordNonce, TrafficProtection } from './record-protection.ts';

const rfc = loadRfc8448Section3();
const provider = createWebCryptoProvider({ entropy: freshEntropy() });
const suite = tls13CipherSuite(0x1301)!;

function keys(side: 'client' | 'server', op: string) {
  return { key: rfcValue(rfc, side, op, 'key expanded'), iv: rfcValue(rfc, side, op, 'iv expanded') };
}

describe('opening the RFC 8448 §3 records with the RFC keys', () => {
  it('the server handshake record opens to EE..Finished, type handshake (22)', async () => {
    const { key, iv } = keys('server', 'derive write traffic keys for handshake data');
    const p = new TrafficProtection(provider, suite, 'server_handshake_traffic_secret', key, iv);
    const [, flight] = rfcSteps(rfc, 'server', 'send handshake record');
    const opened = await p.open(flight.values.get('complete record')!);
    expect(opened.ok && [opened.type, toHex(opened.content), opened.paddingLength]).toEqual([
      22,
      toHex(flight.values.get('payload')!),
      0,
    ]);
  });

  it('the client application records open in sequence: data (seq 0), then the alert (seq 1)', async () => {
    const { key, iv } = keys('client', 'derive write traffic keys for application data');
    const p = new TrafficProtection(provider, suite, 'client_application_traffic_secret_0', key, iv);
    const data = rfcSteps(rfc, 'client', 'send application_data record')[0];
    const alert = rfcSteps(rfc, 'client', 'send alert record')[0];
    const first = await p.open(data.values.get('complete record')!);
    const second = await p.open(alert.values.get('complete record')!);
    expect(first.ok && [first.seq, first.type, toHex(first.content)]).toEqual([
      0n,
      23,
      toHex(data.values.get('payload')!),
    ]);
    expect(second.ok && [second.seq, second.type, toHex(second.content)]).toEqual([1n, 21, '0100']);
  });

  it('sealing the same plaintext with the same keys gives the RFC record', async () => {
    const { key, iv } = keys('client', 'derive write traffic keys for application data');
    const p = new TrafficProtection(provider, suite, 'client_application_traffic_secret_0', key, iv);
    const data = rfcSteps(rfc, 'client', 'send application_data record')[0];
    expect(toHex(await p.seal(23, data.values.get('payload')!))).toBe(toHex(data.values.get('complete record')!));
  });

  it('a flipped bit anywhere fails authentication (bad_record_mac)', async () => {
    const { key, iv } = keys('server', 'derive write traffic keys for application data');
    const record = rfcSteps(rfc, 'server', 'send application_data record')[0].values.get('complete record')!;
    for (const at of [0, 4, 5, 40, record.length - 1]) {
      const tampered = record.slice();
      tampered[at] ^= 0x01;
      const opened = await new TrafficProtection(provider, suite, 'x', key, iv).open(tampered);
      expect(opened.ok ? 'opened' : opened.reason).toBe('bad_record_mac');
    }
  });
});

describe('nonce and inner plaintext', () => {
  it('the nonce is the IV XOR the sequence number, left-padded (§5.3)', () => {
    // Hand-checked: 5d313eb2671276ee13000b30 XOR 00..01, and its last 8 bytes XOR 0102030405060708.
    const iv = rfcValue(rfc, 'server', 'derive write traffic keys for handshake data', 'iv expanded');
    expect(toHex(perRecordNonce(iv, 0n))).toBe('5d313eb2671276ee13000b30');
    expect(toHex(perRecordNonce(iv, 1n))).toBe('5d313eb2671276ee13000b31');
    expect(toHex(perRecordNonce(iv, 0x0102030405060708n))).toBe('5d313eb2661075ea16060c38');
  });

  it('finds the content type behind any amount of zero padding, and none in all zeros (§5.4)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 50 }),
        fc.integer({ min: 1, max: 255 }),
        fc.nat(30),
        (content, type, padding) => {
          expect(decodeInnerPlaintext(encodeInnerPlaintext(content, type, padding))).toEqual({
            content,
            type,
            paddingLength: padding,
          });
        },
      ),
    );
    expect(decodeInnerPlaintext(new Uint8Array(5))).toBeNull();
  });

  it('seal and open round-trip arbitrary content and padding', async () => {
    const key = new Uint8Array(16).fill(1);
    const iv = new Uint8Array(12).fill(2);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 100 }), fc.nat(20), async (content, padding) => {
        const sealer = new TrafficProtection(provider, suite, 'k', key, iv);
        const opener = new TrafficProtection(provider, suite, 'k', key, iv);
        const opened = await opener.open(await sealer.seal(22, content, padding));
        expect(opened.ok && [toHex(opened.content), opened.paddingLength]).toEqual([toHex(content), padding]);
      }),
      { numRuns: 50 },
    );
  });
});

/**
 * The SMTP scenarios as a learner reads them in `lab run --format text`: every line in the order
 * RFC 5321, RFC 3207 and RFC 8314 put it, with TLS where each port puts it.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

async function text(...argv: string[]): Promise<string> {
  let out = '';
  const code = await main(['run', ...argv, '--seed', '00'], { stdout: (t) => (out += t), stderr: (t) => (out += t) });
  expect(code, out).toBe(0);
  return out;
}

/** Asserts each pattern matches a line after the previous one's; returns the matched line numbers. */
function inOrder(out: string, patterns: RegExp[]): number[] {
  const lines = out.split('\n');
  const found: number[] = [];
  let from = 0;
  for (const p of patterns) {
    const i = lines.findIndex((l, n) => n >= from && p.test(l));
    expect(i, `${p} after line ${from}`).toBeGreaterThanOrEqual(0);
    found.push(i);
    from = i + 1;
  }
  return found;
}

const TLS13 = [/C → S {2}\[TLS\] ClientHello/, /S → C {2}\[TLS\] ServerHello/, /\[TLS\] EncryptedExtensions/, /\[TLS\] Certificate /, /\[TLS\] CertificateVerify/, /S → C {2}\[TLS\] Finished/, /C → S {2}\[TLS\] Finished/];

describe('dialogues', () => {
  it('smtp-starttls: 220, EHLO, capabilities with STARTTLS, STARTTLS, 220 Ready, TLS 1.3, EHLO again without STARTTLS, MAIL, RCPT, DATA, 250, QUIT', async () => {
    const out = await text('--scenario', 'smtp-starttls');
    const [, , starttlsCap, , , , , , , , , , ehlo2, reply2, , , , , , quit] = inOrder(out, [
      /S → C {2}220 mail\.example\.test ESMTP/,
      /C → S {2}EHLO client\.example\.test$/,
      /^\s+250-STARTTLS$/,
      /C → S {2}STARTTLS$/,
      /S → C {2}220 2\.0\.0 Ready to start TLS/,
      ...TLS13,
      /C → S {2}EHLO client\.example\.test {2}\(inside TLS/,
      /S → C {2}250-mail\.example\.test {2}\(inside TLS/,
      /C → S {2}MAIL FROM:<alice@example\.test> {2}\(inside TLS/,
      /C → S {2}RCPT TO:/,
      /C → S {2}DATA/,
      /S → C {2}354 /,
      /S → C {2}250 2\.0\.0 Ok: queued as/,
      /C → S {2}QUIT/,
    ]);
    expect(starttlsCap).toBeGreaterThan(0);
    // The second capability list has no STARTTLS (RFC 3207 §4.2: the server forgets and stops offering it).
    const secondList = out.split('\n').slice(reply2, ehlo2 + 20).join('\n').split(/C → S {2}MAIL/)[0];
    expect(secondList).not.toMatch(/STARTTLS/);
    expect(quit).toBeGreaterThan(0);
    expect(out.trimEnd().split('\n').at(-1)).toMatch(/^outcome: ok \(TLS 1\.3 .*delivered over TLS\)/);
  });

  it('submission: STARTTLS first, then AUTH PLAIN (235) inside TLS, then the message', async () => {
    const out = await text('--scenario', 'submission');
    const lines = inOrder(out, [
      /S → C {2}220 /,
      /C → S {2}EHLO/,
      /C → S {2}STARTTLS/,
      /S → C {2}220 2\.0\.0 Ready to start TLS/,
      ...TLS13,
      /C → S {2}EHLO .*inside TLS/,
      /C → S {2}AUTH PLAIN .*inside TLS/,
      /S → C {2}235 2\.7\.0 Authentication successful/,
      /C → S {2}MAIL FROM/,
      /S → C {2}250 2\.0\.0 Ok: queued as/,
      /C → S {2}QUIT/,
    ]);
    expect(lines.length).toBe(17);
    // AUTH never crosses the wire before TLS.
    expect(out.slice(0, out.indexOf('[TLS] ClientHello'))).not.toMatch(/AUTH/);
  });

  it('submission with mail-before-starttls: the 530 comes before any TLS', async () => {
    let out = '';
    await main(['run', '--scenario', 'submission', '--fault', 'mail-before-starttls', '--seed', '00'], { stdout: (t) => (out += t), stderr: () => {} });
    inOrder(out, [/C → S {2}EHLO/, /C → S {2}MAIL FROM/, /S → C {2}530 5\.7\.0 Must issue a STARTTLS command first/]);
    expect(out).not.toMatch(/ClientHello/);
  });

  it('smtps: the TLS 1.3 handshake comes first, then the 220 greeting inside TLS', async () => {
    const out = await text('--scenario', 'smtps');
    const [hello, , , , , , , greeting] = inOrder(out, [...TLS13, /S → C {2}220 mail\.example\.test ESMTP .*inside TLS/, /C → S {2}EHLO .*inside TLS/, /C → S {2}QUIT/]);
    expect(greeting).toBeGreaterThan(hello);
    expect(out).not.toMatch(/STARTTLS/);
  });

  it('tls13 alone: the handshake, a request and a response under application keys, close_notify both ways', async () => {
    const out = await text('--scenario', 'tls13');
    inOrder(out, [...TLS13, /C → S {2}\[TLS\] HEAD \/ HTTP\/1\.1 {2}\(encrypted, client_application_traffic_secret_0\)/, /S → C {2}\[TLS\] HTTP\/1\.1 204/, /Alert: close_notify/]);
  });

  it('tls12-rsa: ClientKeyExchange carries the encrypted pre-master secret; no ServerKeyExchange', async () => {
    const out = await text('--scenario', 'tls12-rsa');
    inOrder(out, [/\[TLS\] ClientHello/, /\[TLS\] ServerHello/, /\[TLS\] Certificate/, /\[TLS\] ServerHelloDone/, /C → S {2}\[TLS\] ClientKeyExchange/, /C → S {2}\[TLS\] ChangeCipherSpec/, /C → S {2}\[TLS\] Finished/, /S → C {2}\[TLS\] Finished/]);
    expect(out).not.toMatch(/ServerKeyExchange/);
    expect(out.trimEnd().split('\n').at(-1)).toMatch(/^outcome: ok \(TLS 1\.2 TLS_RSA_WITH_AES_128_GCM_SHA256/);
  });
});

/**
 * The client engine against scripted replies: it must go by reply codes and capability keywords
 * only, whatever the text, however the replies are cut into reads.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventsOf } from '../../../test/support/smtp-dialogue.ts';
import { fromLatin1, latin1 } from '../bytes/hex.ts';
import type { EngineOutput } from '../engine.ts';
import { SmtpClientEngine, type SmtpClientConfig } from './client.ts';

const config = (over: Partial<SmtpClientConfig> = {}): SmtpClientConfig => ({
  ehloName: 'client.example.test',
  serverName: 'mx.example.net',
  from: 'alice@example.test',
  to: ['bob@example.net'],
  message: 'Subject: hi\n\nhello\n',
  tls: 'none',
  policy: 'opportunistic',
  ...over,
});

const sent = (out: EngineOutput) => out.units.map((u) => latin1(u.bytes).replace(/\r\n$/, ''));

/** Feed `replies` one receive each; collect what the client sent in answer. */
async function script(c: SmtpClientEngine, replies: string[]) {
  const out: string[] = [];
  const outputs: EngineOutput[] = [];
  outputs.push(await c.start());
  for (const r of replies) outputs.push(await c.receive(fromLatin1(r)));
  for (const o of outputs) out.push(...sent(o));
  return { sent: out, outputs, failure: outputs.find((o) => o.failure)?.failure, closed: outputs.some((o) => o.closed) };
}

/** Nodemailer smtp-server's wording (its defaults), not Postfix's. */
const NODEMAILER = [
  '220 mx.example.net ESMTP\r\n',
  '250-mx.example.net Nice to meet you, [127.0.0.1]\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE\r\n',
  '250 Accepted\r\n',
  '250 Accepted\r\n',
  '354 End data with <CR><LF>.<CR><LF>\r\n',
  '250 OK: message queued\r\n',
  '221 Bye\r\n',
];

describe('client engine on other servers\' wording', () => {
  it('delivers through Nodemailer-style replies, reading codes only', async () => {
    const c = new SmtpClientEngine(config());
    const r = await script(c, NODEMAILER);
    expect(r.sent).toEqual([
      'EHLO client.example.test',
      'MAIL FROM:<alice@example.test>',
      'RCPT TO:<bob@example.net>',
      'DATA',
      'Subject: hi\r\n\r\nhello\r\n.',
      'QUIT',
    ]);
    expect(c.state).toBe('done');
    expect(r.closed).toBe(true);
    expect(eventsOf(r.outputs.flatMap((o) => o.events), 'delivered')).toEqual([{ type: 'delivered', encrypted: false }]);
    expect(c.capabilities).toMatchObject({ pipelining: true, smtpUtf8: true, size: 0, starttls: false });
  });

  it('gives the same answers however the replies are cut into reads', async () => {
    const wire = fromLatin1(NODEMAILER.join(''));
    // Replies must arrive after the command they answer; the client sends the next command on
    // each reply, so feeding the whole stream in pieces models a server that pipelines nothing.
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: wire.length }), { maxLength: 10 }), async (cuts) => {
        const c = new SmtpClientEngine(config());
        const got: string[] = [...sent(await c.start())];
        let prev = 0;
        for (const p of [...new Set(cuts)].sort((a, b) => a - b).concat(wire.length)) {
          got.push(...sent(await c.receive(wire.subarray(prev, p))));
          prev = p;
        }
        expect(got).toEqual(['EHLO client.example.test', 'MAIL FROM:<alice@example.test>', 'RCPT TO:<bob@example.net>', 'DATA', 'Subject: hi\r\n\r\nhello\r\n.', 'QUIT']);
        expect(c.state).toBe('done');
      }),
      { numRuns: 100 },
    );
  });

  it('falls back to HELO when EHLO gets a 5xx (RFC 5321 §3.2), and then cannot STARTTLS', async () => {
    const c = new SmtpClientEngine(config({ tls: 'starttls' }));
    const r = await script(c, ['220 old.example.net SMTP\r\n', '502 unrecognized command\r\n', '250 old.example.net\r\n']);
    expect(r.sent).toEqual(['EHLO client.example.test', 'HELO client.example.test', 'MAIL FROM:<alice@example.test>']);
    const notes = eventsOf(r.outputs.flatMap((o) => o.events), 'note');
    expect(notes.find((n) => n.name === 'smtp.plaintext-fallback')).toBeDefined();
  });

  it('quits politely on a 554 greeting (RFC 5321 §3.1), but just goes on a 421', async () => {
    const rejected = await script(new SmtpClientEngine(config()), ['554 no SMTP service here\r\n']);
    expect(rejected.sent).toEqual(['QUIT']);
    expect(rejected.failure).toMatchObject({ check: 'smtp.reply', reply: { code: 554, text: 'no SMTP service here' }, queued: false });
    const busy = await script(new SmtpClientEngine(config()), ['421 4.3.2 too busy\r\n']);
    expect(busy.sent).toEqual([]);
    expect(busy.closed).toBe(true);
    expect(busy.failure).toMatchObject({ reply: { code: 421, enhanced: '4.3.2' }, queued: true });
  });

  it('hangs up on a reply that is not SMTP', async () => {
    const r = await script(new SmtpClientEngine(config()), ['HTTP/1.1 400 Bad Request\r\n']);
    expect(r.failure).toMatchObject({ check: 'smtp.reply-syntax', queued: true });
    expect(r.closed).toBe(true);
    expect(r.sent).toEqual([]);
  });

  it('hangs up on a reply line that never ends', async () => {
    const r = await script(new SmtpClientEngine(config()), ['220 ' + 'x'.repeat(5000)]);
    expect(r.failure).toMatchObject({ check: 'smtp.reply-syntax' });
  });
});

describe('client engine and STARTTLS', () => {
  const ehloWithStartTls = '250-mx.example.net\r\n250-STARTTLS\r\n250 8BITMIME\r\n';

  it('drops what the server sent in plaintext behind its 220, and waits for the stack', async () => {
    const c = new SmtpClientEngine(config({ tls: 'starttls' }));
    await c.start();
    await c.receive(fromLatin1('220 mx ESMTP\r\n'));
    expect(sent(await c.receive(fromLatin1(ehloWithStartTls)))).toEqual(['STARTTLS']);
    // An attacker appends a fake reply to the 220, hoping the client reads it as the EHLO reply.
    const out = await c.receive(fromLatin1('220 2.0.0 Ready\r\n250-mx.example.net\r\n250 AUTH PLAIN\r\n'));
    expect(eventsOf(out.events, 'starttls')).toHaveLength(1);
    expect(eventsOf(out.events, 'discarded').map((e) => latin1(e.bytes))).toEqual(['250-mx.example.net\r\n250 AUTH PLAIN\r\n']);
    expect(out.units).toEqual([]);
    expect(c.state).toBe('tlsHandshake');
    const up = await c.tlsEstablished();
    expect(sent(up)).toEqual(['EHLO client.example.test']);
    expect(c.capabilities.starttls).toBe(false);
    expect(c.encrypted).toBe(true);
  });

  it('with require-tls and no STARTTLS on offer, quits before MAIL', async () => {
    const c = new SmtpClientEngine(config({ tls: 'starttls', policy: 'require-tls' }));
    const r = await script(c, ['220 mx ESMTP\r\n', '250-mx.example.net\r\n250 8BITMIME\r\n', '221 Bye\r\n']);
    expect(r.sent).toEqual(['EHLO client.example.test', 'QUIT']);
    expect(r.failure).toMatchObject({ check: 'smtp.require-tls', queued: true });
    expect(c.state).toBe('failed');
  });

  it('sends the pipelined quirk in the same unit as STARTTLS, as two messages', async () => {
    const c = new SmtpClientEngine(config({ tls: 'starttls', quirks: { pipelineAfterStartTls: 'RSET' } }));
    await c.start();
    await c.receive(fromLatin1('220 mx ESMTP\r\n'));
    const out = await c.receive(fromLatin1(ehloWithStartTls));
    expect(out.units).toHaveLength(1);
    expect(latin1(out.units[0].bytes)).toBe('STARTTLS\r\nRSET\r\n');
    expect(out.units[0].messages.map((m) => m.name)).toEqual(['STARTTLS', 'RSET']);
    expect(out.units[0].fields.find((f) => f.name === 'Verb' && f.start === 10)).toBeDefined();
  });
});

describe('client engine failures and the queue', () => {
  it('keeps the message queued when the connection drops mid-dialogue', async () => {
    const c = new SmtpClientEngine(config());
    await script(c, ['220 mx ESMTP\r\n']);
    const out = await c.transportClosed(true);
    expect(out.failure).toMatchObject({ check: 'smtp.connection-reset', queued: true });
    expect(out.closed).toBe(true);
  });

  it('is done, not failed, when the server closes after the message was accepted', async () => {
    const c = new SmtpClientEngine(config());
    await script(c, NODEMAILER.slice(0, 6));
    expect(c.state).toBe('expectQuitReply');
    const out = await c.transportClosed(false);
    expect(out.failure).toBeUndefined();
    expect(c.state).toBe('done');
  });

  it('ignores a timer it no longer runs', async () => {
    const c = new SmtpClientEngine(config());
    await script(c, ['220 mx ESMTP\r\n']);
    expect(await c.timeout('initial-220')).toEqual({ units: [], events: [] });
    expect(c.state).toBe('expectEhloReply');
  });

  it('keeps the message queued when every recipient gets a 4xx, and says why', async () => {
    const c = new SmtpClientEngine(config({ to: ['a@example.net', 'b@example.net'] }));
    const r = await script(c, [NODEMAILER[0], NODEMAILER[1], '250 ok\r\n', '550 5.1.1 no such user\r\n', '450 4.2.0 try later\r\n']);
    expect(r.sent.slice(-1)).toEqual(['QUIT']);
    expect(r.failure).toMatchObject({ reply: { code: 450 }, queued: true });
  });

  it('shows AUTH PLAIN decoded and masked in the unit it sends', async () => {
    const c = new SmtpClientEngine(config({ tls: 'implicit', auth: { mechanism: 'PLAIN', user: 'alice', password: 's3cret' } }));
    await c.start();
    await c.receive(fromLatin1('220 mx ESMTP\r\n'));
    const out = await c.receive(fromLatin1('250-mx\r\n250 AUTH LOGIN PLAIN\r\n'));
    expect(out.units[0].messages[0]).toMatchObject({ name: 'AUTH', explain: 'smtp/auth-plain', notes: { decoded: '\\0alice\\0••••' } });
  });
});

describe('client engine as a probe (no recipient)', () => {
  it('after STARTTLS, EHLO again and AUTH, sends QUIT instead of MAIL and ends done, not failed', async () => {
    const c = new SmtpClientEngine(config({ to: [], message: '', tls: 'starttls', auth: { mechanism: 'PLAIN', user: 'alice', password: 's3cret' } }));
    const r1 = await script(c, ['220 mx ESMTP\r\n', '250-mx.example.net\r\n250 STARTTLS\r\n', '220 2.0.0 Ready to start TLS\r\n']);
    expect(r1.sent).toEqual(['EHLO client.example.test', 'STARTTLS']);
    const up = await c.tlsEstablished();
    expect(sent(up)).toEqual(['EHLO client.example.test']);
    const afterEhlo = await c.receive(fromLatin1('250-mx.example.net\r\n250 AUTH PLAIN LOGIN\r\n'));
    // RFC 4616 §2: "\0alice\0s3cret" in base64, worked by hand.
    expect(sent(afterEhlo)).toEqual(['AUTH PLAIN AGFsaWNlAHMzY3JldA==']);
    const afterAuth = await c.receive(fromLatin1('235 2.7.0 Authentication successful\r\n'));
    expect(sent(afterAuth)).toEqual(['QUIT']);
    expect(eventsOf(afterAuth.events, 'note').map((n) => n.name)).toContain('smtp.probe-done');
    const bye = await c.receive(fromLatin1('221 2.0.0 Bye\r\n'));
    expect(bye.closed).toBe(true);
    expect(bye.failure).toBeUndefined();
    expect(c.state).toBe('done');
  });

  it('without AUTH, quits right after the EHLO reply; a refused AUTH still fails with its reply', async () => {
    const plain = new SmtpClientEngine(config({ to: [], message: '' }));
    const r = await script(plain, ['220 mx ESMTP\r\n', '250 mx.example.net\r\n', '221 Bye\r\n']);
    expect(r.sent).toEqual(['EHLO client.example.test', 'QUIT']);
    expect(r.failure).toBeUndefined();
    expect(plain.state).toBe('done');

    const refused = new SmtpClientEngine(config({ to: [], message: '', tls: 'implicit', auth: { mechanism: 'PLAIN', user: 'alice', password: 'nope' } }));
    const f = await script(refused, ['220 mx ESMTP\r\n', '250-mx\r\n250 AUTH PLAIN\r\n', '535 5.7.8 Error: authentication failed\r\n', '221 Bye\r\n']);
    expect(f.sent.at(-1)).toBe('QUIT');
    expect(f.failure).toMatchObject({ check: 'smtp.reply', reply: { code: 535 } });
    expect(refused.state).toBe('failed');
  });
});

/**
 * Client engine ↔ server engine, with the connection stack's STARTTLS switch simulated. The
 * expected transcripts are written out by hand from RFC 5321 / 3207 / 4954 and Postfix's wording.
 */
import { describe, expect, it } from 'vitest';
import { converse, eventsOf } from '../../../test/support/smtp-dialogue.ts';
import { fromLatin1, latin1 } from '../bytes/hex.ts';
import { SmtpClientEngine, type SmtpClientConfig } from './client.ts';
import { SmtpServerEngine, type SmtpServerConfig } from './server.ts';

const MESSAGE = 'From: Alice <alice@example.test>\nTo: Bob <bob@mail.example.test>\nSubject: Hello\n\nHi Bob,\n.see you\n';
const MESSAGE_CRLF = 'From: Alice <alice@example.test>\r\nTo: Bob <bob@mail.example.test>\r\nSubject: Hello\r\n\r\nHi Bob,\r\n.see you\r\n';

const client = (over: Partial<SmtpClientConfig> = {}) =>
  new SmtpClientEngine({
    ehloName: 'client.example.test',
    serverName: 'mail.example.test',
    from: 'alice@example.test',
    to: ['bob@mail.example.test'],
    message: MESSAGE,
    tls: 'starttls',
    policy: 'opportunistic',
    ...over,
  });

const serverConfig = (over: Partial<SmtpServerConfig> = {}): SmtpServerConfig => ({
  hostname: 'mail.example.test',
  recipients: { localDomains: ['mail.example.test'], known: ['bob@mail.example.test', 'postmaster@mail.example.test'] },
  ...over,
});
const server = (over: Partial<SmtpServerConfig> = {}) => new SmtpServerEngine(serverConfig(over));

const EHLO_25 = [
  'S: 250-mail.example.test',
  'S: 250-PIPELINING',
  'S: 250-SIZE 10240000',
  'S: 250-VRFY',
  'S: 250-ETRN',
  'S: 250-STARTTLS',
  'S: 250-ENHANCEDSTATUSCODES',
  'S: 250-8BITMIME',
  'S: 250-DSN',
  'S: 250-SMTPUTF8',
  'S: 250 CHUNKING',
];
const tlsLines = (lines: string[]) => lines.map((l) => l.replace(/^(C:|S:) /, '$1 [tls] '));
const EHLO_TLS = tlsLines(EHLO_25.filter((l) => !l.includes('STARTTLS')));

describe('plain SMTP on port 25', () => {
  it('delivers without TLS when the client does not ask for it', async () => {
    const s = server();
    const d = await converse(client({ tls: 'none' }), s);
    expect(d.transcript).toEqual([
      'S: 220 mail.example.test ESMTP Postfix (Debian/GNU)',
      'C: EHLO client.example.test',
      ...EHLO_25,
      'C: MAIL FROM:<alice@example.test>',
      'S: 250 2.1.0 Ok',
      'C: RCPT TO:<bob@mail.example.test>',
      'S: 250 2.1.5 Ok',
      'C: DATA',
      'S: 354 End data with <CR><LF>.<CR><LF>',
      'C: <message lines> + "."',
      'S: 250 2.0.0 Ok: queued as 8A6DE17C1AA',
      'C: QUIT',
      'S: 221 2.0.0 Bye',
    ]);
    expect(eventsOf(d.clientEvents, 'delivered')).toEqual([{ type: 'delivered', queueId: '8A6DE17C1AA', encrypted: false }]);
    expect(latin1(s.queue[0].content)).toBe(MESSAGE_CRLF);
    expect(d.clientFailure).toBeUndefined();
    expect(d.clientClosed && d.serverClosed).toBe(true);
  });

  it('dot-stuffs ".see you" on the wire and the server unstuffs it', async () => {
    const d = await converse(client({ tls: 'none' }), server());
    const data = d.wire.find((w) => w.text.endsWith('\r\n.\r\n'))!;
    expect(data.text).toContain('\r\n..see you\r\n');
  });

  it('walks both machines through the states that say what they await', async () => {
    const d = await converse(client({ tls: 'none' }), server());
    expect(eventsOf(d.clientEvents, 'state').map((e) => e.state)).toEqual([
      'expectGreeting',
      'expectEhloReply',
      'expectMailReply',
      'expectRcptReply',
      'expectDataReply',
      'expectDataEndReply',
      'expectQuitReply',
      'done',
    ]);
    expect(eventsOf(d.serverEvents, 'state').map((e) => e.state)).toEqual([
      'expectHelo',
      'expectMail',
      'expectRcpt',
      'expectRcptOrData',
      'expectMailData',
      'expectMail',
      'closed',
    ]);
    expect(new Set(eventsOf(d.clientEvents, 'state').map((e) => e.machine))).toEqual(new Set(['smtp-client']));
  });

  it('asks for the RFC 5321 §4.5.3.2 timer before each reply it awaits', async () => {
    const d = await converse(client({ tls: 'none' }), server());
    expect(eventsOf(d.clientEvents, 'timer').map((e) => [e.name, e.ms])).toEqual([
      ['initial-220', 300_000],
      ['ehlo', 300_000],
      ['mail', 300_000],
      ['rcpt', 300_000],
      ['data-initiation', 120_000],
      ['data-block', 180_000],
      ['data-termination', 600_000],
      ['quit', 300_000],
    ]);
    expect(eventsOf(d.serverEvents, 'timer').every((e) => e.name === 'server' && e.ms === 300_000)).toBe(true);
  });
});

describe('STARTTLS on port 25', () => {
  it('upgrades, sends EHLO again, and the second list has no STARTTLS', async () => {
    const s = server();
    const d = await converse(client(), s);
    expect(d.transcript).toEqual([
      'S: 220 mail.example.test ESMTP Postfix (Debian/GNU)',
      'C: EHLO client.example.test',
      ...EHLO_25,
      'C: STARTTLS',
      'S: 220 2.0.0 Ready to start TLS',
      '   <TLS established>',
      'C: [tls] EHLO client.example.test',
      ...EHLO_TLS,
      'C: [tls] MAIL FROM:<alice@example.test>',
      'S: [tls] 250 2.1.0 Ok',
      'C: [tls] RCPT TO:<bob@mail.example.test>',
      'S: [tls] 250 2.1.5 Ok',
      'C: [tls] DATA',
      'S: [tls] 354 End data with <CR><LF>.<CR><LF>',
      'C: [tls] <message lines> + "."',
      'S: [tls] 250 2.0.0 Ok: queued as 8A6DE17C1AA',
      'C: [tls] QUIT',
      'S: [tls] 221 2.0.0 Bye',
    ]);
    expect(eventsOf(d.clientEvents, 'starttls')).toHaveLength(1);
    expect(eventsOf(d.serverEvents, 'starttls')).toHaveLength(1);
    expect(eventsOf(d.clientEvents, 'delivered')[0]).toMatchObject({ encrypted: true });
    expect(s.queue[0].encrypted).toBe(true);
    expect(eventsOf(d.clientEvents, 'state').map((e) => e.state)).toContain('tlsHandshake');
    expect(eventsOf(d.clientEvents, 'note').map((e) => e.name)).toContain('smtp.capabilities-forgotten');
  });

  it('answers STARTTLS with 454 4.7.0: opportunistic goes on in plaintext, and says so', async () => {
    const d = await converse(client({ policy: 'opportunistic' }), server({ starttls: 'unavailable' }));
    expect(d.transcript.slice(13, 17)).toEqual(['C: STARTTLS', 'S: 454 4.7.0 TLS not available due to local problem', 'C: MAIL FROM:<alice@example.test>', 'S: 250 2.1.0 Ok']);
    expect(eventsOf(d.clientEvents, 'note').find((n) => n.name === 'smtp.plaintext-fallback')).toBeDefined();
    expect(eventsOf(d.clientEvents, 'delivered')[0]).toMatchObject({ encrypted: false });
    expect(d.clientFailure).toBeUndefined();
  });

  it('answers STARTTLS with 454 4.7.0: require-tls quits and keeps the message queued', async () => {
    const d = await converse(client({ policy: 'require-tls' }), server({ starttls: 'unavailable' }));
    expect(d.transcript.slice(13)).toEqual(['C: STARTTLS', 'S: 454 4.7.0 TLS not available due to local problem', 'C: QUIT', 'S: 221 2.0.0 Bye']);
    expect(d.clientFailure).toMatchObject({
      detectedBy: 'client',
      check: 'smtp.require-tls',
      queued: true,
      reply: { code: 454, enhanced: '4.7.0' },
    });
    expect(eventsOf(d.clientEvents, 'delivered')).toEqual([]);
  });

  const stripStartTls = (b: Uint8Array) => fromLatin1(latin1(b).replace('250-STARTTLS\r\n', ''));

  it('never sees STARTTLS an attacker deleted from the EHLO reply: opportunistic sends in plaintext', async () => {
    const d = await converse(client({ policy: 'opportunistic' }), server(), { attacker: stripStartTls });
    expect(d.transcript).not.toContain('C: STARTTLS');
    expect(d.transcript).not.toContain('S: 250-STARTTLS');
    const fallback = eventsOf(d.clientEvents, 'note').find((n) => n.name === 'smtp.plaintext-fallback');
    expect(fallback?.text).toContain('not offered');
    expect(eventsOf(d.clientEvents, 'delivered')[0]).toMatchObject({ encrypted: false });
  });

  it('never sees STARTTLS an attacker deleted from the EHLO reply: require-tls refuses', async () => {
    const d = await converse(client({ policy: 'require-tls' }), server(), { attacker: stripStartTls });
    expect(d.transcript.slice(-2)).toEqual(['C: QUIT', 'S: 221 2.0.0 Bye']);
    expect(d.transcript.some((l) => l.startsWith('C: MAIL'))).toBe(false);
    expect(d.clientFailure).toMatchObject({ check: 'smtp.require-tls', queued: true });
    expect(d.clientFailure!.compared).toEqual([
      { name: 'policy', value: 'require-tls', kind: 'text' },
      { name: 'STARTTLS', value: 'not offered in the EHLO reply', kind: 'text' },
    ]);
  });

  it('discards a RSET pipelined behind STARTTLS in the same write (CVE-2011-0411)', async () => {
    const d = await converse(client({ quirks: { pipelineAfterStartTls: 'RSET\r\n' } }), server());
    expect(d.transcript.slice(13, 16)).toEqual(['C: STARTTLS', 'C: RSET', 'S: 220 2.0.0 Ready to start TLS']);
    expect(d.wire.find((w) => w.text.startsWith('STARTTLS'))!.text).toBe('STARTTLS\r\nRSET\r\n');
    expect(eventsOf(d.serverEvents, 'discarded').map((e) => latin1(e.bytes))).toEqual(['RSET\r\n']);
    // No reply to the RSET, before or after TLS: the next server line answers the new EHLO.
    expect(d.transcript[17]).toBe('C: [tls] EHLO client.example.test');
    expect(d.transcript[18]).toBe('S: [tls] 250-mail.example.test');
    expect(eventsOf(d.clientEvents, 'delivered')).toHaveLength(1);
  });
});

describe('submission on port 587', () => {
  const submission = (over: Partial<SmtpServerConfig> = {}) =>
    server({ requireTls: true, auth: { mechanisms: ['PLAIN', 'LOGIN'], users: { alice: 's3cret' } }, ...over });

  it('gets 530 5.7.0 for MAIL before STARTTLS, and the client gives up', async () => {
    const d = await converse(client({ auth: { mechanism: 'PLAIN', user: 'alice', password: 's3cret' }, quirks: { mailBeforeStartTls: true } }), submission());
    expect(d.transcript.slice(13)).toEqual(['C: MAIL FROM:<alice@example.test>', 'S: 530 5.7.0 Must issue a STARTTLS command first', 'C: QUIT', 'S: 221 2.0.0 Bye']);
    expect(d.clientFailure).toMatchObject({ check: 'smtp.reply', reply: { code: 530, enhanced: '5.7.0', text: 'Must issue a STARTTLS command first' } });
  });

  it('offers AUTH only after TLS, and AUTH PLAIN with an initial response succeeds', async () => {
    const d = await converse(client({ to: ['carol@elsewhere.example'], auth: { mechanism: 'PLAIN', user: 'alice', password: 's3cret' } }), submission());
    const afterTls = d.transcript.slice(d.transcript.indexOf('   <TLS established>'));
    expect(d.transcript.slice(0, 13).some((l) => l.includes('AUTH'))).toBe(false);
    expect(afterTls).toContain('S: [tls] 250-AUTH PLAIN LOGIN');
    expect(afterTls).toContain('C: [tls] AUTH PLAIN AGFsaWNlAHMzY3JldA==');
    expect(afterTls).toContain('S: [tls] 235 2.7.0 Authentication successful');
    // Relaying to another domain is allowed once authenticated.
    expect(afterTls).toContain('S: [tls] 250 2.1.5 Ok');
    expect(eventsOf(d.clientEvents, 'delivered')).toHaveLength(1);
  });

  it('AUTH PLAIN without an initial response gets an empty 334 first', async () => {
    const d = await converse(client({ auth: { mechanism: 'PLAIN', user: 'alice', password: 's3cret', initialResponse: false } }), submission());
    const i = d.transcript.indexOf('C: [tls] AUTH PLAIN');
    expect(d.transcript.slice(i, i + 4)).toEqual(['C: [tls] AUTH PLAIN', 'S: [tls] 334 ', 'C: [tls] AGFsaWNlAHMzY3JldA==', 'S: [tls] 235 2.7.0 Authentication successful']);
  });

  it('AUTH LOGIN asks for the username, then the password', async () => {
    const d = await converse(client({ auth: { mechanism: 'LOGIN', user: 'alice', password: 's3cret' } }), submission());
    const i = d.transcript.indexOf('C: [tls] AUTH LOGIN');
    // base64("alice") = YWxpY2U=, base64("s3cret") = czNjcmV0 (checked with Node's Buffer).
    expect(d.transcript.slice(i, i + 6)).toEqual([
      'C: [tls] AUTH LOGIN',
      'S: [tls] 334 VXNlcm5hbWU6',
      'C: [tls] YWxpY2U=',
      'S: [tls] 334 UGFzc3dvcmQ6',
      'C: [tls] czNjcmV0',
      'S: [tls] 235 2.7.0 Authentication successful',
    ]);
    const sentPassword = d.wire.find((w) => w.text === 'czNjcmV0\r\n');
    expect(sentPassword?.tls).toBe(true);
  });

  it('a wrong password gets 535 5.7.8 and the client quits', async () => {
    const d = await converse(client({ auth: { mechanism: 'PLAIN', user: 'alice', password: 'wrong' } }), submission());
    expect(d.transcript.slice(-3)).toEqual(['S: [tls] 535 5.7.8 Error: authentication failed: authentication failure', 'C: [tls] QUIT', 'S: [tls] 221 2.0.0 Bye']);
    expect(d.clientFailure).toMatchObject({ check: 'smtp.reply', reply: { code: 535, enhanced: '5.7.8' }, queued: false });
    const check = eventsOf(d.serverEvents, 'calc').find((c) => c.name === 'auth')!;
    expect(check.checks![0]).toMatchObject({ id: 'smtp.auth', ok: false });
    expect(JSON.stringify(d.serverEvents)).not.toContain('wrong');
  });

  it('a client whose TLS is not wanted cannot authenticate: AUTH is never offered in plaintext', async () => {
    const d = await converse(client({ tls: 'none', auth: { mechanism: 'PLAIN', user: 'alice', password: 's3cret' } }), submission({ requireTls: false }));
    expect(d.clientFailure).toMatchObject({ check: 'smtp.auth-unavailable', queued: true });
    expect(d.transcript.slice(-2)).toEqual(['C: QUIT', 'S: 221 2.0.0 Bye']);
  });
});

describe('implicit TLS on port 465', () => {
  it('starts with the greeting under TLS and never offers STARTTLS', async () => {
    const d = await converse(client({ tls: 'implicit' }), server({ implicitTls: true }));
    expect(d.transcript).not.toContain('S: 250-STARTTLS');
    expect(eventsOf(d.clientEvents, 'starttls')).toEqual([]);
    expect(eventsOf(d.clientEvents, 'delivered')[0]).toMatchObject({ encrypted: true });
  });
});

describe('size limits', () => {
  const big = 'Subject: big\n\n' + 'x'.repeat(300) + '\n';

  it('refuses an oversized message with 552 5.3.4 after the final "."', async () => {
    const d = await converse(client({ tls: 'none', message: big }), server({ extensions: { size: 200 } }));
    expect(d.transcript).toContain('S: 250-SIZE 200');
    expect(d.transcript.slice(-4)).toEqual(['C: <message lines> + "."', 'S: 552 5.3.4 Message size exceeds fixed limit', 'C: QUIT', 'S: 221 2.0.0 Bye']);
    expect(d.clientFailure).toMatchObject({ reply: { code: 552, enhanced: '5.3.4' }, queued: false });
  });

  it('refuses a declared oversized message at MAIL, before any data (RFC 1870)', async () => {
    // SIZE: "Subject: big\r\n" 14 + "\r\n" 2 + 300 x and CRLF 302 = 318 octets.
    const d = await converse(client({ tls: 'none', message: big, declareSize: true }), server({ extensions: { size: 200 } }));
    expect(d.transcript.slice(-4)).toEqual(['C: MAIL FROM:<alice@example.test> SIZE=318', 'S: 552 5.3.4 Message size exceeds fixed limit', 'C: QUIT', 'S: 221 2.0.0 Bye']);
  });
});

describe('greylisting', () => {
  it('answers the first RCPT of a new triplet with 451 4.7.1, then lets it through after the delay', async () => {
    const firstSeen: Record<string, number> = {};
    const grey = (now: number) => server({ clientIp: '192.0.2.25', greylist: { delayMs: 300_000, firstSeen, now } });

    const first = await converse(client({ tls: 'none' }), grey(0));
    expect(first.transcript).toContain('S: 451 4.7.1 <bob@mail.example.test>: Recipient address rejected: Greylisted, try again in 300 seconds');
    expect(first.clientFailure).toMatchObject({ check: 'smtp.reply', reply: { code: 451, enhanced: '4.7.1' }, queued: true });
    expect(eventsOf(first.serverEvents, 'note').filter((n) => n.name === 'greylist.record').map((n) => n.text)).toEqual([
      '192.0.2.25/alice@example.test/bob@mail.example.test',
    ]);
    expect(firstSeen).toEqual({ '192.0.2.25/alice@example.test/bob@mail.example.test': 0 });

    const early = await converse(client({ tls: 'none' }), grey(299_000));
    expect(early.transcript).toContain('S: 451 4.7.1 <bob@mail.example.test>: Recipient address rejected: Greylisted, try again in 1 seconds');

    const later = await converse(client({ tls: 'none' }), grey(300_000));
    expect(later.clientFailure).toBeUndefined();
    expect(eventsOf(later.clientEvents, 'delivered')).toHaveLength(1);
    expect(eventsOf(later.serverEvents, 'note').map((n) => n.name)).toContain('greylist.pass');
  });
});

describe('recipients', () => {
  it('delivers to the accepted recipient and notes the one the server does not know', async () => {
    const d = await converse(client({ tls: 'none', to: ['nobody@mail.example.test', 'bob@mail.example.test'] }), server());
    expect(d.transcript).toContain('S: 550 5.1.1 <nobody@mail.example.test>: Recipient address rejected: User unknown in local recipient table');
    expect(eventsOf(d.clientEvents, 'delivered')).toHaveLength(1);
    expect(eventsOf(d.clientEvents, 'note').filter((n) => n.name === 'smtp.recipient-rejected')).toHaveLength(1);
  });

  it('gives up when every recipient is refused, for good when the refusals are 5xx', async () => {
    const d = await converse(client({ tls: 'none', to: ['carol@elsewhere.example'] }), server());
    expect(d.transcript).toContain('S: 554 5.7.1 <carol@elsewhere.example>: Relay access denied');
    expect(d.clientFailure).toMatchObject({ reply: { code: 554 }, queued: false });
    expect(d.transcript.some((l) => l === 'C: DATA')).toBe(false);
  });
});

describe('timeouts', () => {
  it('client: no greeting within 5 minutes fails the attempt and keeps the message queued', async () => {
    const c = client();
    const start = await c.start();
    expect(eventsOf(start.events, 'timer')).toEqual([{ type: 'timer', name: 'initial-220', ms: 300_000 }]);
    const out = await c.timeout('initial-220');
    expect(out.failure).toEqual({
      detectedBy: 'client',
      check: 'smtp.timeout',
      message: 'smtp: no greeting within 300 s',
      compared: [
        { name: 'timer', value: 'initial-220', kind: 'text' },
        { name: 'ms', value: '300000', kind: 'text' },
      ],
      queued: true,
    });
    expect(out.closed).toBe(true);
    expect(out.units).toEqual([]);
    expect(c.state).toBe('failed');
  });

  it('client: waiting for the 354 the data initiation timer runs out after 2 minutes', async () => {
    const c = client({ tls: 'none' });
    const s = server();
    // Pump by hand until DATA is sent, then let the timer expire instead of delivering the 354.
    let toClient = (await s.start()).units;
    await c.start();
    for (;;) {
      const out = await c.receive(toClient[0].bytes);
      const sent = out.units[0];
      if (latin1(sent.bytes) === 'DATA\r\n') break;
      toClient = (await s.receive(sent.bytes)).units;
    }
    expect(c.state).toBe('expectDataReply');
    expect((await c.timeout('rcpt')).units).toEqual([]);
    const out = await c.timeout('data-initiation');
    expect(out.failure).toMatchObject({ check: 'smtp.timeout', compared: [{ value: 'data-initiation' }, { value: '120000' }] });
  });

  it('server: after 5 minutes of silence says 421 4.4.2 and closes', async () => {
    const s = server();
    await s.start();
    const out = await s.timeout('server');
    expect(out.units.map((u) => latin1(u.bytes))).toEqual(['421 4.4.2 mail.example.test Error: timeout exceeded\r\n']);
    expect(out.closed).toBe(true);
    expect(out.failure).toMatchObject({ detectedBy: 'server', check: 'smtp.timeout' });
    expect(out.units[0].messages[0].explain).toBe('smtp/reply-421-timeout');
  });
});

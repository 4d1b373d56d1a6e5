/**
 * The project's SMTP client engine against a real SMTP server on 127.0.0.1: Nodemailer's
 * `smtp-server`, plaintext (STARTTLS disabled; AUTH disabled, or allowed without TLS for the AUTH
 * tests). The server picks a free port; every server is closed after its test.
 */
import { connect, type AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { SmtpClientEngine, type SmtpClientConfig } from '../../src/protocol/smtp/client.ts';
import { pumpEngine } from '../support/smtp-socket.ts';

interface Received {
  from: string;
  to: string[];
  data: string;
  user?: string;
}

let running: SMTPServer | undefined;

afterEach(async () => {
  const s = running;
  running = undefined;
  if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
});

async function startServer(options: Partial<SMTPServerOptions> = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    name: 'mx.interop.test',
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString('utf8'),
          ...(session.user ? { user: String(session.user) } : {}),
        });
        callback();
      });
    },
    ...options,
  });
  running = server;
  await new Promise<void>((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return { port, received };
}

const MESSAGE = 'From: <alice@example.test>\nTo: <bob@example.net>\nSubject: interop\n\nHello from Handshake Lab.\n.a line that starts with a period\n';

function client(over: Partial<SmtpClientConfig> = {}) {
  return new SmtpClientEngine({
    ehloName: 'client.example.test',
    serverName: 'mx.interop.test',
    from: 'alice@example.test',
    to: ['bob@example.net'],
    message: MESSAGE,
    tls: 'none',
    policy: 'opportunistic',
    ...over,
  });
}

describe('SMTP client engine ↔ Nodemailer smtp-server on 127.0.0.1', () => {
  it('delivers a message in plaintext; the server receives it with the period unstuffed', async () => {
    const { port, received } = await startServer();
    const result = await pumpEngine(client(), connect(port, '127.0.0.1'), { timeoutMs: 10_000 });
    expect(result.end).toBe('engine-closed');
    expect(result.failure).toBeUndefined();
    expect(result.events.some((e) => e.type === 'delivered' && !e.encrypted)).toBe(true);
    expect(received).toHaveLength(1);
    expect(received[0].from).toBe('alice@example.test');
    expect(received[0].to).toEqual(['bob@example.net']);
    expect(received[0].data).toBe(MESSAGE.replaceAll('\n', '\r\n'));
    expect(result.sent.at(-1)).toBe('QUIT\r\n');
  });

  it('falls back to plaintext when STARTTLS is not offered and the policy is opportunistic', async () => {
    const { port, received } = await startServer();
    const result = await pumpEngine(client({ tls: 'starttls' }), connect(port, '127.0.0.1'), { timeoutMs: 10_000 });
    expect(result.events.some((e) => e.type === 'note' && e.name === 'smtp.plaintext-fallback')).toBe(true);
    expect(received).toHaveLength(1);
  });

  it('refuses to send when STARTTLS is not offered and the policy requires TLS', async () => {
    const { port, received } = await startServer();
    const result = await pumpEngine(client({ tls: 'starttls', policy: 'require-tls' }), connect(port, '127.0.0.1'), { timeoutMs: 10_000 });
    expect(result.failure).toMatchObject({ check: 'smtp.require-tls', queued: true });
    expect(result.sent).toEqual(['EHLO client.example.test\r\n', 'QUIT\r\n']);
    expect(received).toEqual([]);
  });

  it('sends one RCPT per recipient and notes the one the server refuses', async () => {
    const { port, received } = await startServer({
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('nobody')) callback(new Error('No such user'));
        else callback();
      },
    });
    const result = await pumpEngine(client({ to: ['nobody@example.net', 'bob@example.net'] }), connect(port, '127.0.0.1'), { timeoutMs: 10_000 });
    expect(received.map((r) => r.to)).toEqual([['bob@example.net']]);
    expect(result.events.some((e) => e.type === 'note' && e.name === 'smtp.recipient-rejected')).toBe(true);
  });

  describe('AUTH, allowed without TLS on this test server only', () => {
    const authServer = () =>
      startServer({
        disabledCommands: ['STARTTLS'],
        allowInsecureAuth: true,
        authMethods: ['PLAIN', 'LOGIN'],
        onAuth(auth, _session, callback) {
          if (auth.username === 'alice' && auth.password === 's3cret') callback(null, { user: 'alice' });
          else callback(new Error('Invalid username or password'));
        },
      });

    for (const mechanism of ['PLAIN', 'LOGIN'] as const) {
      it(`authenticates with AUTH ${mechanism}, the server decoding the same credentials`, async () => {
        const { port, received } = await authServer();
        const result = await pumpEngine(client({ auth: { mechanism, user: 'alice', password: 's3cret' } }), connect(port, '127.0.0.1'), { timeoutMs: 10_000 });
        expect(result.failure).toBeUndefined();
        expect(received).toHaveLength(1);
        expect(received[0].user).toBe('alice');
      });
    }

    it('stops on the server\'s 535 for a wrong password', async () => {
      const { port, received } = await authServer();
      const result = await pumpEngine(client({ auth: { mechanism: 'PLAIN', user: 'alice', password: 'nope' } }), connect(port, '127.0.0.1'), { timeoutMs: 10_000 });
      expect(result.failure).toMatchObject({ check: 'smtp.reply', reply: { code: 535 } });
      expect(received).toEqual([]);
    });
  });
});

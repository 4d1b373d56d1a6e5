/**
 * A real SMTP client, swaks, against the project's SMTP server engine on a `net.createServer`
 * socket on 127.0.0.1 (free port), in plaintext. swaks runs with its own timeout and is killed
 * if it outlives the test's; the listening socket is closed after each test.
 */
import { execFile } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SmtpServerEngine, type SmtpServerConfig } from '../../src/protocol/smtp/server.ts';
import { pumpEngine, type PumpResult } from '../support/smtp-socket.ts';

let listening: Server | undefined;

afterEach(async () => {
  const s = listening;
  listening = undefined;
  if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
});

async function serve(config: Partial<SmtpServerConfig> = {}) {
  const engines: SmtpServerEngine[] = [];
  const runs: Promise<PumpResult>[] = [];
  const server = createServer((socket) => {
    const engine = new SmtpServerEngine({
      hostname: 'mail.example.test',
      recipients: { localDomains: ['mail.example.test'], known: ['bob@mail.example.test'] },
      ...config,
    });
    engines.push(engine);
    runs.push(pumpEngine(engine, socket, { timeoutMs: 15_000 }));
  });
  listening = server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { port: (server.address() as AddressInfo).port, engines, runs };
}

function swaks(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = execFile('swaks', ['--timeout', '10', ...args], { timeout: 20_000, killSignal: 'SIGKILL' }, (error, stdout) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout: String(stdout) });
    });
    child.stdin?.end();
  });
}

const base = (port: number) => ['--server', `127.0.0.1:${port}`, '--from', 'alice@example.test', '--to', 'bob@mail.example.test', '--helo', 'client.example.test'];

describe('swaks → SMTP server engine on 127.0.0.1', () => {
  it('delivers a message: swaks sees Postfix\'s replies and the engine queues it', async () => {
    const { port, engines, runs } = await serve();
    const { code, stdout } = await swaks(base(port));
    expect(code).toBe(0);
    expect(stdout).toContain('<-  220 mail.example.test ESMTP Postfix (Debian/GNU)');
    expect(stdout).toContain('<-  250 2.1.5 Ok');
    expect(stdout).toMatch(/<- {2}250 2\.0\.0 Ok: queued as 8A6DE17C1AA/);
    expect(stdout).toContain('<-  221 2.0.0 Bye');
    await Promise.all(runs);
    expect(engines[0].queue).toHaveLength(1);
    expect(engines[0].queue[0]).toMatchObject({ from: 'alice@example.test', to: ['bob@mail.example.test'], encrypted: false });
    expect(Buffer.from(engines[0].queue[0].content).toString('latin1')).toMatch(/^Date: .*\r\n/);
  });

  it('answers swaks\'s pipelined MAIL, RCPT and DATA in order (RFC 2920)', async () => {
    const { port, engines, runs } = await serve();
    const { code, stdout } = await swaks([...base(port), '--pipeline']);
    expect(code).toBe(0);
    expect(stdout).toContain('<-  354 End data with <CR><LF>.<CR><LF>');
    await Promise.all(runs);
    expect(engines[0].queue).toHaveLength(1);
  });

  it('refuses an unknown local recipient with 550 5.1.1; swaks gives up', async () => {
    const { port, engines, runs } = await serve();
    const { code, stdout } = await swaks(['--server', `127.0.0.1:${port}`, '--from', 'alice@example.test', '--to', 'nobody@mail.example.test', '--helo', 'client.example.test']);
    expect(code).not.toBe(0);
    expect(stdout).toContain('<** 550 5.1.1 <nobody@mail.example.test>: Recipient address rejected: User unknown in local recipient table');
    await Promise.all(runs);
    expect(engines[0].queue).toEqual([]);
  });

  it('says 530 5.7.0 to MAIL before STARTTLS when TLS is required', async () => {
    const { port, runs } = await serve({ requireTls: true });
    const { code, stdout } = await swaks(base(port));
    expect(code).not.toBe(0);
    expect(stdout).toContain('<** 530 5.7.0 Must issue a STARTTLS command first');
    await Promise.all(runs);
  });

  for (const mechanism of ['PLAIN', 'LOGIN']) {
    it(`authenticates swaks with AUTH ${mechanism} (AUTH allowed without TLS on this test server)`, async () => {
      const { port, runs } = await serve({ auth: { mechanisms: ['PLAIN', 'LOGIN'], users: { alice: 's3cret' }, tlsOnly: false } });
      const { code, stdout } = await swaks([...base(port), '--auth', mechanism, '--auth-user', 'alice', '--auth-password', 's3cret']);
      expect(code).toBe(0);
      expect(stdout).toContain('<-  235 2.7.0 Authentication successful');
      const [run] = await Promise.all(runs);
      const check = run.events.find((e) => e.type === 'calc' && e.name === 'auth');
      expect(check).toMatchObject({ checks: [{ id: 'smtp.auth', ok: true }] });
    });
  }
});

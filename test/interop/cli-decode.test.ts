/**
 * `lab decode` on bytes nobody here wrote: the first record `openssl s_client` sends, captured by a
 * TCP server the test runs on 127.0.0.1, is listed field by field — suites, groups, SNI, key
 * shares. Garbage exits 2 with one line naming the field and the offset.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { toHex } from '../../src/protocol/bytes/hex.ts';
import { startLab } from '../support/lab-process.ts';
import { startProgram } from '../support/processes.ts';

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function lab(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

/** Listen on 127.0.0.1; resolve with the first whole TLS record a client sends. */
async function captureFirstRecord(): Promise<{ port: number; record: Promise<Uint8Array> }> {
  let deliver!: (b: Uint8Array) => void;
  const record = new Promise<Uint8Array>((resolve) => (deliver = resolve));
  const server: Server = createServer((socket) => {
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (buffer.length >= 5 && buffer.length >= 5 + buffer.readUInt16BE(3)) {
        deliver(new Uint8Array(buffer.subarray(0, 5 + buffer.readUInt16BE(3))));
        socket.destroy();
      }
    });
    socket.on('error', () => undefined);
  });
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, record };
}

async function openSslClientHello(): Promise<Uint8Array> {
  const { port, record } = await captureFirstRecord();
  const client = startProgram('openssl', [
    's_client',
    '-connect',
    `127.0.0.1:${port}`,
    '-servername',
    'mail.example.test',
    '-groups',
    'X25519:P-256',
  ]);
  cleanups.push(() => client.stop());
  return record;
}

describe('lab decode of a ClientHello captured from openssl s_client', () => {
  it('lists its suites, groups, SNI and key shares, one field a line with its bytes', async () => {
    const bytes = await openSslClientHello();
    const hex = toHex(bytes);
    const { code, stdout, stderr } = await lab('decode', hex);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`${bytes.length} bytes`);
    expect(lines[1]).toMatch(/^TLSPlaintext: handshake \(22\) +16 03 01 /);
    expect(stdout).toMatch(/^ {4}ClientHello: client_hello \(1\) +01 00 /m);
    for (const suite of ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256']) {
      expect(stdout).toMatch(new RegExp(`^ +CipherSuite: ${suite} +[0-9a-f]{2} [0-9a-f]{2}$`, 'm'));
    }
    // The order OpenSSL was told (-groups X25519:P-256), with their code points (RFC 8446 §4.2.7).
    expect([...stdout.matchAll(/^ +NamedGroup: (\S+) +([0-9a-f ]+)$/gm)].map((m) => `${m[1]} ${m[2]}`)).toEqual([
      'x25519 00 1d',
      'secp256r1 00 17',
    ]);
    // 17 bytes: more than 16, so the middle is left out.
    expect(stdout).toMatch(
      /^ +HostName: mail\.example\.test +6d 61 69 6c 2e 65 78 61 6d 70 6c 65 … 74 65 73 74 \(17 bytes\)$/m,
    );
    expect(stdout).toMatch(/^ +KeyShareEntry: x25519 /m);
    // Long fields are shortened: first bytes … last bytes (length).
    expect(stdout).toMatch(/^ +random: .* … [0-9a-f ]{11} \(32 bytes\)$/m);
  });

  it('reads the bytes from stdin with -, through npm run -s lab as a user types it', async () => {
    const bytes = await openSslClientHello();
    // As Wireshark's "Copy as hex dump" would paste it, 16 bytes a line with an offset column.
    const dump = Array.from(
      { length: Math.ceil(bytes.length / 16) },
      (_, i) => `${(i * 16).toString(16).padStart(4, '0')}   ${toHex(bytes.subarray(i * 16, i * 16 + 16), ' ')}`,
    ).join('\n');
    const run = startLab(['decode', '-'], { input: dump + '\n', timeoutMs: 30_000 });
    cleanups.push(() => run.stop());
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toMatch(/^ +HostName: mail\.example\.test /m);
  });
});

describe('lab decode of garbage exits 2 with one line naming the field and offset', () => {
  for (const [input, pattern] of [
    ['zz', /^lab: cannot decode: "z" is not a hex digit \(field hex, offset 0\)$/],
    ['160301000501', /^lab: cannot decode: .* \(field fragment, offset 5\)$/],
    ['ffffffff', /^lab: cannot decode: neither a TLS record .* \(field ContentType, offset 0\)$/],
    // A bare ClientHello whose body stops after legacy_version: the random is missing at offset 6.
    ['01000002 0303', /^lab: cannot decode: .*\(field random, offset 6\)$/],
  ] as const) {
    it(`lab decode ${input}`, async () => {
      const { code, stdout, stderr } = await lab('decode', input);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr.trimEnd()).toMatch(pattern);
    });
  }

  it('through npm run -s lab: garbage exits 2, no stack trace', async () => {
    const run = startLab(['decode', 'not hex at all'], { timeoutMs: 30_000 });
    cleanups.push(() => run.stop());
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(/^lab: cannot decode: "n" is not a hex digit \(field hex, offset 0\)\n$/);
  });

  it('no argument is bad usage', async () => {
    const { code, stderr } = await lab('decode');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^lab: decode needs hex bytes/);
  });
});

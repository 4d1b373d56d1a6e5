/** The URLs of probe and serve, and the per-connection trace file names. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../args.ts';
import { traceFileFor } from './serve.ts';
import { parseTarget, plainAddress } from './target.ts';

describe('parseTarget', () => {
  it('reads each scheme with its stacking, scenario and well-known port', () => {
    expect(parseTarget('smtp://mail.example.net', 'probe')).toMatchObject({
      scheme: 'smtp',
      mode: 'starttls',
      port: 25,
      scenario: 'smtp-starttls',
      host: 'mail.example.net',
    });
    expect(parseTarget('submission://mail.example.net', 'probe')).toMatchObject({
      mode: 'starttls',
      port: 587,
      scenario: 'submission',
    });
    expect(parseTarget('smtps://mail.example.net', 'probe')).toMatchObject({
      mode: 'implicit',
      port: 465,
      scenario: 'smtps',
    });
    expect(parseTarget('tls://127.0.0.1:8443', 'probe')).toMatchObject({
      mode: 'tls-only',
      port: 8443,
      scenario: 'tls13',
      text: 'tls://127.0.0.1:8443',
    });
    expect(parseTarget('tls://[::1]:4433', 'probe')).toMatchObject({
      host: '::1',
      port: 4433,
      text: 'tls://[::1]:4433',
    });
  });

  it('lets serve ask for any free port (0) but not probe', () => {
    expect(parseTarget('tls://127.0.0.1:0', 'serve').port).toBe(0);
    expect(() => parseTarget('tls://127.0.0.1:0', 'probe')).toThrow(UsageError);
  });

  for (const bad of [
    '',
    'mail.example.net',
    'http://example.net',
    'smtp://',
    'smtp://host:70000',
    'smtp://host:25/path',
    'smtp://[nothex]:25',
    'smtp://a b:25',
  ]) {
    it(`refuses "${bad}" with a UsageError`, () => {
      expect(() => parseTarget(bad, 'probe')).toThrow(UsageError);
    });
  }

  it('either parses arbitrary text or throws UsageError, nothing else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc
            .constantFrom('smtp://', 'tls://', 'smtps://[', 'submission://h:')
            .chain((p) => fc.string().map((s) => p + s)),
        ),
        (text) => {
          try {
            const t = parseTarget(text, 'serve');
            expect(t.port).toBeGreaterThanOrEqual(0);
            expect(t.port).toBeLessThanOrEqual(65535);
          } catch (e) {
            expect(e).toBeInstanceOf(UsageError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('addresses and trace files', () => {
  it('shows an IPv4 client of a dual-stack socket as IPv4', () => {
    expect(plainAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(plainAddress('::1')).toBe('::1');
  });

  it('names one trace file per connection: FILE, then FILE with -2, -3 before the extension', () => {
    expect(traceFileFor('out/trace.json', 1)).toBe('out/trace.json');
    expect(traceFileFor('out/trace.json', 2)).toBe('out/trace-2.json');
    expect(traceFileFor('trace', 3)).toBe('trace-3');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../bytes/errors.ts';
import { fromLatin1, utf8Encode } from '../bytes/hex.ts';
import { commandVerb, decodeAuthResponse, decodeCommand, encodeCommand, type SmtpCommand } from './command.ts';

const line = (s: string) => utf8Encode(s);
const spans = (fields: { name: string; start: number; end: number }[]) => fields.map((f) => [f.name, f.start, f.end]);

function decodeError(bytes: Uint8Array): DecodeError {
  try {
    decodeCommand(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return e as DecodeError;
  }
  throw new Error('expected a DecodeError');
}

describe('decodeCommand', () => {
  it('records Verb, FROM:, Reverse-path with its Mailbox parts, Mail-parameters and CRLF with their spans', () => {
    // Offsets counted by hand: "MAIL" 0-4, " " 4, "FROM:" 5-10, "<alice@example.test>" 10-30,
    // " " 30, "SIZE=1024 BODY=8BITMIME" 31-54, CRLF 54-56.
    const { command, fields } = decodeCommand(line('MAIL FROM:<alice@example.test> SIZE=1024 BODY=8BITMIME\r\n'));
    expect(command).toEqual({
      verb: 'MAIL',
      path: 'alice@example.test',
      params: [
        { keyword: 'SIZE', value: '1024' },
        { keyword: 'BODY', value: '8BITMIME' },
      ],
    });
    expect(spans(fields)).toEqual([
      ['Verb', 0, 4],
      ['SP', 4, 5],
      ['FROM:', 5, 10],
      ['Reverse-path', 10, 30],
      ['SP', 30, 31],
      ['Mail-parameters', 31, 54],
      ['CRLF', 54, 56],
    ]);
    const path = fields[3];
    expect(spans(path.children!)).toEqual([['Mailbox', 11, 29]]);
    expect(spans(path.children![0].children!)).toEqual([
      ['Local-part', 11, 16],
      ['Domain', 17, 29],
    ]);
    const params = fields[5].children!;
    expect(params.map((p) => [p.name, p.value])).toEqual([
      ['esmtp-param', 'SIZE=1024'],
      ['SP', undefined],
      ['esmtp-param', 'BODY=8BITMIME'],
    ]);
    expect(spans(params[0].children!)).toEqual([
      ['esmtp-keyword', 31, 35],
      ['esmtp-value', 36, 40],
    ]);
  });

  it('reads the null reverse-path <> (RFC 5321 §4.1.1.2)', () => {
    expect(decodeCommand(line('MAIL FROM:<>\r\n')).command).toEqual({ verb: 'MAIL', path: '', params: [] });
  });

  it('reads <Postmaster> without a domain as a forward-path (RFC 5321 §4.5.1)', () => {
    expect(decodeCommand(line('RCPT TO:<Postmaster>\r\n')).command.path).toBe('Postmaster');
  });

  it('drops a source route but records it as A-d-l (RFC 5321 Appendix C)', () => {
    const { command, fields } = decodeCommand(line('RCPT TO:<@hosta.int,@jkl.org:userc@d.bar.org>\r\n'));
    expect(command.path).toBe('userc@d.bar.org');
    expect(fields.find((f) => f.name === 'Forward-path')!.children!.map((c) => [c.name, c.value])).toEqual([
      ['A-d-l', '@hosta.int,@jkl.org'],
      ['Mailbox', 'userc@d.bar.org'],
    ]);
  });

  it('tolerates lower case and a space after the colon, as Postfix does', () => {
    expect(decodeCommand(line('mail from: <a@b.example>\r\n')).command).toEqual({ verb: 'MAIL', path: 'a@b.example', params: [] });
  });

  it('reads a quoted Local-part with ">" and "@" inside it', () => {
    expect(decodeCommand(line('RCPT TO:<"odd>@name"@example.test>\r\n')).command.path).toBe('"odd>@name"@example.test');
  });

  it('reads a UTF-8 Mailbox (RFC 6531)', () => {
    expect(decodeCommand(line('MAIL FROM:<用户@例子.测试> SMTPUTF8\r\n')).command).toEqual({
      verb: 'MAIL',
      path: '用户@例子.测试',
      params: [{ keyword: 'SMTPUTF8' }],
    });
  });

  it('reads EHLO with a Domain and with an address-literal', () => {
    expect(decodeCommand(line('EHLO client.example.test\r\n')).command).toEqual({ verb: 'EHLO', domain: 'client.example.test' });
    const { command, fields } = decodeCommand(line('EHLO [192.0.2.1]\r\n'));
    expect(command.domain).toBe('[192.0.2.1]');
    expect(fields[2]).toMatchObject({ name: 'address-literal', start: 5, end: 16 });
  });

  it('reads AUTH with sasl-mech and initial-response (the RFC 4954 §4 example)', () => {
    const { command, fields } = decodeCommand(line('AUTH PLAIN dGVzdAB0ZXN0ADEyMzQ=\r\n'));
    expect(command).toEqual({ verb: 'AUTH', mechanism: 'PLAIN', initialResponse: 'dGVzdAB0ZXN0ADEyMzQ=' });
    expect(spans(fields)).toEqual([
      ['Verb', 0, 4],
      ['SP', 4, 5],
      ['sasl-mech', 5, 10],
      ['SP', 10, 11],
      ['initial-response', 11, 31],
      ['CRLF', 31, 33],
    ]);
  });

  it('reads BDAT chunk-size and the LAST end-marker (RFC 3030)', () => {
    expect(decodeCommand(line('BDAT 1000 LAST\r\n')).command).toEqual({ verb: 'BDAT', chunkSize: 1000, last: true });
    expect(decodeCommand(line('BDAT 0\r\n')).command).toEqual({ verb: 'BDAT', chunkSize: 0 });
  });

  it('keeps the argument of any other verb as String, trailing spaces dropped', () => {
    expect(decodeCommand(line('STARTTLS now  \r\n')).command).toEqual({ verb: 'STARTTLS', argument: 'now' });
    expect(decodeCommand(line('QUIT\r\n')).command).toEqual({ verb: 'QUIT' });
    expect(decodeCommand(line('XYZZY plugh\r\n')).command).toEqual({ verb: 'XYZZY', argument: 'plugh' });
  });

  it('rejects a line without CRLF, with a bare LF, or with a bare CR, naming CRLF', () => {
    expect(decodeError(line('NOOP')).field).toBe('CRLF');
    expect(decodeError(line('NOOP\n')).field).toBe('CRLF');
    expect(decodeError(line('NO\nOP\r\n'))).toMatchObject({ field: 'CRLF', offset: 2 });
    expect(decodeError(line('NO\rOP\r\n'))).toMatchObject({ field: 'CRLF', offset: 2 });
  });

  it('names the field that is wrong in MAIL and RCPT', () => {
    expect(decodeError(line('MAIL TO:<a@b.example>\r\n')).field).toBe('FROM:');
    expect(decodeError(line('MAIL FROM:a@b.example\r\n')).field).toBe('Reverse-path');
    expect(decodeError(line('MAIL FROM:<a@b.example\r\n')).field).toBe('Reverse-path');
    expect(decodeError(line('MAIL FROM:<no-at-sign>\r\n')).field).toBe('Mailbox');
    expect(decodeError(line('MAIL FROM:<a..b@c.example>\r\n')).field).toBe('Local-part');
    expect(decodeError(line('RCPT TO:<>\r\n')).field).toBe('Forward-path');
    expect(decodeError(line('RCPT TO:<a@b.example> =x\r\n')).field).toBe('esmtp-keyword');
    expect(decodeError(line('MAIL FROM:<a@b.example> SIZE=\r\n')).field).toBe('esmtp-value');
    expect(decodeError(line('EHLO\r\n')).field).toBe('Domain');
    expect(decodeError(line('AUTH PLAIN %%%\r\n')).field).toBe('initial-response');
    expect(decodeError(line('BDAT ten\r\n')).field).toBe('chunk-size');
    expect(decodeError(line('\r\n')).field).toBe('Verb');
  });

  it('decodes arbitrary bytes or throws DecodeError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.boolean(), (body, crlf) => {
        const bytes = crlf ? new Uint8Array([...body, 0x0d, 0x0a]) : body;
        try {
          decodeCommand(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes command-shaped text or throws DecodeError', () => {
    const verb = fc.constantFrom('MAIL FROM:', 'RCPT TO:', 'EHLO ', 'AUTH ', 'BDAT ', 'mail from: ');
    const tail = fc.string({ unit: fc.constantFrom('<', '>', '@', '"', '\\', ' ', 'a', '.', '=', ':', ',', '[', ']', '\t', '\u00e9') });
    fc.assert(
      fc.property(verb, tail, (v, t) => {
        try {
          decodeCommand(utf8Encode(v + t + '\r\n'));
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('encodeCommand', () => {
  it('writes the lines RFC 5321 §4.1.1 shows', () => {
    const text = (c: SmtpCommand) => new TextDecoder().decode(encodeCommand(c));
    expect(text({ verb: 'EHLO', domain: 'client.example.test' })).toBe('EHLO client.example.test\r\n');
    expect(text({ verb: 'MAIL', path: '', params: [] })).toBe('MAIL FROM:<>\r\n');
    expect(text({ verb: 'RCPT', path: 'bob@example.test', params: [{ keyword: 'NOTIFY', value: 'NEVER' }] })).toBe('RCPT TO:<bob@example.test> NOTIFY=NEVER\r\n');
    expect(text({ verb: 'AUTH', mechanism: 'LOGIN' })).toBe('AUTH LOGIN\r\n');
    expect(text({ verb: 'DATA' })).toBe('DATA\r\n');
  });

  it('round-trips through decodeCommand for well-formed commands', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
    const domain = fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => l.join('.'));
    const local = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,12}(\.[A-Za-z0-9_-]{1,5})?$/);
    const mailbox = fc.tuple(local, domain).map(([l, d]) => `${l}@${d}`);
    const param = fc.record(
      { keyword: fc.stringMatching(/^[A-Z0-9][A-Z0-9-]{0,8}$/), value: fc.stringMatching(/^[\x21-\x3c\x3e-\x7e]{1,10}$/) },
      { requiredKeys: ['keyword'] },
    );
    const command: fc.Arbitrary<SmtpCommand> = fc.oneof(
      domain.map((d) => ({ verb: 'EHLO', domain: d })),
      fc.tuple(fc.oneof(mailbox, fc.constant('')), fc.array(param, { maxLength: 3 })).map(([p, ps]) => ({ verb: 'MAIL', path: p, params: ps })),
      fc.tuple(mailbox, fc.array(param, { maxLength: 3 })).map(([p, ps]) => ({ verb: 'RCPT', path: p, params: ps })),
      fc.tuple(fc.constantFrom('PLAIN', 'LOGIN', 'SCRAM-SHA-256'), fc.option(fc.base64String({ minLength: 4, maxLength: 40 }), { nil: undefined })).map(
        ([m, ir]) => (ir === undefined || ir === '' ? { verb: 'AUTH', mechanism: m } : { verb: 'AUTH', mechanism: m, initialResponse: ir }),
      ),
      fc.tuple(fc.nat({ max: 1e9 }), fc.boolean()).map(([n, last]) => (last ? { verb: 'BDAT', chunkSize: n, last } : { verb: 'BDAT', chunkSize: n })),
      fc.constantFrom({ verb: 'DATA' }, { verb: 'QUIT' }, { verb: 'RSET' }, { verb: 'STARTTLS' }, { verb: 'NOOP', argument: 'ping' }),
    );
    fc.assert(
      fc.property(command, (c) => {
        expect(decodeCommand(encodeCommand(c)).command).toEqual(c);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('commandVerb', () => {
  it('finds the verb of lines the full decoder refuses', () => {
    expect(commandVerb(line('mail FROM:garbage\r\n'))).toBe('MAIL');
    expect(commandVerb(line('STARTTLS\r\n'))).toBe('STARTTLS');
    expect(commandVerb(line('QUIT'))).toBe('QUIT');
    expect(commandVerb(line('\x00\x01\r\n'))).toBeUndefined();
    expect(commandVerb(line('MA:IL\r\n'))).toBeUndefined();
  });
});

describe('decodeAuthResponse', () => {
  it('reads a base64 line and the "*" that cancels (RFC 4954 §4)', () => {
    expect(decodeAuthResponse(line('dGVzdAB0ZXN0ADEyMzQ=\r\n')).response).toEqual({ response: 'dGVzdAB0ZXN0ADEyMzQ=', cancelled: false });
    expect(decodeAuthResponse(line('*\r\n')).response).toEqual({ response: '*', cancelled: true });
    expect(decodeAuthResponse(line('\r\n')).response).toEqual({ response: '', cancelled: false });
  });

  it('decodes arbitrary bytes or throws DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), (b) => {
        try {
          decodeAuthResponse(fromLatin1(String.fromCharCode(...b) + '\r\n'));
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
    );
  });
});

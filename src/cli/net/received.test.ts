/**
 * ReceivedView: SMTP lines decoded out of TLS application_data records are shown with the
 * record(s) that carried them, in wire order, without losing or inventing a byte.
 */
import { describe, expect, it } from 'vitest';
import { fromLatin1, latin1, toHex } from '../../protocol/bytes/hex.ts';
import type { WireUnit } from '../../protocol/engine.ts';
import { commandMessage, unitOf } from '../../protocol/smtp/message-info.ts';
import { applicationDataInfo, alertMessageInfo } from '../../protocol/tls13/message-info.ts';
import { TraceRecorder } from '../../trace/recorder.ts';
import type { MessageStep } from '../../trace/types.ts';
import { ReceivedView } from './received.ts';

/** A stand-in for a protected record: distinct "ciphertext" bytes, the plaintext as its one message. */
function record(plaintext: string, tag: number): WireUnit {
  const bytes = Uint8Array.from([
    0x17,
    0x03,
    0x03,
    0x00,
    plaintext.length + 17,
    ...new Array(plaintext.length + 17).fill(tag),
  ]);
  return {
    bytes,
    fields: [
      { name: 'opaque_type', start: 0, end: 1 },
      { name: 'encrypted_record', start: 5, end: bytes.length },
    ],
    protection: 'application',
    key: 'client_application_traffic_secret_0',
    messages: [applicationDataInfo(fromLatin1(plaintext))],
  };
}

const line = (text: string): WireUnit => unitOf([commandMessage(fromLatin1(text))]);

function setup(carriesSmtp = true) {
  const recorder = new TraceRecorder({
    meta: {
      scenario: 'smtp-starttls',
      faults: [],
      options: {},
      source: 'serve',
      clock: '2026-06-01T08:00:00.000Z',
      generator: 'test',
    },
    endpoints: { client: { name: 'c', ip: '127.0.0.1', port: 1 }, server: { name: 's', ip: '127.0.0.1', port: 2 } },
    lanes: ['client', 'server'],
  });
  const view = new ReceivedView(
    (unit) => recorder.unit({ from: 'client', to: 'server', at: 0, arrivesAt: 0, unit }),
    carriesSmtp,
  );
  const steps = () => recorder.finish({ status: 'ok', summary: '' }).steps as MessageStep[];
  return { view, steps };
}

describe('ReceivedView', () => {
  it('shows a line with the record that carried it: SMTP as content, the record as the wire view', () => {
    const { view, steps } = setup();
    const r = record('EHLO a\r\n', 0xaa);
    view.add(r);
    expect(steps()).toEqual([]);
    view.add(line('EHLO a\r\n'));
    const [s] = steps();
    expect(s).toMatchObject({
      layer: 'smtp',
      name: 'EHLO',
      protection: 'application',
      content: { hex: toHex(fromLatin1('EHLO a\r\n')) },
    });
    expect(s.record).toMatchObject({ hex: toHex(r.bytes), key: 'client_application_traffic_secret_0' });
  });

  it("gives pipelined lines of one record one step each, the later ones sharing the first one's record", () => {
    const { view, steps } = setup();
    view.add(record('MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n', 0xbb));
    for (const l of ['MAIL FROM:<a@b>\r\n', 'RCPT TO:<c@d>\r\n', 'DATA\r\n']) view.add(line(l));
    const s = steps();
    expect(s.map((x) => x.name)).toEqual(['MAIL', 'RCPT', 'DATA']);
    expect(s[0].record?.sharedWith).toBeUndefined();
    expect(s[1].record?.sharedWith).toBe(s[0].id);
    expect(s[2].record?.sharedWith).toBe(s[0].id);
  });

  it('joins the records of a line that spans two of them into one wire view', () => {
    const { view, steps } = setup();
    const a = record('QU', 0x01);
    const b = record('IT\r\n', 0x02);
    view.add(a);
    view.add(b);
    view.add(line('QUIT\r\n'));
    const [s] = steps();
    expect(s.record?.hex).toBe(toHex(a.bytes) + toHex(b.bytes));
    // The second record's fields are moved past the first record's bytes.
    expect(s.record?.fields.map((f) => f.start)).toEqual([0, 5, a.bytes.length, a.bytes.length + 5]);
  });

  it('keeps an alert that arrived behind a record after the line that record carried', () => {
    const { view, steps } = setup();
    view.add(record('221 Bye\r\n', 0x03));
    const alert: WireUnit = {
      bytes: Uint8Array.from([0x17, 0x03, 0x03, 0x00, 0x13, ...new Array(19).fill(4)]),
      fields: [],
      protection: 'application',
      messages: [alertMessageInfo(Uint8Array.from([1, 0]), { level: 'warning', description: 'close_notify', code: 0 })],
    };
    view.add(alert);
    expect(steps()).toEqual([]);
    view.add(line('221 Bye\r\n'));
    expect(steps().map((x) => x.name)).toEqual(['221', 'Alert']);
  });

  it('shows records and lines as they came when the octets do not match, and unclaimed records at the end', () => {
    const { view, steps } = setup();
    view.add(record('NOOP\r\n', 0x05));
    view.add(line('RSET\r\n'));
    expect(steps().map((x) => [x.layer, x.name])).toEqual([
      ['tls', 'ApplicationData'],
      ['smtp', 'RSET'],
    ]);
    view.add(record('half a li', 0x06));
    view.flush();
    expect(latin1(Uint8Array.from(Buffer.from(steps()[2].content.hex, 'hex')))).toBe('half a li');
  });

  it('passes everything through unchanged when no SMTP runs inside TLS', () => {
    const { view, steps } = setup(false);
    view.add(record('hello\n', 0x07));
    expect(steps()).toHaveLength(1);
    expect(steps()[0]).toMatchObject({ layer: 'tls', name: 'ApplicationData' });
  });
});

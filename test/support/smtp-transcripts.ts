/**
 * Reads the Postfix 3.7.11 transcripts of ../shared/vectors/ (read in place, never copied) into
 * sections of steps: what the client sent (`C:`), what Postfix answered (`S:`), and the notes
 * between them (`<TLS established...>`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type TranscriptStep =
  | { kind: 'C'; text: string; bytes: string }
  | { kind: 'S'; text: string }
  | { kind: 'note'; text: string };

export interface TranscriptSection {
  title: string;
  steps: TranscriptStep[];
}

/** The C: line standing for the message content and its final ".". */
export const MESSAGE_PLACEHOLDER = '<message lines> + "."';

/**
 * The shared vectors folder: `$HANDSHAKE_LAB_VECTORS`, or the first `shared/vectors` found
 * walking up from this file (the main tree has it at ../shared, a worktree further up).
 */
export function vectorPath(name: string): string {
  const fromEnv = process.env.HANDSHAKE_LAB_VECTORS;
  if (fromEnv && existsSync(join(fromEnv, name))) return join(fromEnv, name);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'shared', 'vectors', name);
    if (existsSync(candidate)) return candidate;
    const up = resolve(dir, '..');
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`shared vector ${name} not found (set HANDSHAKE_LAB_VECTORS)`);
}

/** `STARTTLS\r\nRSET\r\n   (one TCP write)` → the octets; a plain line → the line and CRLF. */
function clientBytes(text: string): string {
  const raw = text.replace(/\s+\(.*\)$/, '');
  if (raw.includes('\\r\\n')) return raw.replaceAll('\\r\\n', '\r\n');
  return raw + '\r\n';
}

export function loadPostfixTranscripts(): TranscriptSection[] {
  const text = readFileSync(vectorPath('postfix-3.7.11-transcripts.txt'), 'utf8');
  const sections: TranscriptSection[] = [];
  for (const line of text.split('\n')) {
    const title = /^==== (.*) ====$/.exec(line);
    if (title) {
      sections.push({ title: title[1], steps: [] });
      continue;
    }
    const current = sections.at(-1);
    if (!current || line.trim() === '') continue;
    if (line.startsWith('S: ')) current.steps.push({ kind: 'S', text: line.slice(3) });
    else if (line.startsWith('C: ')) current.steps.push({ kind: 'C', text: line.slice(3), bytes: clientBytes(line.slice(3)) });
    else current.steps.push({ kind: 'note', text: line.trim() });
  }
  return sections;
}

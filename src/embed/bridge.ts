/**
 * The iframe page's postMessage protocol, as pure functions: which messages are commands, which
 * origins may send them, where events go.
 *
 * Messages in: `{ source: 'handshake-lab', type, … }` with `type` one of play, pause, next, prev,
 * seek (`step`), reset, configure (`settings`: the same names as the element's attributes), and
 * hello (only pins the origin). Anything else is ignored.
 *
 * Origins: with `origin=<parent origin>` in the page's address, only that origin is heard and
 * events go only to it. Without it, the first valid message from the parent window pins its
 * origin (trust on first use) and from then on the same rule holds. Until an origin is known,
 * only `ready` and `resize` are posted, to any parent: they carry the run's public settings, step
 * counts and a height, nothing a page could not read from the iframe's own address.
 */
import type { AppCommand } from '../ui/control.svelte.ts';

export const MESSAGE_SOURCE = 'handshake-lab';
const SIMPLE = ['play', 'pause', 'next', 'prev', 'reset'] as const;

export type BridgeCommand = AppCommand | { type: 'hello' } | { type: 'settings'; settings: Record<string, string> };

const MAX_SETTING = 256;

/** A message from a parent as a command, or null when it is not one of ours (never throws). */
export function parseMessage(data: unknown): BridgeCommand | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const msg = data as Record<string, unknown>;
  if (msg.source !== MESSAGE_SOURCE || typeof msg.type !== 'string') return null;
  const type = msg.type;
  if ((SIMPLE as readonly string[]).includes(type)) return { type } as AppCommand;
  if (type === 'hello') return { type: 'hello' };
  if (type === 'seek') {
    const step = typeof msg.step === 'string' ? Number(msg.step) : msg.step;
    return typeof step === 'number' && Number.isFinite(step) && step >= 0 ? { type: 'seek', step: Math.floor(step) } : null;
  }
  if (type === 'configure') {
    if (typeof msg.settings !== 'object' || msg.settings === null || Array.isArray(msg.settings)) return null;
    const settings: Record<string, string> = {};
    for (const [k, v] of Object.entries(msg.settings as Record<string, unknown>)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') settings[k.slice(0, 40)] = String(v).slice(0, MAX_SETTING);
      else if (v === null) settings[k.slice(0, 40)] = '';
    }
    return { type: 'settings', settings };
  }
  return null;
}

/** An origin as the browser reports it (`scheme://host[:port]`), or null when `text` is not one. */
export function normalizeOrigin(text: string | null | undefined): string | null {
  if (!text) return null;
  try {
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin;
  } catch {
    return null;
  }
}

export interface OriginPolicy {
  /** From the address: the only origin heard. */
  fixed: string | null;
  /** The address named an origin that is not one: hear nobody. */
  refused: boolean;
  /** Pinned by the first valid message (when not fixed). */
  pinned: string | null;
}

export function originPolicy(param: string | null | undefined): OriginPolicy {
  const fixed = normalizeOrigin(param);
  return { fixed, refused: param !== null && param !== undefined && param !== '' && fixed === null, pinned: null };
}

/** Whether a message from `origin` is heard; pins the origin on first use. */
export function hear(policy: OriginPolicy, origin: string): boolean {
  if (policy.refused) return false;
  if (policy.fixed) return origin === policy.fixed;
  if (policy.pinned === null) {
    // An opaque origin ("null") cannot be answered safely: never pin it.
    if (origin === 'null' || !origin) return false;
    policy.pinned = origin;
  }
  return origin === policy.pinned;
}

/** Where an event may be posted: the known origin; `*` only for the harmless ones; null: not at all. */
export function eventTarget(policy: OriginPolicy, type: string): string | null {
  const known = policy.fixed ?? policy.pinned;
  if (known) return known;
  if (policy.refused) return null;
  return type === 'ready' || type === 'resize' ? '*' : null;
}

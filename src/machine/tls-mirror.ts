/**
 * What every TLS mirror machine shares, TLS 1.3 and 1.2, client and server
 * (tls13-client.machine.ts, tls13-server.machine.ts, tls12-client.machine.ts,
 * tls12-server.machine.ts): their events, context, guards and actions, and the three kinds of
 * edge each state lists. Each machine file lists its own states and edges, as its RFC draws them;
 * the version's mirror file (tls13-mirror.ts, tls12-mirror.ts) names the rule they follow, which
 * the error for an illegal report cites.
 */
import { assign, setup } from 'xstate';
import type { EngineEvent } from '../protocol/engine.ts';

/** A state change reported by the engine (its `state` event), dot-namespaced for the session. */
export type TlsMirrorEvent = { type: 'engine.state'; state: string };

export interface TlsMirrorContext {
  /** The machine's own name, for messages: `tls13-client`, `tls12-server`... */
  machine: string;
  /** The state the engine is in, as last accepted. */
  state: string;
  /** Every state the engine reported, in order. */
  history: string[];
  /** Set when the engine reported a transition the machine's rule does not have. */
  error: string | null;
}

/** The mirror event for an engine event of this machine, or null. */
export function mirrorEventFor(machine: string, event: EngineEvent): TlsMirrorEvent | null {
  return event.type === 'state' && event.machine === machine ? { type: 'engine.state', state: event.state } : null;
}

/**
 * The setup of the mirrors of one version. `rule` is what their edges follow, as an error names
 * it: `RFC 8446 Appendix A`, `the TLS 1.2 handshake (RFC 5246 §7.3)`.
 */
export function tlsMirrorSetup(rule: string) {
  return setup({
    types: {
      context: {} as TlsMirrorContext,
      events: {} as TlsMirrorEvent,
    },
    guards: {
      /** The engine moved to `params.state`. */
      isState: ({ event }, params: { state: string }) => event.state === params.state,
      isFailed: ({ event }) => event.state === 'failed',
    },
    actions: {
      accept: assign(({ context, event }) => ({ state: event.state, history: [...context.history, event.state] })),
      rejectIllegalTransition: assign(({ context, event }) => ({
        state: 'failed',
        history: [...context.history, event.state],
        error: `${context.machine}: ${context.state} -> ${event.state} is not a transition of ${rule}`,
      })),
    },
  });
}

/** The edge to `state`, taken when the engine reports it. */
export const to = (state: string) => ({
  guard: { type: 'isState' as const, params: { state } },
  target: state,
  actions: 'accept' as const,
});
/** Any state may fail: the engine reports `failed`. */
export const fail = { guard: 'isFailed' as const, target: 'failed', actions: 'accept' as const };
/** Last in every list: any other report is an illegal transition. */
export const illegal = { target: 'failed', actions: 'rejectIllegalTransition' as const };

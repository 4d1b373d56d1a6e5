/**
 * What the two TLS 1.2 mirror machines share (tls12-client.machine.ts, tls12-server.machine.ts):
 * their events, context, guards and actions. Each machine file lists its own states and edges, as
 * the TLS 1.2 full handshake (RFC 5246 §7.3, Figure 1) orders the messages; the states are the
 * engines' (src/protocol/tls12/), named for what is awaited.
 */
import { assign, setup } from 'xstate';
import type { EngineEvent } from '../protocol/engine.ts';

/** A state change reported by the engine (its `state` event), dot-namespaced for the session. */
export type Tls12MirrorEvent = { type: 'engine.state'; state: string };

export interface Tls12MirrorContext {
  /** The machine's own name, for messages: `tls12-client` or `tls12-server`. */
  machine: string;
  /** The state the engine is in, as last accepted. */
  state: string;
  /** Every state the engine reported, in order. */
  history: string[];
  /** Set when the engine reported a transition the TLS 1.2 handshake does not have. */
  error: string | null;
}

/** The mirror event for an engine event of this machine, or null. */
export function tls12MirrorEventFor(machine: string, event: EngineEvent): Tls12MirrorEvent | null {
  return event.type === 'state' && event.machine === machine ? { type: 'engine.state', state: event.state } : null;
}

export const tls12MirrorSetup = setup({
  types: {
    context: {} as Tls12MirrorContext,
    events: {} as Tls12MirrorEvent,
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
      error: `${context.machine}: ${context.state} -> ${event.state} is not a transition of the TLS 1.2 handshake (RFC 5246 §7.3)`,
    })),
  },
});

export const to = (state: string) => ({
  guard: { type: 'isState' as const, params: { state } },
  target: state,
  actions: 'accept' as const,
});
export const fail = { guard: 'isFailed' as const, target: 'failed', actions: 'accept' as const };
export const illegal = { target: 'failed', actions: 'rejectIllegalTransition' as const };

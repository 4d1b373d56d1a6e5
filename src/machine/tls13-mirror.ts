/**
 * What the two TLS 1.3 mirror machines share (tls13-client.machine.ts, tls13-server.machine.ts):
 * their events, context, guards and actions. Each machine file lists its own states and edges, as
 * RFC 8446 Appendix A draws them.
 */
import { assign, setup } from 'xstate';
import type { EngineEvent } from '../protocol/engine.ts';

/** A state change reported by the engine (its `state` event), dot-namespaced for the session. */
export type Tls13MirrorEvent = { type: 'engine.state'; state: string };

export interface Tls13MirrorContext {
  /** The machine's own name, for messages: `tls13-client` or `tls13-server`. */
  machine: string;
  /** The Appendix A state the engine is in, as last accepted. */
  state: string;
  /** Every state the engine reported, in order. */
  history: string[];
  /** Set when the engine reported a transition Appendix A does not allow. */
  error: string | null;
}

/** The mirror event for an engine event of this machine, or null. */
export function mirrorEventFor(machine: string, event: EngineEvent): Tls13MirrorEvent | null {
  return event.type === 'state' && event.machine === machine ? { type: 'engine.state', state: event.state } : null;
}

export const tls13MirrorSetup = setup({
  types: {
    context: {} as Tls13MirrorContext,
    events: {} as Tls13MirrorEvent,
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
      error: `${context.machine}: ${context.state} -> ${event.state} is not a transition of RFC 8446 Appendix A`,
    })),
  },
});

/**
 * Model-based coverage for XState machines: walk every reachable snapshot (xstate/graph shortest
 * paths over the given events), apply every event to each, and report which state nodes were
 * reached and which transitions (source node, event, target) were taken — against the complete
 * list of transitions the machine defines.
 */
import { transition, type AnyStateMachine, type EventObject } from 'xstate';
import { getShortestPaths } from 'xstate/graph';

interface StateNodeLike {
  id: string;
  type: string;
  states: Record<string, StateNodeLike>;
  transitions: Map<string, { target?: readonly { id: string }[] }[]>;
  always?: { target?: readonly { id: string }[] }[];
}

export interface Coverage {
  statesReached: Set<string>;
  allStates: Set<string>;
  transitionsTaken: Set<string>;
  allTransitions: Set<string>;
}

function collect(node: StateNodeLike, states: Set<string>, transitions: Set<string>): void {
  // A transient state (only `always` transitions) is never at rest, so no snapshot shows it.
  const transient = (node.always?.length ?? 0) > 0 && node.transitions.size === 0;
  if (!transient) states.add(node.id);
  for (const [event, defs] of node.transitions) {
    if (event.startsWith('xstate.after')) continue;
    defs.forEach((d, i) => transitions.add(`${node.id} --${event}#${i}--> ${(d.target ?? []).map((t) => t.id).join(',') || '(self)'}`));
  }
  for (const child of Object.values(node.states)) collect(child, states, transitions);
}

export function coverage<M extends AnyStateMachine>(
  machine: M,
  opts: {
    input?: unknown;
    events: EventObject[];
    /** Identify snapshots that differ only in counters the model does not care about. */
    serialize?: (snapshot: { value: unknown; context: unknown }) => string;
  },
): Coverage {
  const allStates = new Set<string>();
  const allTransitions = new Set<string>();
  collect(machine.root as unknown as StateNodeLike, allStates, allTransitions);
  const paths = getShortestPaths(machine, {
    input: opts.input,
    events: opts.events,
    ...(opts.serialize ? { serializeState: opts.serialize } : {}),
  } as never);
  const statesReached = new Set<string>();
  const transitionsTaken = new Set<string>();
  for (const path of paths) {
    const snap = path.state as unknown as { _nodes: StateNodeLike[] };
    for (const n of snap._nodes) statesReached.add(n.id);
    for (const event of opts.events) {
      // Which defined transitions could this event take here? The first whose guard passes wins;
      // record it by comparing outcomes of the real transition with each definition's target.
      const [next] = transition(machine, path.state as never, event as never) as unknown as [{ _nodes: StateNodeLike[] }];
      const nextIds = new Set(next._nodes.map((n) => n.id));
      for (const source of [...snap._nodes].reverse()) {
        const defs = source.transitions.get(event.type);
        if (!defs) continue;
        // Guards are opaque here: take the first definition whose targets are all in the next state
        // (a targetless one counts when the state did not change).
        const sameState = snap._nodes.length === next._nodes.length && snap._nodes.every((n) => nextIds.has(n.id));
        const idx = defs.findIndex((d) => (d.target?.length ? d.target.every((t) => nextIds.has(t.id)) : sameState));
        if (idx >= 0) {
          const d = defs[idx];
          transitionsTaken.add(`${source.id} --${event.type}#${idx}--> ${(d.target ?? []).map((t) => t.id).join(',') || '(self)'}`);
          break;
        }
      }
    }
  }
  return { statesReached, allStates, transitionsTaken, allTransitions };
}

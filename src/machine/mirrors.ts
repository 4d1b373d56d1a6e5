/**
 * The XState mirrors of the engines' own state machines (RFC 8446 Appendix A for TLS 1.3), run
 * beside a session: every `state` event an engine reports is fed to its mirror, which accepts only
 * the transitions the RFC draws. A transition it refuses is recorded in the trace, so a buggy
 * engine cannot skip a state unnoticed.
 */
import { createActor, type AnyActorRef, type AnyStateMachine } from 'xstate';
import type { EngineEvent } from '../protocol/engine.ts';
import { tls13ClientMachine } from './tls13-client.machine.ts';
import { tls13ServerMachine } from './tls13-server.machine.ts';
import { tls12ClientMachine } from './tls12-client.machine.ts';
import { tls12ServerMachine } from './tls12-server.machine.ts';

/** Engine machine name (the `machine` of its state events) → its XState mirror. */
export const MIRRORS: Record<string, AnyStateMachine> = {
  'tls13-client': tls13ClientMachine,
  'tls13-server': tls13ServerMachine,
  'tls12-client': tls12ClientMachine,
  'tls12-server': tls12ServerMachine,
};

export class MirrorSet {
  private readonly actors = new Map<string, AnyActorRef>();

  /** Feed a party's engine events; returns the violations they caused, if any. */
  feed(party: string, events: readonly EngineEvent[]): string[] {
    const violations: string[] = [];
    for (const e of events) {
      if (e.type !== 'state') continue;
      const machine = MIRRORS[e.machine];
      if (!machine) continue;
      const key = `${party}/${e.machine}`;
      let actor = this.actors.get(key);
      if (!actor) {
        actor = createActor(machine).start();
        this.actors.set(key, actor);
      }
      const before = actor.getSnapshot().context.error as string | null;
      actor.send({ type: 'engine.state', state: e.state });
      const after = actor.getSnapshot().context.error as string | null;
      if (after && after !== before) violations.push(after);
    }
    return violations;
  }

  /** A new connection: fresh engines, fresh mirrors. */
  reset(): void {
    for (const a of this.actors.values()) a.stop();
    this.actors.clear();
  }
}

/**
 * Run a scenario by id: build its inputs (with faults applied), assemble the engines and run the
 * session on the virtual clock. The one entry point the app, the embed and the command line use.
 */
import type { FaultId } from '../faults/catalogue.ts';
import type { ScenarioId } from '../scenario/catalogue.ts';
import type { RunOptions, Trace } from '../trace/types.ts';

export interface RunRequest {
  scenario: ScenarioId;
  faults?: FaultId[];
  options?: RunOptions;
}

/** A request that cannot run (a fault that does not apply, an option out of range...). */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

export async function runScenario(request: RunRequest): Promise<Trace> {
  throw new ScenarioError(`scenario ${request.scenario} is not wired yet`);
}

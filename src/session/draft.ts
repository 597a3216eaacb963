// A procedure chosen and not yet started: its form (defaults read from the fleet) and prepare (the parameters
// checked against the fleet), both reading through a recording fleet so the session's transcript can show them.
import type {Fleet} from '../hosts/host.ts';
import {findProcedure} from '../procedures/index.ts';
import type {ParamForm, Prepared, ProcedureDefinition, StepDefinition, Validation} from '../procedures/types.ts';
import {prepareContext} from '../runner/step-files.ts';
import {RecordingFleet} from './recording-fleet.ts';

export interface Draft {
  readonly definition: ProcedureDefinition;
  readonly form: ParamForm;
  /** The fleet as given: locks and the runner use it (the runner records its own commands). */
  readonly fleet: Fleet;
  /** What form and prepare ran on it. */
  readonly reads: RecordingFleet;
  /** Checks the parameters (prepare); on success, what a session of them would run. */
  prepare(params: Readonly<Record<string, string>>): Promise<Validation<Planned>>;
}

export interface Planned {
  readonly params: Readonly<Record<string, string>>;
  readonly prepared: Prepared;
  readonly steps: readonly StepDefinition[];
}

/** Loads the procedure (by id or given) and reads its form's defaults. */
export async function openDraft(fleet: Fleet, procedure: string | ProcedureDefinition): Promise<Draft> {
  const definition = typeof procedure === 'string' ? findProcedure(procedure) : procedure;
  const reads = new RecordingFleet(fleet);
  const form = await definition.form(reads);
  const secretKeys = form.specs.filter((spec) => spec.secret).map((spec) => spec.key);
  return {
    definition,
    form,
    fleet,
    reads,
    async prepare(params) {
      // A typed password may come back in a tool's output: masked in the reads as in the runner's transcript.
      for (const key of secretKeys) if (params[key]) reads.secret(params[key]);
      const result = await definition.prepare(reads, params, prepareContext());
      if (!result.ok) return result;
      return {ok: true, value: {params, prepared: result.value, steps: definition.steps(result.value.resolved, result.value.secrets)}};
    },
  };
}

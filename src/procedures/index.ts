// Every procedure certwalk offers, in menu order.
import {ssisMaster} from './ssis-master.ts';
import {ssisWorker} from './ssis-worker.ts';
import type {ProcedureDefinition} from './types.ts';

export const procedures: readonly ProcedureDefinition[] = [ssisMaster, ssisWorker];

export function findProcedure(id: string): ProcedureDefinition {
  const found = procedures.find((p) => p.id === id);
  if (!found) throw new Error(`unknown procedure "${id}"; known: ${procedures.map((p) => p.id).join(', ')}`);
  return found;
}

// Every procedure certwalk offers, in menu order.
import {azuremlSsl} from './azureml-ssl.ts';
import {lyncAssignDefault} from './lync-assign-default.ts';
import {lyncCheck} from './lync-check.ts';
import {lyncImportPfx} from './lync-import-pfx.ts';
import {lyncManual} from './lync-manual.ts';
import {lyncRemovePrevious} from './lync-remove-previous.ts';
import {lyncRoll} from './lync-roll.ts';
import {ssisMaster} from './ssis-master.ts';
import {ssisWorker} from './ssis-worker.ts';
import type {ProcedureDefinition} from './types.ts';

const lyncProcedures = [lyncCheck, lyncImportPfx, lyncAssignDefault, lyncRoll, lyncRemovePrevious, lyncManual];

export const procedures: readonly ProcedureDefinition[] = [ssisMaster, ssisWorker, azuremlSsl, ...lyncProcedures];

export function findProcedure(id: string): ProcedureDefinition {
  const found = procedures.find((p) => p.id === id);
  if (!found) throw new Error(`unknown procedure "${id}"; known: ${procedures.map((p) => p.id).join(', ')}`);
  return found;
}

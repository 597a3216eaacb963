// The procedures' titles and summaries in the other languages, keyed by procedure id. English stays with each
// procedure (src/procedures/catalog.ts); test/i18n checks that this list and the procedures' ids are the same, so a
// new procedure asks for its translations.

export const PROCEDURE_IDS = [
  'ssis-master',
  'ssis-worker',
  'azureml-ssl',
  'lync-check',
  'lync-import-pfx',
  'lync-assign-default',
  'lync-roll',
  'lync-remove-previous',
  'lync-manual',
] as const;

export type ProcedureId = (typeof PROCEDURE_IDS)[number];

export interface ProcedureText {
  readonly title: string;
  readonly summary: string;
}

/** Every procedure's title and summary (a missing procedure is a type error). */
export type ProcedureCatalog = {readonly [Id in ProcedureId]: ProcedureText};

// Every cmdlet the sandbox's powershell.exe knows, merged from one table per product (add a product: one import
// and one spread below). PowerShell resolves `get-cscertificate` like `Get-CsCertificate`, so lookup ignores case.
import type {CmdletDefinition, CmdletTable} from './powershell-cmdlet.ts';
import {lyncCmdlets} from './lync-cmdlets.ts';
import {azureMlCmdlets} from './azureml-cmdlets.ts';
import {pkiCmdlets} from './pki-cmdlets.ts';

export const allCmdlets: CmdletTable = {
  ...lyncCmdlets,
  ...azureMlCmdlets,
  ...pkiCmdlets,
};

const BY_LOWER_NAME: ReadonlyMap<string, {readonly name: string; readonly definition: CmdletDefinition}> = new Map(
  Object.entries(allCmdlets).map(([name, definition]) => [name.toLowerCase(), {name, definition}]),
);

/** The cmdlet with its canonical name (as PowerShell prints it in errors), or undefined when no module declares it. */
export function findCmdlet(name: string): {readonly name: string; readonly definition: CmdletDefinition} | undefined {
  return BY_LOWER_NAME.get(name.toLowerCase());
}

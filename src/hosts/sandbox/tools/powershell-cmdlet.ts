// The contract between the sandbox's simulated powershell.exe (tools/powershell.ts: decodes -EncodedCommand,
// parses the small PowerShell subset certwalk's ops emit, runs pipelines, prints objects and errors the way
// Windows PowerShell 5.1 does) and the modules that simulate one product's cmdlets (Lync, AzureRM). A cmdlet is a
// pure function of the node's state and its bound parameters, like every other sandbox program.
import type {NodeState} from '../state.ts';
import type {ToolContext} from './program.ts';

/** A value as the interpreter hands it to a cmdlet: literals, arrays, hashtables, [DateTime] as a Date, objects. */
export type PsValue = string | number | boolean | null | Date | readonly PsValue[] | PsObject;

/** A PSObject / PSCustomObject: property names in output order (ConvertTo-Json keeps this order). */
export interface PsObject {
  readonly [property: string]: PsValue;
}

export interface CmdletInvocation {
  /** The cmdlet name as written (`Get-CsCertificate`); lookup is case-insensitive. */
  readonly name: string;
  /** Named parameters by canonical name as the cmdlet declares it; a switch given without value is `true`. */
  readonly parameters: Readonly<Record<string, PsValue>>;
  /** Objects piped in from the previous pipeline element (empty for the first element). */
  readonly input: readonly PsValue[];
}

/** A terminating error as PowerShell prints it (`Name : message` / `+ CategoryInfo … ` / `+ FullyQualifiedErrorId …`). */
export interface CmdletError {
  readonly message: string;
  /** e.g. `InvalidArgument`, `InvalidOperation`, `ObjectNotFound`, `NotSpecified`. */
  readonly category: string;
  /** The target shown in `(target:type)`; `''` prints `(:)`. */
  readonly target?: string;
  /** e.g. `Microsoft.Rtc.Management.Deployment.SetCertificateCmdlet`; printed after the cmdlet's error id. */
  readonly errorId: string;
  /** The cmdlet's own error id before the comma in FullyQualifiedErrorId; the category when absent. */
  readonly id?: string;
  /** The exception type after the `]` in CategoryInfo; derived from the category when absent. */
  readonly reason?: string;
}

export type CmdletResult = {readonly output: readonly PsValue[]; readonly state?: NodeState} | {readonly error: CmdletError; readonly state?: NodeState};

export interface CmdletContext extends ToolContext {
  /** Lines the script reads with `[Console]::In.ReadLine()` (secrets arrive this way, never on a command line). */
  readonly stdin: readonly string[];
  /** Nodes a `lync-replication` fault cuts off from Central Management Store replication right now (dispatch.ts). */
  readonly replicationFaults?: readonly string[];
}

export interface CmdletDefinition {
  /** Canonical parameter names, with aliases (`EffectiveTime` → `EffectiveDate`); matching is case-insensitive. */
  readonly parameters: readonly string[];
  readonly aliases?: Readonly<Record<string, string>>;
  /** Parameters that take no value (`-Roll`, `-Previous`, `-Force`). */
  readonly switches?: readonly string[];
  /** The .NET class, e.g. `Microsoft.Rtc.Management.Deployment.SetCertificateCmdlet`: parameter binding errors name it. */
  readonly typeName?: string;
  /** Parameters bound by position, in order (`Select-Object *` binds `*` to Property). */
  readonly positional?: readonly string[];
  run(context: CmdletContext, invocation: CmdletInvocation): CmdletResult;
}

/** Thrown by a cmdlet given a form it does not simulate: the script fails with a `certwalk sandbox:` error. */
export class NotSimulated extends Error {}

/** A product's cmdlets by name, e.g. `{'Get-CsCertificate': …}`; the interpreter merges every module's table. */
export type CmdletTable = Readonly<Record<string, CmdletDefinition>>;

/** What PowerShell says for a cmdlet whose module is not on this node (the Lync or AzureRM module missing). */
export function commandNotFound(name: string): CmdletResult {
  return {
    error: {
      message: `The term '${name}' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.`,
      category: 'ObjectNotFound',
      target: name,
      reason: 'CommandNotFoundException',
      id: 'CommandNotFoundException',
      errorId: '',
    },
  };
}

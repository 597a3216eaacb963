// AzureRM.MachineLearningCompute (≥ 0.3.1) on the Azure ML admin node: Get-AzureRmMlOpCluster and
// Set-AzureRmMlOpCluster ("Update a cluster's agent count or SSL configuration"), over the same simulated Azure as
// the node's `az` (NodeState.azureml). ARM's own error texts are kept (resource group / resource not found); the
// SSL validation wording is the sandbox's (docs/TOOL-OUTPUT.md).
import type {AzureMlCluster, AzureMlResourceGroup, AzureMlState} from '../azureml-state.ts';
import {clusterResourceId, findCluster, findGroup} from '../azureml-state.ts';
import type {NodeState} from '../state.ts';
import {sslPairProblem} from './az.ts';
import type {CmdletContext, CmdletDefinition, CmdletError, CmdletInvocation, CmdletResult, CmdletTable, PsObject, PsValue} from './powershell-cmdlet.ts';
import {commandNotFound} from './powershell-cmdlet.ts';
import {cloneState} from './program.ts';

const NS = 'Microsoft.Azure.Commands.MachineLearningCompute.Cmdlets';
const SSL_STATUSES = ['Enabled', 'Disabled'] as const;

function failure(cmdletClass: string, message: string, extra: Partial<CmdletError> = {}): CmdletResult {
  // Errors from ARM reach PowerShell as a CloudException and print as CloseError.
  return {error: {message, category: 'CloseError', reason: 'CloudException', errorId: `${NS}.${cmdletClass}`, ...extra}};
}

function missing(cmdletClass: string, names: readonly string[]): CmdletResult {
  return failure(cmdletClass, `Cannot process command because of one or more missing mandatory parameters: ${names.join(' ')}.`, {
    category: 'InvalidArgument',
    reason: 'ParameterBindingException',
    id: 'MissingMandatoryParameter',
  });
}

/** The cluster the -ResourceGroupName / -Name pair names, or the error ARM answers. */
function locate(
  cmdletClass: string,
  azure: AzureMlState,
  parameters: Readonly<Record<string, PsValue>>,
): {group: AzureMlResourceGroup; cluster: AzureMlCluster} | {result: CmdletResult} {
  const absent = ['ResourceGroupName', 'Name'].filter((p) => parameters[p] === undefined || parameters[p] === null || parameters[p] === '');
  if (absent.length) return {result: missing(cmdletClass, absent)};
  const groupName = String(parameters.ResourceGroupName);
  const name = String(parameters.Name);
  const group = findGroup(azure, groupName);
  if (!group) return {result: failure(cmdletClass, `Resource group '${groupName}' could not be found.`)};
  const cluster = findCluster(group, name);
  if (!cluster) {
    return {result: failure(cmdletClass, `The Resource 'Microsoft.MachineLearningCompute/operationalizationClusters/${name}' under resource group '${group.name}' was not found.`)};
  }
  return {group, cluster};
}

/** PSOperationalizationCluster as the module returns it; the SSL key is write-only and prints as null. */
function clusterObject(azure: AzureMlState, group: AzureMlResourceGroup, cluster: AzureMlCluster): PsObject {
  return {
    Id: clusterResourceId(azure.subscriptionId, group.name, cluster.name),
    Name: cluster.name,
    Location: cluster.location,
    Type: 'Microsoft.MachineLearningCompute/operationalizationClusters',
    ClusterType: cluster.clusterType,
    CreatedOn: new Date(cluster.createdOn),
    ModifiedOn: new Date(cluster.modifiedOn),
    ProvisioningState: cluster.provisioningState,
    ResourceGroupName: group.name,
    ContainerService: {AgentCount: cluster.agentCount, FrontEndIpAddress: cluster.publicIpAddress},
    GlobalServiceConfiguration: {Ssl: {Status: cluster.ssl.status, Cert: cluster.ssl.cert, Key: null, Cname: cluster.ssl.cname}},
  };
}

function withAzure(name: string, context: CmdletContext, run: (azure: AzureMlState) => CmdletResult): CmdletResult {
  const azure = context.state.azureml;
  return azure ? run(azure) : commandNotFound(name);
}

const getCluster: CmdletDefinition = {
  parameters: ['ResourceGroupName', 'Name'],
  typeName: `${NS}.GetAzureRmMlOpCluster`,
  run(context, invocation: CmdletInvocation) {
    return withAzure(invocation.name, context, (azure) => {
      const found = locate('GetAzureRmMlOpCluster', azure, invocation.parameters);
      if ('result' in found) return found.result;
      return {output: [clusterObject(azure, found.group, found.cluster)]};
    });
  },
};

const setCluster: CmdletDefinition = {
  parameters: ['ResourceGroupName', 'Name', 'AgentCount', 'SslStatus', 'SslCertificate', 'SslKey', 'SslCName', 'Force'],
  switches: ['Force'],
  typeName: `${NS}.SetAzureRmMlOpCluster`,
  run(context, invocation) {
    const cls = 'SetAzureRmMlOpCluster';
    return withAzure(invocation.name, context, (azure) => {
      const found = locate(cls, azure, invocation.parameters);
      if ('result' in found) return found.result;
      const p = invocation.parameters;
      let status = found.cluster.ssl.status;
      if (p.SslStatus !== undefined) {
        const match = SSL_STATUSES.find((s) => s.toLowerCase() === String(p.SslStatus).toLowerCase());
        if (!match) {
          return failure(
            cls,
            `Cannot validate argument on parameter 'SslStatus'. The argument "${String(p.SslStatus)}" does not belong to the set "Enabled,Disabled" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.`,
            {category: 'InvalidData', reason: 'ParameterBindingValidationException', id: 'ParameterArgumentValidationError'},
          );
        }
        status = match;
      }
      let ssl = found.cluster.ssl;
      if (status === 'Enabled') {
        const cert = typeof p.SslCertificate === 'string' ? p.SslCertificate : null;
        const key = typeof p.SslKey === 'string' ? p.SslKey : null;
        const cname = typeof p.SslCName === 'string' ? p.SslCName : null;
        const changing = p.SslStatus !== undefined || cert !== null || key !== null || cname !== null;
        if (changing) {
          if (!cert || !key || !cname) {
            return failure(cls, 'SslCertificate, SslKey and SslCName must all be given to enable SSL.', {category: 'InvalidArgument', reason: 'ArgumentException'});
          }
          const problem = sslPairProblem(cert, key);
          if (problem) return failure(cls, problem, {category: 'InvalidArgument', reason: 'ArgumentException'});
          ssl = {status: 'Enabled', cert, key, cname};
        }
      } else {
        // Disabling keeps nothing: Azure drops the certificate and key with the setting.
        ssl = {status: 'Disabled', cert: null, key: null, cname: null};
      }
      const agentCount = p.AgentCount === undefined ? found.cluster.agentCount : Number(p.AgentCount);
      const state: NodeState = cloneState(context.state);
      const cluster = findCluster(findGroup(state.azureml!, found.group.name)!, found.cluster.name)!;
      cluster.ssl = ssl;
      cluster.agentCount = agentCount;
      cluster.modifiedOn = context.now.toISOString();
      return {output: [clusterObject(state.azureml!, found.group, cluster)], state};
    });
  },
};

export const azureMlCmdlets: CmdletTable = {
  'Get-AzureRmMlOpCluster': getCluster,
  'Set-AzureRmMlOpCluster': setCluster,
};

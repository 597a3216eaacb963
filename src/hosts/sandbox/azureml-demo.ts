// The demo fleet's Azure ML admin node: the workstation where `az ml` and the AzureRM.MachineLearningCompute module
// run, with one resource group, one ACS cluster still serving over plain http, and one real-time service on it.
import {randomUUID} from 'node:crypto';
import type {NodeInfo} from '../host.ts';
import type {AzureMlState} from './azureml-state.ts';
import {emptyNodeState} from './state.ts';
import type {NodeState} from './state.ts';

export const AZUREML_DEMO = {
  node: 'mlclient',
  resourceGroup: 'ml-rg',
  cluster: 'mlcluster',
  service: 'irisapp',
  publicIpAddress: '52.168.40.17',
  cname: 'mlscore.contoso.com',
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;

export function azuremlClientNode(): NodeInfo {
  return {name: AZUREML_DEMO.node, machineName: 'MLCLIENT', fqdn: 'mlclient.contoso.local', ip: '10.0.0.20', roles: ['azureml-client']};
}

export function buildAzureMlClient(now: Date): NodeState {
  const created = new Date(now.getTime() - 90 * DAY_MS).toISOString();
  const deployed = new Date(now.getTime() - 30 * DAY_MS).toISOString();
  const azureml: AzureMlState = {
    subscriptionId: randomUUID(),
    resourceGroups: [
      {
        name: AZUREML_DEMO.resourceGroup,
        location: 'eastus2',
        clusters: [
          {
            name: AZUREML_DEMO.cluster,
            location: 'eastus2',
            clusterType: 'ACS',
            agentCount: 3,
            publicIpAddress: AZUREML_DEMO.publicIpAddress,
            provisioningState: 'Succeeded',
            createdOn: created,
            modifiedOn: created,
            ssl: {status: 'Disabled', cert: null, key: null, cname: null},
            services: [
              {
                id: `${AZUREML_DEMO.service}.${AZUREML_DEMO.cluster}-${randomUUID().slice(0, 8)}.eastus2`,
                name: AZUREML_DEMO.service,
                state: 'Succeeded',
                createdAt: deployed,
                updatedAt: deployed,
              },
            ],
          },
        ],
      },
    ],
    current: {resourceGroup: AZUREML_DEMO.resourceGroup, name: AZUREML_DEMO.cluster},
    // The admin already pointed the scoring name at the cluster's front end, as the docs say to.
    dns: {[AZUREML_DEMO.cname]: AZUREML_DEMO.publicIpAddress},
  };
  return {...emptyNodeState(), azureml};
}

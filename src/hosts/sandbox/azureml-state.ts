// The slice of Azure an Azure ML admin node sees, simulated: resource groups holding Machine Learning Compute
// ("o16n") clusters with their real-time services, the CLI's current environment, and the DNS answers the node gets.
// It lives in the admin node's state (NodeState.azureml) because `az` and AzureRM PowerShell run there.

export type SslStatus = 'Enabled' | 'Disabled';

/** ARM's `globalServiceConfiguration.ssl` (Microsoft.MachineLearningCompute, API 2017-08-01-preview). */
export interface AzureMlSsl {
  status: SslStatus;
  /** PEM, full chain; null while SSL was never configured. */
  cert: string | null;
  /** PEM. Write-only in Azure: no API returns it; only the sandbox can see it. */
  key: string | null;
  cname: string | null;
}

export interface AzureMlService {
  /** e.g. `irisapp-6a1c9e52.eastus2` */
  id: string;
  name: string;
  state: 'Succeeded' | 'Failed' | 'Creating';
  createdAt: string;
  updatedAt: string;
}

export interface AzureMlCluster {
  name: string;
  location: string;
  clusterType: 'ACS' | 'Local';
  agentCount: number;
  /** The real-time front end's public IP: what the scoring CNAME must point at. */
  publicIpAddress: string;
  provisioningState: ProvisioningState;
  /**
   * A cluster still provisioning (made while AzureMlState.provisioning was set): how many more `az ml env show` reads
   * print Creating, and the state it ends in after them. Absent once it ended.
   */
  provisioning?: {creatingReadsLeft: number; outcome: ProvisioningOutcome};
  createdOn: string;
  modifiedOn: string;
  ssl: AzureMlSsl;
  services: AzureMlService[];
}

/** ARM's provisioningState values for a cluster; `az ml env show` prints them. */
export type ProvisioningState = 'Succeeded' | 'Creating' | 'Failed' | 'Canceled' | 'Updating';
/** The states a creation ends in. */
export type ProvisioningOutcome = 'Succeeded' | 'Failed' | 'Canceled';

export interface AzureMlResourceGroup {
  name: string;
  location: string;
  clusters: AzureMlCluster[];
}

export interface AzureMlState {
  subscriptionId: string;
  resourceGroups: AzureMlResourceGroup[];
  /** `az ml env set`: the environment `az ml service …` commands talk to. */
  current: {resourceGroup: string; name: string} | null;
  /** A records the node's resolver answers, by lower-case name. */
  dns: Record<string, string>;
  /**
   * How clusters created from now on provision. A real `az ml env create` returns while the cluster is still Creating
   * and provisioning takes many minutes; the sandbox counts reads instead of minutes, so a test sees certwalk poll
   * without waiting. Absent: a new cluster is Succeeded at once.
   */
  provisioning?: {creatingReads: number; outcome: ProvisioningOutcome};
}

/** Azure resource names compare case-insensitively. */
export function findGroup(state: AzureMlState, name: string): AzureMlResourceGroup | undefined {
  return state.resourceGroups.find((g) => g.name.toLowerCase() === name.toLowerCase());
}

export function findCluster(group: AzureMlResourceGroup, name: string): AzureMlCluster | undefined {
  return group.clusters.find((c) => c.name.toLowerCase() === name.toLowerCase());
}

/** What a service's scoring URL is: https on the CNAME once SSL is on, else http on the front end's IP. */
export function scoringUri(cluster: AzureMlCluster, service: AzureMlService): string {
  if (cluster.ssl.status === 'Enabled' && cluster.ssl.cname) return `https://${cluster.ssl.cname}/api/v1/service/${service.name}/score`;
  return `http://${cluster.publicIpAddress}:80/api/v1/service/${service.name}/score`;
}

export function clusterResourceId(subscriptionId: string, group: string, cluster: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/Microsoft.MachineLearningCompute/operationalizationClusters/${cluster}`;
}

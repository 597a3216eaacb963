// Every procedure's id, title and summary, in menu order: what Home and `certwalk list` show, without loading the
// procedures' code (forge, the ops) before the first frame. Each definition takes its entry from here.

export interface ProcedureSummary {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
}

export const catalog: readonly ProcedureSummary[] = [
  {
    id: 'ssis-master',
    title: 'SSIS Scale Out: change the Master certificate',
    summary: 'New or existing certificate for the master endpoint: http.sys binding (same appid), MasterSettings.config, master service, then every worker.',
  },
  {
    id: 'ssis-worker',
    title: 'SSIS Scale Out: change a Worker certificate',
    summary:
      "New certificate for one worker or many at once: its My and Root stores, the old one deleted by thumbprint (kept to restore), the service account's key access, WorkerSettings.config, the master's trust, the worker service.",
  },
  {
    id: 'azureml-ssl',
    title: 'Azure ML cluster: SSL for real-time scoring',
    summary:
      'A CNAME and a password-free PEM certificate and key for it, SSL on a new cluster (az ml env create) or an existing one (Set-AzureRmMlOpCluster), the DNS record to the front end, the scoring URL read back.',
  },
  {
    id: 'lync-check',
    title: 'Lync Server 2013: check the OAuthTokenIssuer certificate',
    summary: 'Get-CsCertificate -Type OAuthTokenIssuer on every Front End and the CMS replication status; changes nothing.',
  },
  {
    id: 'lync-import-pfx',
    title: 'Lync Server 2013: import a PFX as the OAuthTokenIssuer certificate',
    summary: 'Import-CsCertificate -Identity global -Type OAuthTokenIssuer on one Front End (password without echo, on stdin), then watch the CMS replicate it to every Front End.',
  },
  {
    id: 'lync-assign-default',
    title: 'Lync Server 2013: assign the Default certificate as OAuthTokenIssuer',
    summary: '(Get-CsCertificate -Type Default).Thumbprint becomes the global OAuthTokenIssuer with Set-CsCertificate; then the tool watches every Front End receive it.',
  },
  {
    id: 'lync-roll',
    title: 'Lync Server 2013: roll the OAuthTokenIssuer certificate at a date',
    summary:
      'Set-CsCertificate -Roll -EffectiveDate (date built in PowerShell from ISO 8601): the new certificate becomes current at the date, the old one previous; every Front End is watched until it has the change.',
  },
  {
    id: 'lync-remove-previous',
    title: 'Lync Server 2013: remove the expired previous OAuthTokenIssuer certificate',
    summary: 'Remove-CsCertificate -Identity global -Type OAuthTokenIssuer -Previous, once the certificate a roll replaced has expired.',
  },
  {
    id: 'lync-manual',
    title: 'Lync Server 2013: OAuthTokenIssuer by hand (MMC + Deployment Wizard)',
    summary:
      'A guided checklist for the per-server path without PowerShell: export with the private key, import on every other Front End, assign with the Deployment Wizard; each item ticked and recorded.',
  },
];

export function catalogEntry(id: string): ProcedureSummary {
  const found = catalog.find((p) => p.id === id);
  if (!found) throw new Error(`unknown procedure "${id}"; known: ${catalog.map((p) => p.id).join(', ')}`);
  return found;
}

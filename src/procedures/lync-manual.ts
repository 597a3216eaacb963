// Lync Server 2013, the manual per-server path (no PowerShell): export the token issuer certificate with its private
// key from one Front End in the Certificates MMC, import it on every other Front End, assign it with the Deployment
// Wizard. Each item is a step the admin ticks (a confirmation, so the transcript records who ticked what and when);
// nothing is run for them. A last, read-only step checks every Front End with Get-CsCertificate.
import type {Fleet} from '../hosts/host.ts';
import {defaultTimeout, frontEndSpec, LYNC_ROLE, parseThumbprint, parseTimeout, resolveFrontEnd, timeoutSpec, type FrontEndRef} from './lync-common.ts';
import {nodesWithRole} from './params.ts';
import {expectCurrent, replicationWaitStep} from './steps/lync-oauth.ts';
import type {ParamForm, StepDefinition, Validation} from './types.ts';
import {defineProcedure, type PreparedAs} from './define.ts';
import {catalogEntry} from './catalog.ts';

const DEFAULT_PFX = 'C:\\Certificates\\OAuthTokenIssuer.pfx';

interface ManualResolved {
  readonly source: string;
  readonly frontEnds: readonly FrontEndRef[];
  readonly thumbprint: string;
  readonly pfx: string;
  readonly timeoutSeconds: number;
}

interface ChecklistItem {
  readonly id: string;
  readonly node: string;
  readonly title: string;
  readonly clicks: readonly string[];
  readonly warnings?: readonly string[];
}

const OPEN_MMC = ['Win+R → mmc → OK', 'File → Add/Remove Snap-in… → Certificates → Add', 'Computer account → Next → Local computer → Finish → OK'];

function items(r: ManualResolved): ChecklistItem[] {
  const others = r.frontEnds.filter((fe) => fe.name !== r.source);
  const cert = r.thumbprint ? `the certificate with thumbprint ${r.thumbprint}` : 'the token issuer certificate';
  return [
    {id: `${r.source}.manual-open-mmc`, node: r.source, title: `Open the Certificates MMC (computer account) on ${r.source}`, clicks: OPEN_MMC},
    {
      id: `${r.source}.manual-export`,
      node: r.source,
      title: `Export ${cert} with its private key on ${r.source}`,
      clicks: [
        'Certificates (Local Computer) → Personal → Certificates',
        `right-click ${cert} → All Tasks → Export… → Next`,
        'Yes, export the private key → Next',
        'Personal Information Exchange – PKCS #12 (.PFX): Include all certificates in the certification path if possible; Export all extended properties → Next',
        'Password: a new one, twice → Next',
        `File name: ${r.pfx} → Next → Finish ("The export was successful.")`,
      ],
      warnings: ['"Yes, export the private key" greyed out means the key is not exportable: this certificate cannot be used on several Front Ends'],
    },
    ...others.map((fe): ChecklistItem => ({
      id: `${fe.name}.manual-import`,
      node: fe.name,
      title: `Import the PFX with its private key on ${fe.name}`,
      clicks: [
        `copy ${r.pfx} from ${r.source} to ${fe.name}`,
        ...OPEN_MMC,
        'Certificates (Local Computer) → Personal → right-click Certificates → All Tasks → Import… → Next',
        `File name: the copied PFX (file type Personal Information Exchange) → Next`,
        'Password: the export password; Mark this key as exportable; Include all extended properties → Next',
        'Place all certificates in the following store: Personal → Next → Finish ("The import was successful.")',
      ],
    })),
    {
      id: `${r.source}.manual-assign`,
      node: r.source,
      title: `Assign it as OAuthTokenIssuer with the Deployment Wizard on ${r.source}`,
      clicks: [
        'Lync Server Deployment Wizard → Install or Update Lync Server System',
        'Step 3: Request, Install or Assign Certificates → Run Again',
        'Certificate Wizard: select OAuthTokenIssuer → Assign → Next',
        `select ${cert} → Next → Next (summary) → Finish`,
        'the OAuthTokenIssuer row shows the certificate with Status Assigned → Close',
      ],
      warnings: ['the assignment is global: the CMS replicates it to every Front End of the pool'],
    },
    {
      id: `${r.source}.manual-delete-pfx`,
      node: r.source,
      title: 'Delete every copy of the PFX',
      clicks: [
        `delete ${r.pfx} on ${r.source} and the copies on ${others.map((fe) => fe.name).join(', ') || 'the other Front Ends'}`,
        'empty the Recycle Bin where you deleted them',
      ],
      warnings: ['the PFX holds the private key that signs server-to-server tokens'],
    },
  ];
}

function checklistStep(item: ChecklistItem, index: number): StepDefinition {
  return {
    id: item.id,
    title: item.title,
    node: item.node,
    // One kind per item: "yes to all of this kind" must not tick the rest of the list unread.
    kind: `lync-manual-${index + 1}`,
    manual: true,
    destructive: true,
    skippable: true,
    undoLast: false,
    hasUndo: false,
    plan: () => item.clicks.map((text) => ({node: item.node, text: `☐ ${text}`, preview: false})),
    async capture() {
      return {
        captured: {},
        prompt: {
          title: `${item.title}: done?`,
          commands: item.clicks,
          removes: [],
          restoreWith: ['nothing: certwalk only records that you did this by hand'],
          references: [],
          warnings: [...(item.warnings ?? []), 'answer y only once you have done every click above on the server'],
        },
      };
    },
    async do(ctx) {
      ctx.note(`ticked: ${item.title}`);
    },
    async verify() {
      return {checks: [{what: item.title, expected: 'done by the admin', observed: 'ticked', ok: true}], changes: []};
    },
    async undo() {
      return 'nothing to undo (done by hand)';
    },
  };
}

async function form(fleet: Fleet): Promise<ParamForm> {
  const frontEnds = await nodesWithRole(fleet, LYNC_ROLE);
  return {
    values: {frontEnd: frontEnds[0]?.name ?? '', thumbprint: '', pfx: DEFAULT_PFX, replicationTimeout: defaultTimeout(fleet)},
    specs: [
      {...frontEndSpec(frontEnds), label: 'Export from', help: 'The Front End that holds the certificate with an exportable private key'},
      {key: 'thumbprint', label: 'Thumbprint', help: 'The certificate to move (optional: with it, the last step checks every Front End has it as OAuthTokenIssuer)'},
      {key: 'pfx', label: 'PFX file', help: 'Where the export wizard writes the PFX'},
      timeoutSpec(),
    ],
  };
}

async function prepare(fleet: Fleet, params: Readonly<Record<string, string>>): Promise<Validation<PreparedAs<ManualResolved>>> {
  const errors: Record<string, string> = {};
  const fes = await resolveFrontEnd(fleet, params, errors);
  const timeoutSeconds = parseTimeout(params, errors);
  const thumbprint = parseThumbprint(params, errors, {optional: true});
  const pfx = (params.pfx ?? '').trim();
  if (!/^[A-Za-z]:\\|^\\\\/.test(pfx)) errors.pfx = `"${pfx}" is not a full Windows path such as ${DEFAULT_PFX}`;
  if (Object.keys(errors).length || !fes) return {ok: false, errors};
  const resolved: ManualResolved = {source: fes.frontEnd.name, frontEnds: fes.all.map((n) => ({name: n.name, fqdn: n.fqdn})), thumbprint, pfx, timeoutSeconds};
  return {ok: true, value: {resolved, secrets: {}}};
}

function steps(r: ManualResolved): StepDefinition[] {
  const list = items(r).map(checklistStep);
  if (!r.thumbprint) return list;
  return [
    ...list,
    replicationWaitStep({id: `${r.source}.manual-verify`, node: r.source, frontEnds: r.frontEnds, expectation: expectCurrent(r.thumbprint), timeoutSeconds: r.timeoutSeconds}),
  ];
}

function describe(r: ManualResolved): string[] {
  return [
    `pool     ${r.frontEnds.map((f) => f.name).join(', ')}; export from ${r.source}`,
    'how      a checklist: certwalk runs nothing; you do each item on the server and tick it (y); the transcript records each tick',
    r.thumbprint ? `check    at the end, every Front End must show ${r.thumbprint} as OAuthTokenIssuer (read only)` : 'check    none (no thumbprint given)',
  ];
}

export const lyncManual = defineProcedure({
  ...catalogEntry('lync-manual'),
  form,
  prepare,
  steps,
  describe,
});

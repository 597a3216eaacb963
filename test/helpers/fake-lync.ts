// A Lync pool for the fake fleet: three Front Ends, each with its replica of the global OAuthTokenIssuer
// configuration as its fact `oauth`; a change made on fe1 reaches every replica at once (`thenOn`), so the
// procedures' waits for replication end on their first read. Objects print as ConvertTo-Json (fake-tool-output.ts).
import type {MadeCert} from '../../src/certs/index.ts';
import type {NodeInfo} from '../../src/hosts/host.ts';
import type {Facts, ToolRow} from './fake-fleet.ts';
import {JsonDate, certutilStore, convertToJson, type StoreEntry} from './fake-tool-output.ts';

export const FRONT_ENDS: readonly NodeInfo[] = [1, 2, 3].map((n) => ({name: `fe${n}`, machineName: `FE${n}`, fqdn: `fe${n}.contoso.com`, ip: `10.0.2.${n}`, roles: ['lync-fe']}));

/** A PowerShell row's pattern: the script certwalk sends, starting with this cmdlet line. */
export const cmdlet = (line: string): RegExp => new RegExp(`^\\$ErrorActionPreference = 'Stop'\\n(.*\\n)?${line}( |$)`);

/** How the fake fleet shows a cmdlet certwalk ran on a node (fake-fleet.ts describeCommand). */
export const psLine = (node: string, script: string): string => `${node}: powershell $ErrorActionPreference = 'Stop'; ${script}`;
export const GET_OAUTH = (node: string): string => psLine(node, 'Get-CsCertificate -Type OAuthTokenIssuer | Select-Object * | ConvertTo-Json -Depth 3');
export const REPLICATION_STATUS = psLine('fe1', 'Get-CsManagementStoreReplicationStatus | Select-Object * | ConvertTo-Json -Depth 3');

export type CertReference = {
  readonly Issuer: string;
  readonly NotAfter: JsonDate;
  readonly NotBefore: JsonDate;
  readonly SerialNumber: string;
  readonly Subject: string;
  readonly AlternativeNames: readonly string[];
  readonly Thumbprint: string;
  readonly EffectiveDate: JsonDate | null;
  readonly PreviousThumbprint: string | null;
  readonly PreviousNotAfter: JsonDate | null;
  readonly Use: string;
};

/** Get-CsCertificate's properties of a certificate certwalk made. */
export function referenceOf(made: MadeCert, use: string, alternativeNames: readonly string[]): CertReference {
  return {
    Issuer: made.info.subject,
    NotAfter: new JsonDate(made.info.notAfter),
    NotBefore: new JsonDate(made.info.notBefore),
    SerialNumber: made.info.serialNumber.toUpperCase(),
    Subject: made.info.subject,
    AlternativeNames: alternativeNames,
    Thumbprint: made.info.thumbprint,
    EffectiveDate: null,
    PreviousThumbprint: null,
    PreviousNotAfter: null,
    Use: use,
  };
}

/** The certificate in fe1's LocalMachine\My with its key, as certutil lists it. */
export function storeEntryOf(made: MadeCert, key: KeyFacts = {}): StoreEntry {
  const day = (d: Date) => `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} 4:20 PM`;
  return {
    thumbprint: made.info.thumbprint,
    subject: made.info.subject,
    serial: made.info.serialNumber,
    notBefore: day(made.info.notBefore),
    notAfter: day(made.info.notAfter),
    withKey: key.withKey ?? true,
    exportable: key.exportable ?? true,
  };
}

/** What certutil says of a certificate's key; both true unless a test says otherwise. */
export interface KeyFacts {
  readonly withKey?: boolean;
  readonly exportable?: boolean;
}

/** fe1's My holding `certs`, listed and exported one at a time (`certutil -store My THUMB FILE` writes its DER). */
export function myStoreRows(certs: readonly MadeCert[], key: KeyFacts = {}): ToolRow[] {
  const listing = certutilStore(
    'My',
    certs.map((made) => storeEntryOf(made, key)),
  );
  return [
    {node: 'fe1', command: 'certutil', args: ['-store', 'My'], stdout: listing},
    ...certs.map((made): ToolRow => {
      const file = `C:\\Windows\\Temp\\certwalk-${made.info.thumbprint}.cer`;
      return {
        node: 'fe1',
        command: 'certutil',
        args: ['-store', 'My', made.info.thumbprint, file],
        stdout: certutilStore('My', [storeEntryOf(made, key)]),
        writes: {[file]: made.der},
      };
    }),
  ];
}

/**
 * Get-CsCertificate -Type OAuthTokenIssuer on every Front End, by the value of its `oauth` fact (one object prints
 * bare, several as an array); the SIP domain; the CMS's replication status (every replica up to date at `now`).
 */
export function poolRows(configurations: Readonly<Record<string, readonly CertReference[]>>, now: Date): ToolRow[] {
  const status = FRONT_ENDS.map((fe) => ({
    UpToDate: true,
    ReplicaFqdn: fe.fqdn,
    LastStatusReport: new JsonDate(now),
    LastUpdateCreation: new JsonDate(now),
    ProductVersion: '5.0.8308.0',
  }));
  return [
    ...FRONT_ENDS.flatMap((fe) =>
      Object.entries(configurations).map(([oauth, refs]): ToolRow => ({
        node: fe.name,
        command: 'powershell',
        args: cmdlet('Get-CsCertificate -Type OAuthTokenIssuer'),
        when: {oauth},
        stdout: convertToJson(refs.length === 1 ? refs[0]! : refs),
      })),
    ),
    {node: 'fe1', command: 'powershell', args: cmdlet('Get-CsSipDomain'), stdout: convertToJson({Identity: 'contoso.com', Name: 'contoso.com', IsDefault: true})},
    {node: 'fe1', command: 'powershell', args: cmdlet('Get-CsManagementStoreReplicationStatus'), stdout: convertToJson(status)},
  ];
}

/** A change made through fe1 that every replica holds at once. */
export function everywhere(oauth: string): {then: Facts; thenOn: Record<string, Facts>} {
  return {then: {oauth}, thenOn: Object.fromEntries(FRONT_ENDS.slice(1).map((fe) => [fe.name, {oauth}]))};
}

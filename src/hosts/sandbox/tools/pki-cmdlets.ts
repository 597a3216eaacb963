// ConvertTo-SecureString (Microsoft.PowerShell.Security) and Import-/Export-PfxCertificate (the PKI module) on a
// simulated node: how certwalk's ops/pki.ts moves a PFX with a password read on stdin. They change the stores the
// way certutil.ts does (same node state, same refusals: a wrong password, a key that may not be exported). Only the
// parameters certwalk passes are simulated; messages follow Windows PowerShell 5.1 where public samples show them.
import {derToPem, toDer} from '../../../certs/pem.ts';
import {fromPfx, PfxPasswordError, toPfx} from '../../../certs/pfx.ts';
import type {NodeState, SandboxCert} from '../state.ts';
import {NotSimulated} from './powershell-cmdlet.ts';
import type {CmdletDefinition, CmdletResult, CmdletTable, PsObject, PsValue} from './powershell-cmdlet.ts';
import {cloneState} from './program.ts';
import {canonicalStoreName, certsIn, derOf, sandboxCertFromDer} from './stores.ts';

const PKI = 'Microsoft.CertificateServices.Commands';

/**
 * A SecureString is an object whose text no property shows (ConvertTo-Json prints only its Length); the text stays
 * here, keyed by the object, for the cmdlets that take one. A plain string is not a SecureString: a cmdlet given one
 * refuses it, as PowerShell's parameter binding does.
 */
const SECURE_TEXT = new WeakMap<object, string>();

function secureString(text: string): PsObject {
  const value: PsObject = {Length: text.length};
  SECURE_TEXT.set(value, text);
  return value;
}

function plainOf(value: PsValue | undefined): string | undefined {
  return value !== null && typeof value === 'object' && !(value instanceof Date) && !Array.isArray(value) ? SECURE_TEXT.get(value) : undefined;
}

function notSecure(cmdlet: string, value: PsValue | undefined): CmdletResult {
  return {
    error: {
      message: `Cannot bind parameter 'Password'. Cannot convert the "${String(value)}" value of type "System.String" to type "System.Security.SecureString".`,
      category: 'InvalidArgument',
      reason: 'ParameterBindingException',
      id: 'CannotConvertArgumentNoMessage',
      errorId: `${PKI}.${cmdlet}`,
    },
  };
}

function missing(cmdlet: string, names: string): CmdletResult {
  return {
    error: {
      message: `Cannot process command because of one or more missing mandatory parameters: ${names}.`,
      category: 'InvalidArgument',
      reason: 'ParameterBindingException',
      id: 'MissingMandatoryParameter',
      errorId: `${PKI}.${cmdlet}`,
    },
  };
}

/** `Cert:\LocalMachine\STORE[\THUMBPRINT]` → its parts; anything else (CurrentUser, a file path) is not simulated. */
function certPath(value: PsValue | undefined): {store: string; thumbprint?: string} | undefined {
  const m = typeof value === 'string' ? /^Cert:\\LocalMachine\\([^\\]+)(?:\\([0-9A-Fa-f]{40}))?\\?$/i.exec(value.trim()) : null;
  return m ? {store: m[1]!, ...(m[2] ? {thumbprint: m[2].toUpperCase()} : {})} : undefined;
}

const convertToSecureString: CmdletDefinition = {
  parameters: ['String', 'AsPlainText', 'Force', 'SecureKey', 'Key'],
  switches: ['AsPlainText', 'Force'],
  positional: ['String'],
  typeName: 'Microsoft.PowerShell.Commands.ConvertToSecureStringCommand',
  run(_context, {parameters}) {
    const text = parameters['String'];
    if (text === null || text === undefined) {
      // What [Console]::In.ReadLine() gives when stdin is empty: PowerShell refuses to bind $null.
      return {
        error: {
          message: "Cannot bind argument to parameter 'String' because it is null.",
          category: 'InvalidData',
          reason: 'ParameterBindingValidationException',
          id: 'ParameterArgumentValidationErrorNullNotAllowed',
          errorId: 'Microsoft.PowerShell.Commands.ConvertToSecureStringCommand',
        },
      };
    }
    if (!parameters['AsPlainText'] || !parameters['Force']) {
      throw new NotSimulated('ConvertTo-SecureString is simulated only as -String … -AsPlainText -Force');
    }
    return {output: [secureString(String(text))]};
  },
};

const importPfxCertificate: CmdletDefinition = {
  parameters: ['FilePath', 'CertStoreLocation', 'Password', 'Exportable'],
  switches: ['Exportable'],
  positional: ['FilePath', 'CertStoreLocation'],
  typeName: `${PKI}.ImportPfxCertificate`,
  run(context, {parameters}) {
    const cmdlet = 'ImportPfxCertificate';
    const file = parameters['FilePath'];
    if (typeof file !== 'string') return missing(cmdlet, 'FilePath');
    const location = certPath(parameters['CertStoreLocation'] ?? 'Cert:\\LocalMachine\\My');
    if (!location || location.thumbprint) throw new NotSimulated('Import-PfxCertificate is simulated only with -CertStoreLocation Cert:\\LocalMachine\\STORE');
    const password = parameters['Password'] === undefined ? '' : plainOf(parameters['Password']);
    if (password === undefined) return notSecure(cmdlet, parameters['Password']);
    const bytes = context.files.read(file);
    if (!bytes) return pkiError(cmdlet, 'The system cannot find the file specified. (Exception from HRESULT: 0x80070002)', 'NotSpecified', 'FileNotFoundException', file);
    let contents: ReturnType<typeof fromPfx>;
    try {
      contents = fromPfx(bytes, password);
    } catch (error) {
      if (error instanceof PfxPasswordError)
        return pkiError(cmdlet, 'The specified network password is not correct. (Exception from HRESULT: 0x80070056)', 'NotSpecified', 'CryptographicException');
      return pkiError(cmdlet, 'ASN1 bad tag value met. (Exception from HRESULT: 0x8009310B)', 'NotSpecified', 'CryptographicException');
    }
    const exportable = parameters['Exportable'] === true;
    const incoming = sandboxCertFromDer(toDer(contents.certPem), contents.keyPem ? {keyPem: contents.keyPem, exportable} : undefined);
    const state = cloneState(context.state);
    const store = storeOf(state, location.store);
    const existing = store.findIndex((cert) => cert.thumbprint === incoming.thumbprint);
    // The same certificate again replaces it (its key container is new: granted accounts must be granted again).
    if (existing >= 0) store[existing] = incoming;
    else store.push(incoming);
    return {output: [certificateObject(incoming, location.store)], state};
  },
};

const exportPfxCertificate: CmdletDefinition = {
  parameters: ['Cert', 'FilePath', 'Password', 'NoClobber', 'Force'],
  switches: ['NoClobber', 'Force'],
  positional: ['Cert', 'FilePath'],
  typeName: `${PKI}.ExportPfxCertificate`,
  run(context, {parameters}) {
    const cmdlet = 'ExportPfxCertificate';
    const file = parameters['FilePath'];
    if (typeof file !== 'string' || parameters['Cert'] === undefined) return missing(cmdlet, parameters['Cert'] === undefined ? 'Cert' : 'FilePath');
    const location = certPath(parameters['Cert']);
    if (!location?.thumbprint) throw new NotSimulated('Export-PfxCertificate is simulated only with -Cert Cert:\\LocalMachine\\STORE\\THUMBPRINT');
    const password = plainOf(parameters['Password']);
    if (password === undefined) return notSecure(cmdlet, parameters['Password']);
    const cert = certsIn(context.state, location.store).find((c) => c.thumbprint === location.thumbprint);
    if (!cert) {
      const path = String(parameters['Cert']);
      return {
        error: {
          message: `Cannot find path '${path}' because it does not exist.`,
          category: 'ObjectNotFound',
          target: path,
          reason: 'ItemNotFoundException',
          id: 'PathNotFound',
          errorId: `${PKI}.${cmdlet}`,
        },
      };
    }
    if (!cert.keyPem || !cert.exportable) return pkiError(cmdlet, 'Cannot export non-exportable private key.', 'NotSpecified', 'CryptographicException');
    if (parameters['NoClobber'] === true && context.files.exists(file)) return pkiError(cmdlet, `The file '${file}' already exists.`, 'ResourceExists', 'IOException', file);
    context.files.write(file, toPfx({certPem: derToPem(derOf(cert)), keyPem: cert.keyPem}, password));
    return {output: [{Name: file.split('\\').pop() ?? file, FullName: file}]};
  },
};

function pkiError(cmdlet: string, message: string, category: string, exception: string, target = ''): CmdletResult {
  return {
    error: {
      message,
      category,
      target,
      reason: exception,
      id: `System.${exception === 'IOException' || exception === 'FileNotFoundException' ? 'IO' : 'Security.Cryptography'}.${exception}`,
      errorId: `${PKI}.${cmdlet}`,
    },
  };
}

/** What Import-PfxCertificate returns: the X509Certificate2 (the properties certwalk reads, and a few more). */
function certificateObject(cert: SandboxCert, store: string): PsObject {
  return {
    Thumbprint: cert.thumbprint,
    Subject: cert.subject,
    Issuer: cert.issuer,
    NotBefore: new Date(cert.notBefore),
    NotAfter: new Date(cert.notAfter),
    HasPrivateKey: cert.keyPem !== undefined,
    PSParentPath: `Microsoft.PowerShell.Security\\Certificate::LocalMachine\\${store}`,
  };
}

function storeOf(state: NodeState, given: string): SandboxCert[] {
  return (state.stores[canonicalStoreName(state, given)] ??= []);
}

export const pkiCmdlets: CmdletTable = {
  'ConvertTo-SecureString': convertToSecureString,
  'Import-PfxCertificate': importPfxCertificate,
  'Export-PfxCertificate': exportPfxCertificate,
};

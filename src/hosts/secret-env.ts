// The environment variables that carry secrets into certwalk (`certwalk run` reads passwords from them, so they are
// never on a command line). They are for certwalk alone: runProcess leaves them out of every child's environment,
// or each tool it starts (and, on Windows, each process it starts in turn) would inherit the password.
// A procedure that reads a new secret variable names it here.

/** The PFX password of lync-import-pfx. */
export const PFX_PASSWORD_ENV = 'CERTWALK_PFX_PASSWORD';
/** The PFX password or key passphrase of azureml-ssl. */
export const CERT_PASSPHRASE_ENV = 'CERTWALK_CERT_PASSPHRASE';

export const SECRET_ENV_VARS: readonly string[] = [PFX_PASSWORD_ENV, CERT_PASSPHRASE_ENV];

/** Windows compares variable names without case, so a `certwalk_pfx_password` is the same variable there. */
export function isSecretEnvVar(name: string): boolean {
  const upper = name.toUpperCase();
  return SECRET_ENV_VARS.some((secret) => secret === upper);
}

// Words Windows tools print in languages other than English, each copied from a real sample (never translated by
// us). Parsers use them only as a preference: structure, order and values decide where no table has the word.
// Grades as in docs/TOOL-OUTPUT-LOCALIZED.md: C = a console capture someone pasted, E = a capture its source says it
// trimmed, T = another parser project's test data (wording only). Files are under test/fixtures/localized/.

export type LabelLanguage = 'en' | 'fr' | 'zh-CN' | 'de' | 'ru';

/** The five fields certutil -store prints first in every certificate block, in this order. */
export type CertutilLeadingField = 'serialNumber' | 'issuer' | 'notBefore' | 'notAfter' | 'subject';

export const CERTUTIL_LEADING_ORDER: readonly CertutilLeadingField[] = ['serialNumber', 'issuer', 'notBefore', 'notAfter', 'subject'];

/** Labels before the colon, as printed (compared after trimming, case-insensitively). */
export const CERTUTIL_LEADING_LABELS: Readonly<Record<LabelLanguage, Partial<Record<CertutilLeadingField, string>>>> = {
  en: {serialNumber: 'Serial Number', issuer: 'Issuer', notBefore: 'NotBefore', notAfter: 'NotAfter', subject: 'Subject'},
  // fr/certutil-store-root.txt (C): `Numéro de série :`, `Émetteur:`, ` NotBefore :`, `Objet:`
  fr: {serialNumber: 'Numéro de série', issuer: 'Émetteur', notBefore: 'NotBefore', notAfter: 'NotAfter', subject: 'Objet'},
  // zh-CN/certutil-dump-pfx-edited.txt (E) and certutil-store-root-parser-testdata.txt (T, dates English)
  'zh-CN': {serialNumber: '序列号', issuer: '颁发者', notBefore: 'NotBefore', notAfter: 'NotAfter', subject: '使用者'},
  // de/certutil-store-my-parser-testdata.txt (T)
  de: {serialNumber: 'Seriennummer', issuer: 'Aussteller', notBefore: 'Nicht vor', notAfter: 'Nicht nach', subject: 'Antragsteller'},
  ru: {},
};

/** Whole lines certutil prints after a key's provider lines when the key may not leave the machine. */
export const CERTUTIL_NOT_EXPORTABLE_LINES: readonly string[] = [
  'Private key is NOT exportable', // en, test/fixtures/certutil-store-my.txt (C)
  'Private key is NOT plain text exportable', // en, the -dump wording the zh line below stands for
  'Der private Schlüssel ist NICHT exportierbar', // de (T)
  'Der private Schl\uFFFDssel ist NICHT exportierbar', // de (T) as that test data holds it: its ü was already lost
  '无法以纯文本方式导出私钥', // zh-CN (E), certutil -dump of a PFX
];

/** Lines that say the key matched the certificate's public key. */
export const CERTUTIL_KEY_TEST_PASSED_LINES: readonly string[] = [
  'Encryption test passed', // en (C)
  'Signature test passed', // en, signature-only keys (public transcripts of makecert keys)
  'Test de chiffrement réussi', // fr (T)
  'Verschlüsselungstest wurde durchgeführt', // de (T)
  'Verschl\uFFFDsselungstest wurde durchgef\uFFFDhrt', // de (T) as held
];

/** Lines that say the store has no key for the certificate. */
export const CERTUTIL_NO_KEY_LINES: readonly string[] = [
  'No key provider information', // en (C)
  'Aucune information sur le fournisseur de clé', // fr (C)
  '没有密钥提供程序信息', // zh-CN (E)
];

/** sc.exe status labels. Every zh-CN, ko, fr, es capture keeps them English; the ru capture (C) translates them. */
export type ScStatusField = 'serviceName' | 'type' | 'state' | 'win32ExitCode' | 'serviceExitCode' | 'checkpoint' | 'waitHint' | 'pid' | 'flags';

/** The rows after SERVICE_NAME, in the order sc query / sc start / sc queryex print them. */
export const SC_STATUS_ROW_ORDER: readonly Exclude<ScStatusField, 'serviceName'>[] = [
  'type',
  'state',
  'win32ExitCode',
  'serviceExitCode',
  'checkpoint',
  'waitHint',
  'pid',
  'flags',
];

export const SC_STATUS_LABELS: Readonly<Record<'en' | 'ru', Readonly<Record<ScStatusField, string>>>> = {
  en: {
    serviceName: 'SERVICE_NAME',
    type: 'TYPE',
    state: 'STATE',
    win32ExitCode: 'WIN32_EXIT_CODE',
    serviceExitCode: 'SERVICE_EXIT_CODE',
    checkpoint: 'CHECKPOINT',
    waitHint: 'WAIT_HINT',
    pid: 'PID',
    flags: 'FLAGS',
  },
  // ru/sc-install-query-transcript-partial.txt (C)
  ru: {
    serviceName: 'Имя_службы',
    type: 'Тип',
    state: 'Состояние',
    win32ExitCode: 'Код_выхода_Win32',
    serviceExitCode: 'Код_выхода_службы',
    checkpoint: 'Контрольная_точка',
    waitHint: 'Ожидание',
    pid: 'ID_процесса',
    flags: 'Флаги',
  },
};

/** sc qc rows after SERVICE_NAME, in order; SERVICE_START_NAME is always the last one. */
export type ScConfigField = 'type' | 'startType' | 'errorControl' | 'binaryPath' | 'loadOrderGroup' | 'tag' | 'displayName' | 'dependencies' | 'account';

export const SC_CONFIG_ROW_ORDER: readonly ScConfigField[] = ['type', 'startType', 'errorControl', 'binaryPath', 'loadOrderGroup', 'tag', 'displayName', 'dependencies', 'account'];

// Only English is known for sc qc (zh-CN/sc-qc-config-transcript.txt keeps it, C); no translated qc was found.
export const SC_CONFIG_LABELS_EN: Readonly<Record<ScConfigField, string>> = {
  type: 'TYPE',
  startType: 'START_TYPE',
  errorControl: 'ERROR_CONTROL',
  binaryPath: 'BINARY_PATH_NAME',
  loadOrderGroup: 'LOAD_ORDER_GROUP',
  tag: 'TAG',
  displayName: 'DISPLAY_NAME',
  dependencies: 'DEPENDENCIES',
  account: 'SERVICE_START_NAME',
};

/** Case-insensitive, whitespace-tolerant comparison of a printed line or label with a table entry. */
export const sameText = (printed: string, known: string): boolean => printed.replace(/\s+/g, ' ').trim().toLowerCase() === known.replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * The words netsh http show sslcert prints for its on/off options, and what `netsh http add sslcert` takes for
 * them. English only: the zh-CN sample (T) keeps these values English, and no capture of a translated value was
 * found, so any other word is refused rather than guessed (a wrong guess re-creates a binding with other flags).
 */
export const NETSH_FLAG_WORDS: Readonly<Record<'enable' | 'disable', readonly string[]>> = {
  enable: ['Enabled', 'Set'],
  disable: ['Disabled', 'Not Set'],
};

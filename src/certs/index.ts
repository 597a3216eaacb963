// The certificate toolkit: make, read, package and check certificates without touching a Windows store.
export type {Certificate, CertificateRecord} from './certificate.ts';
export type {CertInfo} from './cert-info.ts';
export {createSelfSigned, generateKeyPem, keyInAdvance, type GeneratedKey} from './create.ts';
export type {MadeCert, SelfSignedSpec} from './create.ts';
export {describeCertificate} from './describe.ts';
export {toPfx, fromPfx, PfxPasswordError, PfxFormatError} from './pfx.ts';
export type {PfxContents} from './pfx.ts';
export {cleanThumbprint} from './thumbprint.ts';
export {keyMatchesCertificate} from './key-match.ts';
export {derToPem, toDer} from './pem.ts';

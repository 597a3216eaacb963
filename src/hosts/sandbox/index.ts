// The sandbox: simulated Windows nodes on disk, reached through the same Host interface as real ones.
export {SandboxFleet} from './sandbox-fleet.ts';
export {initSandbox, SSIS_MASTER_APPID} from './init.ts';
export type {InitOptions} from './init.ts';
export {showSandbox} from './show.ts';
export type {SandboxSnapshot, NodeSnapshot, CertSnapshot, BindingSnapshot, SettingsSnapshot, ServiceSnapshot} from './show.ts';
export {addFault, clearFaults, listFaults} from './faults.ts';
export type {FaultRule} from './faults.ts';
export {windowsPathToSandbox} from './windows-path.ts';
export {runSandboxCommand} from './dispatch.ts';
export {sandboxToolArgs} from './tool-path.ts';
export {MASTER_SETTINGS_PATH, WORKER_SETTINGS_PATH, MASTER_SERVICE, WORKER_SERVICE} from './scale-out-files.ts';
export type {NodeState, SandboxCert, SandboxBinding, SandboxBindingOptions, SandboxService, SandboxManifest} from './state.ts';

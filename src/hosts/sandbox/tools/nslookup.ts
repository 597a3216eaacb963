// nslookup NAME, answered from the node's simulated resolver (NodeState.azureml.dns, A records only). Windows prints
// the server it asked first; a name that does not exist goes to stderr (docs/TOOL-OUTPUT.md, unconfirmed details).
import {isIP} from 'node:net';
import {lines} from './program.ts';
import type {SandboxProgram} from './program.ts';

const SERVER = 'dns.contoso.local';
const SERVER_IP = '10.0.0.2';

export const nslookup: SandboxProgram = {
  run(context, args) {
    const name = args.find((a) => !a.startsWith('-'));
    const header = lines(`Server:  ${SERVER}`, `Address:  ${SERVER_IP}`, '');
    if (!name) return {stdout: lines('Usage:', '   nslookup [-opt ...] host'), stderr: '', exitCode: 1};
    if (isIP(name)) return {stdout: header, stderr: lines(`*** ${SERVER} can't find ${name}: Non-existent domain`), exitCode: 1};
    const address = context.state.azureml?.dns[name.toLowerCase().replace(/\.$/, '')];
    if (!address) return {stdout: header, stderr: lines(`*** ${SERVER} can't find ${name}: Non-existent domain`), exitCode: 1};
    return {stdout: header + lines(`Name:    ${name}`, `Address:  ${address}`, ''), stderr: '', exitCode: 0};
  },
  fault() {
    return {
      stdout: lines(`DNS request timed out.`, '    timeout was 2 seconds.', 'Server:  UnKnown', `Address:  ${SERVER_IP}`, ''),
      stderr: lines(`*** Request to UnKnown timed-out`),
      exitCode: 1,
    };
  },
};

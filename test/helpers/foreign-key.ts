// Links a store entry to a private key that is not its certificate's: what a key container relinked to the wrong key
// looks like on Windows. The store still says "has a private key"; only certutil's key test shows it.
import {generateKeyPem} from '../../src/certs/index.ts';
import {updateNodeState} from '../../src/hosts/sandbox/state.ts';

export async function giveForeignKey(dir: string, node: string, store: string, thumbprint: string): Promise<void> {
  const keyPem = await generateKeyPem();
  await updateNodeState(dir, node, (state) => {
    const cert = state.stores[store]?.find((c) => c.thumbprint === thumbprint.toUpperCase());
    if (!cert?.keyPem) throw new Error(`${node} has no ${thumbprint} with a key in ${store}`);
    cert.keyPem = keyPem;
    return {state, result: undefined};
  });
}

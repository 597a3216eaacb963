// The first-frame baseline: the smallest Ink app that draws and answers a key. One <Text>; any key changes it, and
// the app unmounts a while after that. Not at once: unmounting flushes Ink's pending frame immediately, while a frame
// drawn by a running app waits for Ink's render throttle (up to 1/30 s after the frame before it), as certwalk's
// answer to a key does; exiting on the key measured the baseline's answer without that wait.
// Bundled like certwalk (esbuild, NODE_ENV=production, react-devtools-core stubbed): see bench/figures/first-frame.ts.
import {render, Text, useApp, useInput} from 'ink';
import {useEffect, useState} from 'react';

const EXIT_AFTER_MS = 300;

function Minimal() {
  const {exit} = useApp();
  const [pressed, setPressed] = useState(false);
  useInput(() => setPressed(true));
  useEffect(() => {
    if (!pressed) return;
    const timer = setTimeout(exit, EXIT_AFTER_MS);
    return () => clearTimeout(timer);
  }, [pressed, exit]);
  return <Text>{pressed ? 'bench: key received' : 'bench: ready for a key'}</Text>;
}

render(<Minimal />);

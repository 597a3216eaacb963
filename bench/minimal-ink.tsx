// The first-frame baseline: the smallest Ink app that draws and answers a key. One <Text>; any key changes it, and
// the app unmounts once the changed frame is drawn. Bundled like certwalk (esbuild, one file, NODE_ENV=production,
// react-devtools-core stubbed): see bench/figures/first-frame.ts.
import {render, Text, useApp, useInput} from 'ink';
import {useEffect, useState} from 'react';

function Minimal() {
  const {exit} = useApp();
  const [pressed, setPressed] = useState(false);
  useInput(() => setPressed(true));
  useEffect(() => {
    if (pressed) exit();
  }, [pressed, exit]);
  return <Text>{pressed ? 'bench: key received' : 'bench: ready for a key'}</Text>;
}

render(<Minimal />);

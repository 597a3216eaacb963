// V8 doubles its young generation whenever many objects survive a collection, up to 32 MB of semi-spaces, and never
// gives it back: one burst (making a certificate with forge, a command streaming 100k lines) left certwalk at about
// 100 MB resident for the rest of the session. Held at the size it has, collections are more frequent and as quick
// (they copy only what survives): 15-30 MB less, no slower to answer a key (bench/figures/output.ts).
//
// For the interactive app only, and once its first frame is drawn: start-up allocates a lot that survives (the
// modules, Ink, the first frame), and with the young generation at its first 1 MB that meant twice the collector's
// time before Home appeared. An unattended run ends when its steps do: it keeps V8's default.
import {setFlagsFromString} from 'node:v8';

/** From now on the young generation stays the size it is. The flag is read each time it would grow. */
export function holdYoungGeneration(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

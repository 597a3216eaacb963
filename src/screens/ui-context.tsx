// The language and glyphs of the running app, for every screen below <UiProvider>; English and Unicode without one
// (screens rendered alone in tests).
import {createContext, useContext, type ReactNode} from 'react';
import {DEFAULT_UI, type Ui} from './ui.ts';

const UiContext = createContext<Ui>(DEFAULT_UI);

export function UiProvider({ui, children}: {ui: Ui; children: ReactNode}) {
  return <UiContext.Provider value={ui}>{children}</UiContext.Provider>;
}

export function useUi(): Ui {
  return useContext(UiContext);
}

// The one way keys reach the screens. Ink's useInput gives every handler every chunk at once: when several keys arrive
// together (a burst over RDP, a paste, auto-repeat), the second key reaches the handler of the render the first key
// was pressed in, before React re-renders and before Ink re-attaches the new handlers, so it acts on the old screen
// (a Down seen by the menu it already moved, an Enter by the screen it already left). Here each key is delivered
// only after the previous key's changes were rendered, so every handler sees the screen as the key's sender saw it.
import {useStdin} from 'ink';
import {createContext, useContext, useEffect, useLayoutEffect, useRef, useState, type ReactNode} from 'react';
import {createKeyDecoder, type KeyEvent, type KeyFlags} from './key-events.ts';

export type KeyHandler = (input: string, key: Readonly<KeyFlags>) => void;

interface Registration {
  handler: KeyHandler;
  active: boolean;
}

/** Keys waiting for their turn, and the handlers of the screen as last rendered. */
class KeyRouter {
  readonly registrations = new Set<Registration>();
  readonly #queue: KeyEvent[] = [];
  #waitingForRender = false;
  #idle: (() => void)[] = [];
  #subscribed = false;
  #onSubscribed: (() => void)[] = [];
  /** Asks React for a commit; the provider's effect calls rendered() after it. */
  requestRender: () => void = () => undefined;

  enqueue(keys: readonly KeyEvent[]): void {
    this.#queue.push(...keys);
    if (!this.#waitingForRender) this.#deliverNext();
  }

  /** The previous key's changes are on screen and every handler is the current render's: the next key may go. */
  rendered(): void {
    // On the next turn, outside React's commit: a key delivered from the effect itself would nest each key's render
    // in the previous one's, and React stops nested updates after 50 (a burst of 200 keys).
    setImmediate(() => {
      this.#waitingForRender = false;
      this.#deliverNext();
    });
  }

  subscribed(): void {
    this.#subscribed = true;
    for (const resolve of this.#onSubscribed.splice(0)) resolve();
  }

  whenSubscribed(): Promise<void> {
    return this.#subscribed ? Promise.resolve() : new Promise((resolve) => this.#onSubscribed.push(resolve));
  }

  whenIdle(): Promise<void> {
    return this.#isIdle() ? Promise.resolve() : new Promise((resolve) => this.#idle.push(resolve));
  }

  #isIdle(): boolean {
    return this.#queue.length === 0 && !this.#waitingForRender;
  }

  #deliverNext(): void {
    const next = this.#queue.shift();
    if (!next) {
      for (const resolve of this.#idle.splice(0)) resolve();
      return;
    }
    this.#waitingForRender = true;
    // A handler may switch screens: the ones registered when the key arrived get it, in the order they registered.
    for (const registration of [...this.registrations]) {
      if (registration.active) registration.handler(next.input, next.key);
    }
    this.requestRender();
  }
}

const RouterContext = createContext<KeyRouter | null>(null);

/** Routers by stdin stream: tests wait on the one behind the stream they write to. */
const routers = new WeakMap<object, KeyRouter>();

export function KeyboardProvider({children}: {readonly children: ReactNode}) {
  const {stdin, setRawMode, internal_eventEmitter: inkInput} = useStdin();
  const router = useRef<KeyRouter | null>(null);
  router.current ??= new KeyRouter();
  const [renders, setRenders] = useState(0);
  router.current.requestRender = () => setRenders((n) => n + 1);

  useEffect(() => {
    const keys = router.current!;
    routers.set(stdin, keys);
    const decoder = createKeyDecoder();
    // Ink's input parser has already split the chunk at escape sequences (and held back an ESC that may start one);
    // the decoder splits the rest into keys.
    const onInput = (raw: string) => keys.enqueue(decoder.push(raw));
    inkInput.on('input', onInput);
    setRawMode(true);
    keys.subscribed();
    return () => {
      inkInput.off('input', onInput);
      setRawMode(false);
      routers.delete(stdin);
    };
  }, [stdin, setRawMode, inkInput]);

  // Runs after every commit of a render this provider asked for, once every handler below has been re-registered.
  useEffect(() => {
    if (renders > 0) router.current!.rendered();
  }, [renders]);

  return <RouterContext.Provider value={router.current}>{children}</RouterContext.Provider>;
}

/**
 * Calls `handler` with each key while `active`. The handler registered is always the latest render's, and a key is
 * delivered only once the previous one has been rendered: reading props and state in it is reading the current ones.
 */
export function useKeys(handler: KeyHandler, options: {readonly active?: boolean} = {}): void {
  const router = useContext(RouterContext);
  if (!router) throw new Error('useKeys needs a KeyboardProvider above it');
  const registration = useRef<Registration>({handler, active: options.active ?? true});
  // Every commit re-points the registration at this render's handler, before any key can be delivered again.
  useLayoutEffect(() => {
    registration.current.handler = handler;
    registration.current.active = options.active ?? true;
  });
  useLayoutEffect(() => {
    const current = registration.current;
    router.registrations.add(current);
    return () => {
      router.registrations.delete(current);
    };
  }, [router]);
}

/** Resolves when the app reading `stdin` listens for keys (a test's first key must not be written before). */
export async function keysListening(stdin: object): Promise<void> {
  for (;;) {
    const router = routers.get(stdin);
    if (router) return router.whenSubscribed();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Resolves when every key written to `stdin` so far has been handled and its changes rendered. */
export function keysHandled(stdin: object): Promise<void> {
  return routers.get(stdin)?.whenIdle() ?? Promise.resolve();
}

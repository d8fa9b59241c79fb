import { type Key, useInput } from "ink";
import {
  createContext,
  type ReactElement,
  type ReactNode,
  useCallback,
  useContext,
  useLayoutEffect,
  useMemo,
  useRef,
} from "react";

/** What a component does with a key: Ink's `useInput` handler. */
export type KeyHandler = (input: string, key: Key) => void;

interface Listener {
  handler: KeyHandler;
  isActive: boolean;
}

/** The listeners of the keyboard, in the order they mounted. */
interface KeyRouter {
  add(listener: { readonly current: Listener }): () => void;
  dispatch(input: string, key: Key): void;
}

function createKeyRouter(): KeyRouter {
  const listeners = new Set<{ readonly current: Listener }>();
  return {
    add(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispatch(input, key) {
      // A copy: a handler may unmount another listener, or mount one that must wait for the next key.
      for (const listener of [...listeners]) {
        if (listener.current.isActive) listener.current.handler(input, key);
      }
    },
  };
}

const KeyRouterContext = createContext<KeyRouter | undefined>(undefined);

/**
 * Owns the one Ink `useInput` subscription of the app and hands each key to the {@link useKeys}
 * listeners of the latest commit.
 *
 * Ink writes a frame as soon as React commits it, but (re)subscribes `useInput` handlers in a
 * passive effect, which runs later. A key sent in reply to the new frame (a fast typist, a
 * paste, a pty) could reach the previous render's handler with its stale state, or no handler
 * at all when the component has just mounted or been made active: the key was lost. Listeners
 * here register and update in layout effects, which run within the commit.
 */
export function KeyRouterProvider(props: { children: ReactNode }): ReactElement {
  const router = useMemo(createKeyRouter, []);
  const dispatch = useCallback<KeyHandler>((input, key) => router.dispatch(input, key), [router]);
  useInput(dispatch);
  return <KeyRouterContext.Provider value={router}>{props.children}</KeyRouterContext.Provider>;
}

/**
 * Ink's `useInput`, but every key reaches the handler and `isActive` of the latest commit.
 * Under a {@link KeyRouterProvider} it listens through the router; without one (component
 * tests) through a `useInput` subscription of its own that never changes.
 */
export function useKeys(handler: KeyHandler, options: { isActive?: boolean } = {}): void {
  const router = useContext(KeyRouterContext);
  const latest = useRef<Listener>({ handler, isActive: options.isActive ?? true });
  useLayoutEffect(() => {
    latest.current = { handler, isActive: options.isActive ?? true };
  });
  useLayoutEffect(() => router?.add(latest), [router]);
  const forward = useCallback<KeyHandler>((input, key) => {
    if (latest.current.isActive) latest.current.handler(input, key);
  }, []);
  useInput(forward, { isActive: router === undefined });
}

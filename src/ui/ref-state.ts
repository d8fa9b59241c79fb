import { useRef, useState } from "react";

/**
 * `useState` whose latest value is also readable at once through `ref`. Keys can arrive
 * faster than React renders (a fast typist, a paste, a pty): a key handler that read state
 * from its closure would see the value from before the previous key. Handlers read and write
 * through `ref`; the state only drives rendering.
 */
export function useRefState<T>(
  initial: T | (() => T),
): [value: T, set: (next: T | ((current: T) => T)) => void, ref: { readonly current: T }] {
  const [value, setRendered] = useState(initial);
  const ref = useRef(value);
  const set = (next: T | ((current: T) => T)): void => {
    ref.current = typeof next === "function" ? (next as (current: T) => T)(ref.current) : next;
    setRendered(ref.current);
  };
  return [value, set, ref];
}

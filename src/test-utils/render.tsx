// The one render helper for Ink component tests: waits on frames instead of sleeping, and
// presses keys only once a component is actually reading input.
import { render } from "ink-testing-library";
import type { ReactElement } from "react";
import { onTestFinished } from "vitest";

export { bracketedPaste, type Key, Keys } from "./keys.js";

const DEFAULT_WAIT_MS = 2_000;
const POLL_MS = 5;
const DEFAULT_QUIET_MS = 30;

type InkInstance = ReturnType<typeof render>;

/** Options for {@link InkHarness.waitForFrame} and {@link InkHarness.press}. */
export interface FrameWaitOptions {
  /** Milliseconds before the wait fails; default 2000. */
  timeout?: number;
}

/** Options for {@link InkHarness.settle}. */
export interface SettleOptions {
  /** How long no new frame must be written to count as settled; default 30 ms. */
  quietMs?: number;
  /** Milliseconds before giving up on frames that never stop; default 2000. */
  timeout?: number;
}

/** An ink-testing-library instance plus waits that observe frames and input readiness. */
export interface InkHarness extends InkInstance {
  /** The last frame, or "" before the first one. */
  frame(): string;
  /** Resolves with the last frame once it matches; rejects with an {@link InkWaitError} on timeout. */
  waitForFrame(pattern: string | RegExp, options?: FrameWaitOptions): Promise<string>;
  /** Waits until a component reads input (an active `useInput`), sends the key, and yields once. */
  press(key: string, options?: FrameWaitOptions): Promise<void>;
  /** Sends text as one chunk, as a fast typist or a paste without bracketed-paste markers would. */
  type(text: string, options?: FrameWaitOptions): Promise<void>;
  /**
   * Sends keys as separate chunks, all before React renders any of them (keys typed quickly
   * over a pty), then yields as {@link InkHarness.press} does.
   */
  burst(keys: readonly string[], options?: FrameWaitOptions): Promise<void>;
  /** Resolves with the last frame once no new frame has been written for `quietMs`. */
  settle(options?: SettleOptions): Promise<string>;
}

/** Why a wait on an Ink render failed; `frame` holds the last frame at that moment. */
export class InkWaitError extends Error {
  override name = "InkWaitError";
  constructor(
    message: string,
    readonly frame: string,
  ) {
    super(`${message}\n--- last frame ---\n${frame}\n------------------`);
  }
}

// Each round is one turn of the event loop's check phase.
const DRAIN_ROUNDS = 5;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// React's scheduler runs Ink's passive effects (which re-subscribe useInput handlers to the
// latest state) in setImmediate tasks, and Ink flushes a lone Esc the same way. Draining a few
// turns after each key means the next key meets the handler of the frame the test just saw,
// as it would with a person typing.
async function drainImmediates(): Promise<void> {
  for (let i = 0; i < DRAIN_ROUNDS; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Renders an element with ink-testing-library; it is unmounted when the current test ends. */
export function renderInk(element: ReactElement): InkHarness {
  const instance = render(element);
  onTestFinished(() => {
    instance.unmount();
    instance.cleanup();
  });
  const frame = (): string => instance.lastFrame() ?? "";

  const poll = async (
    done: () => boolean,
    timeout: number,
    describe: () => string,
  ): Promise<void> => {
    const deadline = performance.now() + timeout;
    while (!done()) {
      if (performance.now() > deadline) throw new InkWaitError(describe(), frame());
      await sleep(POLL_MS);
    }
  };

  const burst = async (keys: readonly string[], options?: FrameWaitOptions): Promise<void> => {
    const timeout = options?.timeout ?? DEFAULT_WAIT_MS;
    // Ink attaches its stdin listener in an effect after the first render; a key written
    // before then would be dropped, so wait for a reader rather than for a fixed time.
    await poll(
      () => instance.stdin.listenerCount("readable") > 0,
      timeout,
      () =>
        `keys ${JSON.stringify(keys.join(""))}: no component read input within ${timeout} ms (no active useInput)`,
    );
    for (const key of keys) instance.stdin.write(key);
    await drainImmediates();
  };
  const press = (key: string, options?: FrameWaitOptions): Promise<void> => burst([key], options);

  return {
    ...instance,
    frame,
    async waitForFrame(pattern, options) {
      const timeout = options?.timeout ?? DEFAULT_WAIT_MS;
      const isMatch = (): boolean =>
        typeof pattern === "string" ? frame().includes(pattern) : pattern.test(frame());
      const shown = typeof pattern === "string" ? JSON.stringify(pattern) : String(pattern);
      await poll(
        isMatch,
        timeout,
        () => `timed out after ${timeout} ms waiting for a frame matching ${shown}`,
      );
      return frame();
    },
    press,
    type: press,
    burst,
    async settle(options) {
      const quietMs = options?.quietMs ?? DEFAULT_QUIET_MS;
      const timeout = options?.timeout ?? DEFAULT_WAIT_MS;
      let count = instance.frames.length;
      let quietSince = performance.now();
      await poll(
        () => {
          if (instance.frames.length !== count) {
            count = instance.frames.length;
            quietSince = performance.now();
          }
          return performance.now() - quietSince >= quietMs;
        },
        timeout,
        () => `frames kept changing for ${timeout} ms`,
      );
      return frame();
    },
  };
}

/** What a question component answered: pass `onAnswer`, read `answers`, await the first. */
export interface AnswerRecorder<T> {
  readonly onAnswer: (value: T) => void;
  readonly answers: T[];
  /** Resolves with the first answer. */
  readonly answer: Promise<T>;
}

/** Records the answers a question component gives through its `onAnswer` prop. */
export function answerRecorder<T>(): AnswerRecorder<T> {
  const answers: T[] = [];
  let resolve: (value: T) => void = () => {};
  const answer = new Promise<T>((r) => {
    resolve = r;
  });
  const onAnswer = (value: T): void => {
    answers.push(value);
    resolve(value);
  };
  return { onAnswer, answers, answer };
}

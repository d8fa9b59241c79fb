// The pty harness as terminal tests use it: programs and the built wren in a real
// pseudo-terminal (terminal.ts, wren-terminal.ts), keys (keys.ts), and a pool whose terminals
// die after each test. The only part that needs vitest lives here, so the benchmarks can
// bundle the rest (script-harness.ts).
import { afterEach } from "vitest";
import { type StartTerminalOptions, startTerminal, type Terminal } from "./terminal.js";
import { type StartWrenOptions, startWren, type WrenTerminal } from "./wren-terminal.js";

export { bracketedPaste, type Key, Keys } from "./keys.js";
export {
  type ExitStatus,
  type StartTerminalOptions,
  startTerminal,
  type Terminal,
  TerminalWaitError,
  type WaitOptions,
} from "./terminal.js";
export { type StartWrenOptions, startWren, type WrenTerminal, wrenBin } from "./wren-terminal.js";

/** What {@link useTerminals} hands a test file: starters whose terminals die after each test. */
export interface TerminalPool {
  start(options: StartTerminalOptions): Promise<Terminal>;
  startWren(options?: StartWrenOptions): Promise<WrenTerminal>;
}

/** Registers a vitest `afterEach` that kills and disposes every terminal started through the pool. */
export function useTerminals(): TerminalPool {
  const live = new Set<Terminal>();
  afterEach(async () => {
    const terminals = [...live];
    live.clear();
    await Promise.all(terminals.map((terminal) => terminal.dispose()));
  });
  const track = <T extends Terminal>(terminal: T): T => {
    live.add(terminal);
    return terminal;
  };
  return {
    start: async (options) => track(await startTerminal(options)),
    startWren: async (options) => track(await startWren(options)),
  };
}

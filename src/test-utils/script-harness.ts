// The test harness for plain-node scripts (scripts/bench/, scripts/bench-oauth.mjs,
// scripts/demo.mjs): scripts/harness.mjs bundles this entry and imports it, so the scripts run
// the same pty terminal, mock starter and model-server client as the tests instead of copies.
// Nothing reachable from here may import vitest. Paths the modules derive from their own
// location (wrenBin) are wrong inside a bundle: scripts pass `bin` themselves.
export { projectSlug } from "../utils/paths.js";
export { type ModelServer, type ScriptTurn, startModelServerScript } from "./model-server.js";
export { runWren, type WrenRun } from "./run-wren.js";
export { MockStartError, type StartedMock, startMock } from "./start-mock.js";
export { startTerminal, type Terminal, TerminalWaitError } from "./terminal.js";

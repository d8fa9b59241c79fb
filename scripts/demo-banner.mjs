// The text `npm run demo` prints before it opens the REPL: what runs where, and the exact
// commands (with their WREN_HOME) that try the same server from another terminal.

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(word) {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * @param {{ url: string, home: string, node: string, wren: string }} demo
 * @returns {string}
 */
export function demoBanner({ url, home, node, wren }) {
  const cli = (args) =>
    `  WREN_HOME=${shellQuote(home)} ${shellQuote(node)} ${shellQuote(wren)} ${args}`;
  return [
    "",
    `wren demo: an OAuth-protected MCP server "demo" runs at ${url}`,
    `WREN_HOME=${home} (deleted on exit)`,
    "In the REPL below, type `.mcp auth demo` to sign in.",
    "The CLI variant, from another terminal while this demo runs:",
    cli("mcp auth demo --no-browser"),
    cli("mcp list"),
    "",
    "",
  ].join("\n");
}

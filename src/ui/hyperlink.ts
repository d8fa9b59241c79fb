/**
 * Whether the terminal shows OSC 8 hyperlinks (clickable text). Terminals that do not know
 * the sequence may print it, so only those known to support it get it; everyone else sees
 * the plain URL, which is shown either way.
 */
export function supportsHyperlinks(env: NodeJS.ProcessEnv): boolean {
  if (env.FORCE_HYPERLINK !== undefined) return env.FORCE_HYPERLINK !== "0";
  if (env.TERM === "dumb" || env.CI) return false;
  const program = env.TERM_PROGRAM ?? "";
  if (["iTerm.app", "WezTerm", "vscode", "ghostty", "Hyper", "Tabby"].includes(program)) {
    return true;
  }
  if (env.WT_SESSION || env.KITTY_WINDOW_ID || env.KONSOLE_VERSION) return true;
  if (env.TERM === "xterm-kitty" || env.TERM === "alacritty" || env.TERM === "foot") return true;
  // GNOME Terminal, Tilix and other VTE terminals since 0.50.
  const vte = Number(env.VTE_VERSION ?? "");
  return Number.isFinite(vte) && vte >= 5000;
}

/** `text` as an OSC 8 hyperlink to `url`. */
export function hyperlink(url: string, text: string = url): string {
  return `\u001b]8;;${url}\u001b\\${text}\u001b]8;;\u001b\\`;
}

// How the device prompt words its code and its time left: pure, so the REPL's modal can use it
// without loading the sign-in code (and the MCP SDK) at startup.

/** `WDJB-MJHT` as `W D J B - M J H T`: large enough to read across a room, bold where shown. */
export function spacedUserCode(code: string): string {
  return [...code].join(" ");
}

/** "9 minutes", "30 seconds": how long the code is still good. */
export function describeRemaining(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 90) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.round(seconds / 60);
  return `${minutes} minutes`;
}

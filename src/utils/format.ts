// Numbers as people read them (durations, token counts, dollars), shared by the chat view, the
// status line and the chat commands; pure, so any layer may use them.

/** A duration as people read it: 340ms, 2.4s, 2s, 1m 05s (also timeouts and restart delays). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  // A tenth at most, none for whole seconds: "timed out after 2s", not "2.0s".
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  const total = Math.round(ms / 1000);
  const [minutes, seconds] = [Math.floor(total / 60), total % 60];
  // Whole minutes read as such: "authorization timed out after 5m".
  return seconds === 0 ? `${minutes}m` : `${minutes}m ${String(seconds).padStart(2, "0")}s`;
}

/** A token count, compact: 950, 12.3k, 1.2M. */
export function formatTokens(count: number): string {
  if (count < 1000) return String(count);
  if (count < 1_000_000) return `${(count / 1000).toFixed(count < 10_000 ? 1 : 0)}k`;
  return `${(count / 1_000_000).toFixed(1)}M`;
}

/** Dollars, with cents or finer for small amounts: $0.0042, $1.27. */
export function formatCost(dollars: number): string {
  if (dollars === 0) return "$0";
  if (dollars < 0.01) return `$${dollars.toFixed(4)}`;
  return `$${dollars.toFixed(2)}`;
}

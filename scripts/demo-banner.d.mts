/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(word: string): string;
/** The text `npm run demo` prints: the server, WREN_HOME and the exact CLI commands. */
export function demoBanner(demo: {
  readonly url: string;
  readonly home: string;
  readonly node: string;
  readonly wren: string;
}): string;

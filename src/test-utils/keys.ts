// Byte sequences a VT100/xterm terminal sends for keys, as Ink's input parser expects them.
// Tests press these by name instead of spelling escape sequences inline.

/** Key names mapped to the bytes an xterm-compatible terminal sends for them. */
export const Keys = {
  enter: "\r",
  escape: "\u001b",
  tab: "\t",
  shiftTab: "\u001b[Z",
  backspace: "\u007f",
  delete: "\u001b[3~",
  space: " ",
  up: "\u001b[A",
  down: "\u001b[B",
  right: "\u001b[C",
  left: "\u001b[D",
  home: "\u001b[H",
  end: "\u001b[F",
  pageUp: "\u001b[5~",
  pageDown: "\u001b[6~",
  ctrlA: "\u0001",
  ctrlC: "\u0003",
  ctrlD: "\u0004",
  ctrlE: "\u0005",
  ctrlJ: "\n",
  ctrlK: "\u000b",
  ctrlL: "\u000c",
  ctrlR: "\u0012",
  ctrlS: "\u0013",
  ctrlU: "\u0015",
  ctrlW: "\u0017",
  metaEnter: "\u001b\r",
} as const;

/** One of the byte sequences in {@link Keys}. */
export type Key = (typeof Keys)[keyof typeof Keys];

/** Wraps text in bracketed-paste markers, as a terminal does when the user pastes. */
export function bracketedPaste(text: string): string {
  return `\u001b[200~${text}\u001b[201~`;
}

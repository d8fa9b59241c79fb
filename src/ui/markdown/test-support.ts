// Rendering helpers for the markdown tests. Used by *.test.ts only.
import { stripVTControlCharacters as strip } from "node:util";
import { highlightCode } from "./highlight.js";
import { renderMarkdown } from "./render.js";

/** The escape character that starts every ANSI style. */
export const ESC = "\u001b";

/** Renders without colour. */
export const plain = (text: string, width = 80): string =>
  renderMarkdown(text, { width, color: false });

/** Renders in colour, code highlighted. */
export const colored = (text: string, width = 80): string =>
  renderMarkdown(text, { width, color: true, highlight: highlightCode });

/** Coloured output with the styles removed: the layout a user sees. */
export const shown = (text: string, width = 80): string => strip(colored(text, width));

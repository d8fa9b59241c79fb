// Splits a streaming answer into a finished head and a growing tail. The head is rendered once
// (into Ink's <Static>); only the tail is re-rendered on each delta, so the cost of a delta
// does not grow with the length of the answer.

/** A growing markdown text cut at a block boundary: `stable + tail` is the input. */
export interface StableSplit {
  /** Whole blocks that later text cannot change; "" when there are none yet. */
  stable: string;
  /** The rest, including any unfinished block; re-render it as it grows. */
  tail: string;
}

interface Fence {
  readonly char: "`" | "~";
  readonly length: number;
  /** Opened at column 0 (not in a list or quote), so its closing line ends a top-level block. */
  readonly topLevel: boolean;
}

// An opening fence, possibly inside list items or quotes ("- ```ts", "> ~~~"). Being generous
// here only costs split points; missing a fence would split inside code.
const FENCE_OPEN = /^[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+|>[ \t]?)*(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^[ \t]*(?:>[ \t]?)*(`{3,}|~{3,})[ \t]*$/;
// A list item's first line. A blank line between two items makes the whole list loose (blank
// lines between all its items), so a list is never split between items.
const LIST_ITEM = /^(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
// HTML blocks that CommonMark lets run over blank lines (types 1 and 2), with their ends.
const RAW_HTML_OPEN = /^ {0,3}(?:<(pre|script|style|textarea)(?:[\s>]|$)|<!--)/i;

/**
 * Splits `text` at the last block boundary outside fenced code and raw HTML: a line at the
 * margin after a blank line (but not between two items of a list), or the line after a
 * top-level closing fence. Only complete lines
 * (ending in "\n") are examined, so a line still arriving is always in the tail.
 *
 * For streaming, keep the tail and split `tail + delta` next time: `tail` starts at a block
 * boundary, so scanning it alone is exact and each call costs only the tail's length.
 * Limitation: a reference-style link whose definition comes after the split renders literally.
 */
export function splitStableMarkdown(text: string): StableSplit {
  let boundary = 0;
  let fence: Fence | undefined;
  let htmlEnd: string | undefined;
  let afterBlank = false;
  // A split must leave a real head, not just leading blank lines.
  let seenContent = false;
  // The last non-blank line belonged to a list (an item or an indented continuation).
  let inList = false;
  let lineStart = 0;
  while (lineStart < text.length) {
    const newline = text.indexOf("\n", lineStart);
    const complete = newline !== -1;
    const line = complete ? text.slice(lineStart, newline) : text.slice(lineStart);
    const blank = line.trim() === "";
    const outside = fence === undefined && htmlEnd === undefined;
    // A boundary sits before this line; its first character is enough to know a block starts.
    if (
      outside &&
      afterBlank &&
      seenContent &&
      !blank &&
      !/^[ \t]/.test(line) &&
      !(inList && (LIST_ITEM.test(line) || (!complete && /^[-*+\d]/.test(line))))
    ) {
      boundary = lineStart;
    }
    if (!complete) break;
    if (!blank) {
      seenContent = true;
      inList = LIST_ITEM.test(line) || /^[ \t]/.test(line);
    }
    const next = newline + 1;
    if (fence) {
      const close = FENCE_CLOSE.exec(line);
      const marker = close?.[1];
      if (marker && marker[0] === fence.char && marker.length >= fence.length) {
        if (fence.topLevel) boundary = next;
        fence = undefined;
        afterBlank = false;
      }
    } else if (htmlEnd) {
      if (line.toLowerCase().includes(htmlEnd)) htmlEnd = undefined;
      afterBlank = false;
    } else {
      fence = openFence(line);
      if (!fence) htmlEnd = openRawHtml(line);
      afterBlank = blank;
    }
    lineStart = next;
  }
  return { stable: text.slice(0, boundary), tail: text.slice(boundary) };
}

function openFence(line: string): Fence | undefined {
  const match = FENCE_OPEN.exec(line);
  const marker = match?.[1];
  if (!marker) return undefined;
  const char = marker[0] === "~" ? "~" : "`";
  // A backtick fence's info string cannot contain backticks (that is inline code instead).
  if (char === "`" && match[2]?.includes("`")) return undefined;
  // Only a fence at the margin is surely outside a list item (whose fences are indented).
  return { char, length: marker.length, topLevel: /^[`~]/.test(line) };
}

function openRawHtml(line: string): string | undefined {
  const match = RAW_HTML_OPEN.exec(line);
  if (!match) return undefined;
  const end = match[1] ? `</${match[1].toLowerCase()}>` : "-->";
  // The block may close on its own first line.
  const rest = line.slice(match.index + match[0].length).toLowerCase();
  return rest.includes(end) ? undefined : end;
}

// Inline markdown (emphasis, code spans, links, character references) as styled text, and the
// pieces every block renderer shares: the render context, cleaning untrusted text, wrapping.
import type { ChalkInstance } from "chalk";
import type { MarkedToken, Token, Tokens } from "marked";
import wrapAnsi from "wrap-ansi";
import { safeText } from "../../utils/terminal-text.js";
import type { HighlightFn } from "./code-highlighter.js";

/** What rendering needs all the way down: styles, whether to colour, the highlighter, list depth. */
export interface Context {
  readonly c: ChalkInstance;
  readonly color: boolean;
  readonly highlight: HighlightFn | undefined;
  readonly listDepth: number;
}

/** Replaces control and bidi characters (other than tab and newline) with visible symbols. */
export function clean(text: string): string {
  return safeText(text);
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  copy: "©",
  reg: "®",
  trade: "™",
  hellip: "…",
  mdash: "—",
  ndash: "–",
  lsquo: "‘",
  rsquo: "’",
  ldquo: "“",
  rdquo: "”",
  laquo: "«",
  raquo: "»",
  times: "×",
  divide: "÷",
  plusmn: "±",
  deg: "°",
  middot: "·",
  bull: "•",
  larr: "←",
  rarr: "→",
  uarr: "↑",
  darr: "↓",
  harr: "↔",
  le: "≤",
  ge: "≥",
  ne: "≠",
  check: "✓",
};

/** Text of a token: character references resolved, control characters made visible. */
export function decodeText(text: string): string {
  return clean(decodeEntities(text));
}

// marked leaves named character references in text tokens for its HTML renderer to pass
// through; a terminal has to resolve them. Unknown names stay as written.
function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(
    /&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});/g,
    (ref, body: string) => {
      if (!body.startsWith("#")) return NAMED_ENTITIES[body] ?? ref;
      const code =
        body[1] === "x" || body[1] === "X"
          ? Number.parseInt(body.slice(2), 16)
          : Number(body.slice(1));
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return "\ufffd";
      return String.fromCodePoint(code);
    },
  );
}

// The Token union includes a catch-all `Generic` type that defeats narrowing; marked's own
// tokenizers only produce the known types, and the default branches handle anything else.
/** Narrows a token to marked's own types. */
export function known(token: Token): MarkedToken {
  return token as MarkedToken;
}

/** Fits text to `width` columns, styles kept across the breaks. */
export function wrap(text: string, width: number, trim = true): string[] {
  return wrapAnsi(text, Math.max(1, width), { hard: true, trim }).split("\n");
}

/** Renders inline tokens (emphasis, code spans, links, images, breaks) as one styled string. */
export function renderInline(tokens: Token[], ctx: Context): string {
  let out = "";
  for (const token of tokens) out += renderSpan(known(token), ctx);
  return out;
}

function renderSpan(token: MarkedToken, ctx: Context): string {
  const { c } = ctx;
  switch (token.type) {
    case "text":
      return token.tokens ? renderInline(token.tokens, ctx) : decodeText(token.text);
    case "escape":
      return clean(token.text);
    case "strong":
      return c.bold(renderInline(token.tokens, ctx));
    case "em":
      return c.italic(renderInline(token.tokens, ctx));
    case "del":
      return c.strikethrough(renderInline(token.tokens, ctx));
    case "codespan":
      return ctx.color ? c.cyan(clean(token.text)) : `\`${clean(token.text)}\``;
    case "br":
      return "\n";
    case "link":
      return renderLink(token, ctx);
    case "image":
      return c.dim(clean(`[image: ${token.text}]${token.href ? ` (${token.href})` : ""}`));
    case "html":
      // <br> is common in table cells; any other tag is shown as the text it is.
      return /^<br\s*\/?>$/i.test(token.text) ? "\n" : clean(token.text);
    case "checkbox":
      return "";
    default:
      return clean(token.raw);
  }
}

function renderLink(token: Tokens.Link, ctx: Context): string {
  const { c } = ctx;
  const label = renderInline(token.tokens, ctx);
  const bare = token.autolink || token.text === token.href || `mailto:${token.text}` === token.href;
  if (bare) return c.blue.underline(label);
  return `${c.blue(label)} ${c.dim(`(${clean(token.href)})`)}`;
}

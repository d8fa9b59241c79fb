// Markdown -> ANSI text for the terminal. marked only lexes; rendering is ours, because a
// terminal needs what an HTML renderer (and marked-terminal) does not give: every line fitted
// to a width, lists and quotes indenting wrapped lines, tables shrunk to the screen, and no
// dependence on chalk's global colour detection.
import { Chalk } from "chalk";
import { Lexer, type MarkedToken, type Token, type Tokens } from "marked";
import stringWidth from "string-width";
import wrapAnsi from "wrap-ansi";
import type { HighlightFn } from "./code-highlighter.js";
import { type Context, clean, decodeText, known, renderInline, wrap } from "./inline.js";
import { renderTable } from "./table.js";

/** Options of {@link renderMarkdown}. */
export interface RenderMarkdownOptions {
  /** Columns available; every output line fits (down to a floor of 10). */
  width: number;
  /** ANSI styles and colours; false gives plain text with no escape codes at all. */
  color: boolean;
  /** Highlighter for fenced code with a language; without it code is shown plain. */
  highlight?: HighlightFn;
}

const MIN_WIDTH = 10;
const CODE_INDENT = "  ";
const TAB_STOP = 4;
const BULLETS = ["•", "◦", "▪"] as const;
const COLOR = new Chalk({ level: 1 });
const PLAIN = new Chalk({ level: 0 });

/** Renders markdown as lines of ANSI-styled text, each at most `width` columns wide. */
export function renderMarkdown(text: string, options: RenderMarkdownOptions): string {
  const ctx: Context = {
    c: options.color ? COLOR : PLAIN,
    color: options.color,
    highlight: options.color ? options.highlight : undefined,
    listDepth: 0,
  };
  // A fresh options object each time: the Lexer stores its tokenizer on the object it is given.
  const tokens = Lexer.lex(sanitize(text), { gfm: true, breaks: true });
  const width = Math.max(MIN_WIDTH, Math.floor(options.width));
  return renderBlocks(tokens, width, ctx).join("\n");
}

// Model output is untrusted: a raw ESC could move the cursor, retitle the window or forge a
// hyperlink, a bidi override reorder a line. Control characters and bidi controls become
// visible symbols (the shared terminal-text rule), both in the source and in every string
// taken from a token (marked itself decodes numeric references such as &#27;). Tabs become
// spaces (string-width counts a tab as zero columns), at CommonMark's tab stops so block
// structure is unchanged.
function sanitize(text: string): string {
  let out = text.replace(/\r\n?/g, "\n");
  if (out.includes("\t")) out = out.split("\n").map(expandTabs).join("\n");
  return clean(out);
}

function expandTabs(line: string): string {
  let out = "";
  for (const char of line) {
    out += char === "\t" ? " ".repeat(TAB_STOP - (stringWidth(out) % TAB_STOP)) : char;
  }
  return out;
}

/** Renders block tokens; blocks are separated by one blank line. */
function renderBlocks(tokens: Token[], width: number, ctx: Context): string[] {
  const out: string[] = [];
  for (const token of tokens) {
    const lines = renderBlock(known(token), width, ctx);
    if (!lines) continue;
    if (out.length > 0) out.push("");
    out.push(...lines);
  }
  return out;
}

function renderBlock(token: MarkedToken, width: number, ctx: Context): string[] | undefined {
  const { c } = ctx;
  switch (token.type) {
    case "space":
    case "def":
      return undefined;
    case "paragraph":
      return wrap(renderInline(token.tokens, ctx), width);
    case "text":
      return wrap(token.tokens ? renderInline(token.tokens, ctx) : decodeText(token.text), width);
    case "heading":
      return renderHeading(token, width, ctx);
    case "code":
      return renderCode(token, width, ctx);
    case "blockquote":
      return prefixLines(renderBlocks(token.tokens, width - 2, ctx), c.dim("│ "), c.dim("│"));
    case "list":
      return renderList(token, width, ctx);
    case "table":
      return renderTable(token, width, ctx);
    case "hr":
      return [c.dim("─".repeat(width))];
    case "html":
      // A comment is invisible in rendered markdown; other raw HTML is shown as the text it
      // is, indentation and all.
      if (/^\s*<!--[\s\S]*-->\s*$/.test(token.text)) return undefined;
      return wrap(clean(token.text.replace(/\n+$/, "")), width, false);
    default:
      return wrap(clean(token.raw.replace(/\n+$/, "")), width);
  }
}

function prefixLines(lines: string[], prefix: string, emptyPrefix = prefix): string[] {
  return lines.map((line) => (line ? prefix + line : emptyPrefix));
}

function renderHeading(token: Tokens.Heading, width: number, ctx: Context): string[] {
  const { c } = ctx;
  const text = renderInline(token.tokens, ctx);
  if (!ctx.color) return wrap(`${"#".repeat(token.depth)} ${text}`, width);
  const style =
    token.depth === 1
      ? c.bold.underline
      : token.depth === 2
        ? c.bold
        : token.depth === 3
          ? c.bold.italic
          : c.italic;
  return wrap(style(text), width);
}

function renderCode(token: Tokens.Code, width: number, ctx: Context): string[] {
  const { c } = ctx;
  const code = clean(token.text.split("\n").map(expandTabs).join("\n"));
  // The info string may carry more than the language ("ts title=a.ts").
  const lang = clean(token.lang?.trim().split(/\s+/)[0] ?? "");
  let body = code;
  if (ctx.highlight && lang) {
    try {
      body = ctx.highlight(code, lang) ?? code;
    } catch {
      // A grammar that chokes on odd input costs the colours, not the answer.
      body = code;
    }
  }
  const inner = Math.max(1, width - CODE_INDENT.length);
  const lines = body
    .split("\n")
    .flatMap((line) =>
      line ? wrapAnsi(line, inner, { hard: true, trim: false, wordWrap: false }).split("\n") : [""],
    )
    .map((line) => (line ? CODE_INDENT + line : line));
  if (!ctx.color) {
    // Without colours the fences are what tells code from prose, and they copy as markdown.
    return [`${CODE_INDENT}\`\`\`${lang}`, ...lines, `${CODE_INDENT}\`\`\``];
  }
  return lang ? [CODE_INDENT + c.dim(lang), ...lines] : lines;
}

function renderList(token: Tokens.List, width: number, ctx: Context): string[] {
  const { c } = ctx;
  const start = token.start === "" ? 1 : token.start;
  const numbers = token.items.map((_, i) => `${start + i}.`);
  const numberWidth = Math.max(0, ...numbers.map((n) => n.length));
  const bullet = BULLETS[ctx.listDepth % BULLETS.length] ?? "•";
  const child: Context = { ...ctx, listDepth: ctx.listDepth + 1 };
  const out: string[] = [];
  token.items.forEach((item, i) => {
    let marker = token.ordered ? (numbers[i] ?? "").padStart(numberWidth) : bullet;
    if (item.task) {
      const box = item.checked ? `[${c.green("x")}]` : "[ ]";
      marker = token.ordered ? `${marker} ${box}` : box;
    }
    const indent = stringWidth(marker) + 1;
    const body = renderItem(item, Math.max(4, width - indent), child);
    if (token.loose && i > 0) out.push("");
    body.forEach((line, n) => {
      if (n === 0) out.push(`${marker} ${line}`);
      else out.push(line ? " ".repeat(indent) + line : line);
    });
  });
  return out;
}

// A nested list hugs the text of its item; other blocks in a loose item get a blank line.
// Rendering a loose list like consecutive tight ones keeps a list split by the streaming
// splitter looking the same as the whole list.
function renderItem(item: Tokens.ListItem, width: number, ctx: Context): string[] {
  const out: string[] = [];
  for (const token of item.tokens) {
    const block = known(token);
    if (block.type === "checkbox") continue;
    const lines = renderBlock(block, width, ctx);
    if (!lines) continue;
    if (out.length > 0 && item.loose && block.type !== "list") out.push("");
    out.push(...lines);
  }
  return out.length > 0 ? out : [""];
}

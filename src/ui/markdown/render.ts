// Markdown -> ANSI text for the terminal. marked only lexes; rendering is ours, because a
// terminal needs what an HTML renderer (and marked-terminal) does not give: every line fitted
// to a width, lists and quotes indenting wrapped lines, tables shrunk to the screen, and no
// dependence on chalk's global colour detection.
import { Chalk, type ChalkInstance } from "chalk";
import { Lexer, type MarkedToken, type Token, type Tokens } from "marked";
import stringWidth from "string-width";
import wrapAnsi from "wrap-ansi";
import { safeText } from "../../utils/terminal-text.js";
import type { HighlightFn } from "./code-highlighter.js";

/** Options of {@link renderMarkdown}. */
export interface RenderMarkdownOptions {
  /** Columns available; every output line fits (down to a floor of 10). */
  width: number;
  /** ANSI styles and colours; false gives plain text with no escape codes at all. */
  color: boolean;
  /** Highlighter for fenced code with a language; without it code is shown plain. */
  highlight?: HighlightFn;
}

interface Context {
  readonly c: ChalkInstance;
  readonly color: boolean;
  readonly highlight: HighlightFn | undefined;
  readonly listDepth: number;
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

/** Replaces control and bidi characters (other than tab and newline) with visible symbols. */
function clean(text: string): string {
  return safeText(text);
}

function expandTabs(line: string): string {
  let out = "";
  for (const char of line) {
    out += char === "\t" ? " ".repeat(TAB_STOP - (stringWidth(out) % TAB_STOP)) : char;
  }
  return out;
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

function decodeText(text: string): string {
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
function known(token: Token): MarkedToken {
  return token as MarkedToken;
}

function wrap(text: string, width: number, trim = true): string[] {
  return wrapAnsi(text, Math.max(1, width), { hard: true, trim }).split("\n");
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

function renderInline(tokens: Token[], ctx: Context): string {
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

type Align = "center" | "left" | "right" | null;

function renderTable(token: Tokens.Table, width: number, ctx: Context): string[] {
  const { c } = ctx;
  const header = token.header.map((cell) => c.bold(renderInline(cell.tokens, ctx)));
  const rows = token.rows.map((row) => row.map((cell) => renderInline(cell.tokens, ctx)));
  const columns = header.length;
  const natural = header.map((_, col) =>
    Math.max(1, ...[header, ...rows].map((row) => widestLine(row[col] ?? ""))),
  );
  // "│ a │ b │": three columns of border and padding per cell, plus the closing bar.
  const available = width - (3 * columns + 1);
  if (available < 3 * columns) return renderTableAsRecords(header, rows, width, ctx);
  const widths = fitColumns(natural, available);
  const border = (left: string, mid: string, right: string): string =>
    c.dim(left + widths.map((w) => "─".repeat(w + 2)).join(mid) + right);
  const bar = c.dim("│");
  const renderRow = (cells: string[]): string[] => {
    const wrapped = widths.map((w, col) => wrap(cells[col] ?? "", w));
    const height = Math.max(...wrapped.map((lines) => lines.length));
    const lines: string[] = [];
    for (let n = 0; n < height; n++) {
      const parts = widths.map((w, col) =>
        pad(wrapped[col]?.[n] ?? "", w, token.align[col] ?? null),
      );
      lines.push(`${bar} ${parts.join(` ${bar} `)} ${bar}`);
    }
    return lines;
  };
  return [
    border("┌", "┬", "┐"),
    ...renderRow(header),
    border("├", "┼", "┤"),
    ...rows.flatMap(renderRow),
    border("└", "┴", "┘"),
  ];
}

// Too narrow for columns: each row becomes "header: value" lines.
function renderTableAsRecords(
  header: string[],
  rows: string[][],
  width: number,
  ctx: Context,
): string[] {
  const out: string[] = [];
  for (const row of rows) {
    if (out.length > 0) out.push(ctx.c.dim("─".repeat(Math.min(width, 3))));
    header.forEach((name, col) => {
      out.push(...wrap(`${name}: ${row[col] ?? ""}`, width));
    });
  }
  return out.length > 0 ? out : wrap(header.join(" | "), width);
}

function widestLine(text: string): number {
  return Math.max(0, ...text.split("\n").map((line) => stringWidth(line)));
}

/** Column widths within `available`: narrow columns keep their width, wide ones share the rest. */
function fitColumns(natural: number[], available: number): number[] {
  if (natural.reduce((sum, w) => sum + w, 0) <= available) return natural;
  const widths = natural.map(() => 0);
  let open = natural.map((_, i) => i);
  let remaining = available;
  for (;;) {
    const share = Math.floor(remaining / open.length);
    const fitting = open.filter((i) => (natural[i] ?? 0) <= share);
    if (fitting.length === 0) break;
    for (const i of fitting) {
      widths[i] = natural[i] ?? 0;
      remaining -= widths[i] ?? 0;
    }
    open = open.filter((i) => !fitting.includes(i));
    if (open.length === 0) return widths;
  }
  const share = Math.floor(remaining / open.length);
  let extra = remaining - share * open.length;
  for (const i of open) {
    widths[i] = share + (extra > 0 ? 1 : 0);
    extra--;
  }
  return widths;
}

function pad(text: string, width: number, align: Align): string {
  const gap = Math.max(0, width - stringWidth(text));
  if (align === "right") return " ".repeat(gap) + text;
  if (align === "center") {
    const left = Math.floor(gap / 2);
    return " ".repeat(left) + text + " ".repeat(gap - left);
  }
  return text + " ".repeat(gap);
}

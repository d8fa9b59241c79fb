// The heavy half of code highlighting: highlight.js core plus a curated set of languages.
// Only ever loaded through `import()` by code-highlighter.ts, so it costs nothing until the
// first fenced code block (about 16 ms to evaluate, then ~20 ms per language on first use,
// when highlight.js compiles that grammar).
import { Chalk } from "chalk";
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import c from "highlight.js/lib/languages/c";
import cpp from "highlight.js/lib/languages/cpp";
import csharp from "highlight.js/lib/languages/csharp";
import css from "highlight.js/lib/languages/css";
import diff from "highlight.js/lib/languages/diff";
import dockerfile from "highlight.js/lib/languages/dockerfile";
import go from "highlight.js/lib/languages/go";
import ini from "highlight.js/lib/languages/ini";
import java from "highlight.js/lib/languages/java";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import kotlin from "highlight.js/lib/languages/kotlin";
import lua from "highlight.js/lib/languages/lua";
import makefile from "highlight.js/lib/languages/makefile";
import markdown from "highlight.js/lib/languages/markdown";
import php from "highlight.js/lib/languages/php";
import plaintext from "highlight.js/lib/languages/plaintext";
import python from "highlight.js/lib/languages/python";
import ruby from "highlight.js/lib/languages/ruby";
import rust from "highlight.js/lib/languages/rust";
import scss from "highlight.js/lib/languages/scss";
import shell from "highlight.js/lib/languages/shell";
import sql from "highlight.js/lib/languages/sql";
import swift from "highlight.js/lib/languages/swift";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";

// Registering mutates highlight.js's own singleton; doing it once at module evaluation keeps
// this module free of state of its own. Aliases (ts, js, sh, py, yml, html, toml, ...) come
// with each grammar.
const LANGUAGES = {
  bash,
  c,
  cpp,
  csharp,
  css,
  diff,
  dockerfile,
  go,
  ini,
  java,
  javascript,
  json,
  kotlin,
  lua,
  makefile,
  markdown,
  php,
  plaintext,
  python,
  ruby,
  rust,
  scss,
  shell,
  sql,
  swift,
  typescript,
  xml,
  yaml,
};
for (const [name, grammar] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, grammar);

// Basic 16 colours only, so code follows the user's terminal theme (light or dark).
const chalk = new Chalk({ level: 1 });

type Paint = (text: string) => string;

// highlight.js scope -> style. A span may carry sub-scopes ("hljs-title class_"): the whole
// dotted scope is looked up first, then each part; unknown scopes inherit the enclosing style.
const THEME: Record<string, Paint> = {
  keyword: chalk.magenta,
  "selector-tag": chalk.magenta,
  doctag: chalk.magenta,
  built_in: chalk.cyan,
  type: chalk.yellow,
  "title.class_": chalk.yellow,
  "title.class_.inherited__": chalk.yellow,
  title: chalk.blue,
  section: chalk.bold.blue,
  string: chalk.green,
  regexp: chalk.green,
  addition: chalk.green,
  deletion: chalk.red,
  number: chalk.yellow,
  literal: chalk.yellow,
  symbol: chalk.yellow,
  bullet: chalk.yellow,
  comment: chalk.dim.italic,
  quote: chalk.dim.italic,
  meta: chalk.dim,
  attr: chalk.cyan,
  attribute: chalk.cyan,
  property: chalk.cyan,
  "selector-class": chalk.cyan,
  "selector-id": chalk.cyan,
  variable: chalk.red,
  "template-variable": chalk.red,
  tag: chalk.red,
  name: chalk.red,
  emphasis: chalk.italic,
  strong: chalk.bold,
  link: chalk.underline,
};

const HTML_ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#x27;": "'",
  "&#39;": "'",
};

function unescapeHtml(text: string): string {
  return text.replace(
    /&(?:amp|lt|gt|quot|#x27|#39);/g,
    (entity) => HTML_ENTITIES[entity] ?? entity,
  );
}

function paintFor(classes: string, inherited: Paint | undefined): Paint | undefined {
  const parts = classes.split(" ").map((cls) => cls.replace(/^hljs-/, ""));
  for (const scope of [parts.join("."), ...parts]) {
    const paint = THEME[scope];
    if (paint) return paint;
  }
  return inherited;
}

/** Turns highlight.js HTML (only `<span class>` tags and five entities) into ANSI lines. */
function htmlToAnsi(html: string): string {
  const stack: (Paint | undefined)[] = [];
  let out = "";
  for (const match of html.matchAll(/<span class="([^"]*)">|<\/span>|[^<]+/g)) {
    const [whole, classes] = match;
    if (classes !== undefined) stack.push(paintFor(classes, stack.at(-1)));
    else if (whole === "</span>") stack.pop();
    else {
      const text = unescapeHtml(whole);
      const paint = stack.at(-1);
      // Style each line on its own so a line can be wrapped or shown without its neighbours.
      out += paint
        ? text
            .split("\n")
            .map((line) => (line ? paint(line) : line))
            .join("\n")
        : text;
    }
  }
  return out;
}

/**
 * Highlights `code` as `language` (a name or alias) with ANSI colours; undefined when the
 * language is not one of the curated set, so the caller shows the code unhighlighted.
 */
export function highlightCode(code: string, language: string): string | undefined {
  const lang = language.toLowerCase();
  if (!hljs.getLanguage(lang)) return undefined;
  return htmlToAnsi(hljs.highlight(code, { language: lang, ignoreIllegals: true }).value);
}

/** Names of the registered languages (without aliases). */
export function highlightLanguages(): string[] {
  return Object.keys(LANGUAGES);
}

// Tab completion of `@server:uri` mentions in the input line: first the server, then its
// resources and resource templates, then a template's argument through the server's
// `completion/complete`. Pure logic over a snapshot of the resource catalog; no React.
import type { CatalogEntry } from "../mcp/resources.js";
import { templateHead } from "../mcp/resources.js";

/** Result of Tab: the new input text and the candidates to show, if several. */
export interface MentionCompletion {
  readonly text: string;
  readonly candidates: readonly string[];
}

/** What completing a mention reads. */
export interface MentionCompletionSource {
  /** Connected servers with resources or templates. */
  readonly catalog: () => readonly CatalogEntry[];
  /** A template argument's values, from the server (`completion/complete`). */
  readonly completeArgument?: (
    server: string,
    uriTemplate: string,
    argument: string,
    value: string,
  ) => Promise<readonly string[]>;
}

interface Option {
  /** Replaces what was typed after `@server:`. */
  readonly insert: string;
  /** Shown in the candidate list. */
  readonly show: string;
  /** Whether the mention is complete (a space follows). */
  readonly done: boolean;
}

/** Candidates shown at once; the rest are counted. */
const MAX_CANDIDATES = 30;

// The word being typed at the end of the line, when it starts with `@`.
const MENTION_AT_END = /(?:^|\s)@([^\s]*)$/;

/**
 * Completes a mention at the end of `text`; undefined when the last word is no mention (other
 * completions apply). A promise when the server has to be asked for a template's argument.
 */
export function completeMention(
  text: string,
  source: MentionCompletionSource,
): MentionCompletion | Promise<MentionCompletion> | undefined {
  const match = MENTION_AT_END.exec(text);
  if (!match) return undefined;
  const word = match[1] ?? "";
  const head = text.slice(0, text.length - word.length);
  const catalog = source.catalog();
  const colon = word.indexOf(":");
  if (colon < 0) {
    const options = catalog
      .map((entry) => entry.server)
      .filter((server) => server.startsWith(word))
      .map((server) => ({ insert: `${server}:`, show: `@${server}:`, done: false }));
    return apply(head, word, options);
  }
  const server = word.slice(0, colon);
  const typed = word.slice(colon + 1);
  const entry = catalog.find((e) => e.server === server);
  if (!entry) return { text, candidates: [] };
  const prefix = `${server}:`;
  const options: Option[] = entry.resources
    .filter((r) => r.uri.startsWith(typed))
    .map((r) => ({ insert: r.uri, show: r.uri, done: true }));
  for (const template of entry.templates) {
    const { prefix: literal, variable } = templateHead(template.uriTemplate);
    const inArgument = typed.startsWith(literal) && variable !== undefined;
    if (literal.startsWith(typed) && !(inArgument && options.length === 0)) {
      options.push({ insert: literal, show: template.uriTemplate, done: false });
    } else if (inArgument && options.length === 0 && source.completeArgument) {
      // Typing the argument: the server knows its values.
      const value = typed.slice(literal.length);
      const rest = restAfterFirstExpression(template.uriTemplate);
      return source.completeArgument(server, template.uriTemplate, variable, value).then(
        (values) =>
          apply(
            `${head}${prefix}`,
            typed,
            values.map((v) => ({
              insert: `${literal}${v}${rest}`,
              show: v,
              done: !rest.includes("{"),
            })),
          ),
        () => ({ text, candidates: [] }),
      );
    }
  }
  return apply(`${head}${prefix}`, typed, options);
}

/** The template after its first `{expression}`: what follows an argument's value. */
function restAfterFirstExpression(template: string): string {
  const close = template.indexOf("}", template.indexOf("{"));
  return close < 0 ? "" : template.slice(close + 1);
}

function apply(head: string, typed: string, options: readonly Option[]): MentionCompletion {
  const unique = [...new Map(options.map((o) => [o.insert, o])).values()];
  const only = unique[0];
  if (unique.length === 0 || !only) return { text: `${head}${typed}`, candidates: [] };
  if (unique.length === 1) {
    return { text: `${head}${only.insert}${only.done ? " " : ""}`, candidates: [] };
  }
  const common = commonPrefix(unique.map((o) => o.insert));
  // A server may list thousands: show enough to choose the next characters, not a wall.
  const shown = unique.slice(0, MAX_CANDIDATES).map((o) => o.show);
  const more = unique.length - shown.length;
  return {
    text: `${head}${common.length > typed.length ? common : typed}`,
    candidates: more > 0 ? [...shown, `… ${more} more`] : shown,
  };
}

function commonPrefix(words: readonly string[]): string {
  let prefix = words[0] ?? "";
  for (const word of words) {
    while (!word.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix;
}

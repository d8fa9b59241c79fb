// A settings document as text becomes a checked value here: JSON with comments parsed with
// line and column on errors, validated against a strict zod/mini schema with every problem
// named by file and JSON path, unknown keys turned into warnings with a likely meaning.
import { readFile } from "node:fs/promises";
import { type ParseError, parse, printParseErrorCode } from "jsonc-parser";
import type * as z from "zod/mini";
import { ConfigError, type ConfigIssue, formatIssue } from "./errors.js";
import { knownKeysAt, suggestKey } from "./suggest.js";

/**
 * A reader that reads each file once and answers later calls with the same result, so what a
 * run checks (the trust of the project files) and what it then loads are the same text.
 */
export function readOnce(
  read: (file: string) => Promise<string | undefined>,
): (file: string) => Promise<string | undefined> {
  const seen = new Map<string, Promise<string | undefined>>();
  return (file) => {
    let text = seen.get(file);
    if (text === undefined) {
      text = read(file);
      seen.set(file, text);
    }
    return text;
  };
}

/** Reads a UTF-8 file; a missing file is `undefined`, any other error propagates. */
export async function readTextIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return undefined;
    throw error;
  }
}

/** Converts a character offset into a 1-based line and column. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Parses JSON (comments and trailing commas tolerated); syntax errors carry line and column. */
export function parseJsonDocument(text: string, file: string): unknown {
  if (text.trim() === "") return {};
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    throw new ConfigError(
      errors.slice(0, 3).map((e) => {
        const { line, column } = lineAndColumn(text, e.offset);
        return {
          file,
          path: [],
          message: `invalid JSON at line ${line}, column ${column}: ${describeParseError(e)}`,
        };
      }),
    );
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError([{ file, path: [], message: "expected a JSON object at the top level" }]);
  }
  return value;
}

function describeParseError(error: ParseError): string {
  const code = printParseErrorCode(error.error);
  const words = code.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return words;
}

/**
 * Validates a document against a strict schema. Unknown keys become warnings (and are dropped);
 * every other problem is a ConfigIssue naming the file and JSON path.
 */
export function validateDocument<T>(
  schema: z.ZodMiniType<T>,
  value: unknown,
  file: string,
  /** Where `value` sits in its file, for messages (a server entry: `mcpServers.NAME`). */
  at: readonly (string | number)[] = [],
): { data: T; warnings: string[] } {
  const warnings: string[] = [];
  let current = value;
  // Each pass drops the unknown keys zod reported; nested unknown keys can surface one level
  // at a time, so a few passes may be needed.
  for (let pass = 0; pass < 8; pass++) {
    const result = schema.safeParse(current);
    if (result.success) return { data: result.data, warnings };
    const fatal: ConfigIssue[] = [];
    const unknown: { path: (string | number)[]; keys: string[] }[] = [];
    for (const issue of result.error.issues) {
      const path = issue.path.filter(
        (p): p is string | number => typeof p === "string" || typeof p === "number",
      );
      if (issue.code === "unrecognized_keys") unknown.push({ path, keys: issue.keys });
      else fatal.push({ file, path: [...at, ...path], message: humanizeZodMessage(issue) });
    }
    if (fatal.length > 0) throw new ConfigError(fatal);
    current = structuredClone(current);
    for (const { path, keys } of unknown) {
      const parent = getAt(current, path);
      if (parent === null || typeof parent !== "object") continue;
      const known = knownKeysAt(schema, path);
      for (const key of keys) {
        const suggestion = suggestKey(key, known);
        const message = `unknown key, ignored${suggestion ? ` (did you mean ${suggestion}?)` : ""}`;
        warnings.push(formatIssue({ file, path: [...at, ...path, key], message }));
        delete (parent as Record<string, unknown>)[key];
      }
    }
  }
  throw new ConfigError([{ file, path: [...at], message: "could not be validated" }]);
}

function getAt(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

// zod/mini ships no message locale, so the common codes are worded here. Once classic zod is
// loaded in the same process (the MCP SDK brings it), its English locale is global and the
// issues arrive pre-worded ("Invalid option: ..."): the wording must not depend on that.
function humanizeZodMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type": {
      const article = /^[aeiou]/.test(issue.expected) ? "an" : "a";
      return `expected ${article} ${issue.expected === "int" ? "integer" : issue.expected}`;
    }
    case "invalid_value":
      return issue.message !== "Invalid input" && !issue.message.startsWith("Invalid option: ")
        ? issue.message
        : `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_union":
      return "expected false or an object";
    default:
      return issue.message.replace(/^Invalid input: /, "");
  }
}

/** True for a JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

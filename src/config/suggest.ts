import { distance } from "fastest-levenshtein";
import * as z from "zod/mini";

/**
 * Keys other tools use for what wren calls differently, with the wren key (which must be
 * allowed at that place for the hint to apply) and how to write it.
 */
const OTHER_TOOLS: Readonly<Record<string, { readonly key: string; readonly hint: string }>> = {
  httpUrl: { key: "url", hint: `"url" with "type": "http" (httpUrl is Gemini CLI's name)` },
  serverUrl: { key: "url", hint: `"url" (serverUrl is Windsurf's name)` },
  servers: { key: "mcpServers", hint: `"mcpServers" (servers is VS Code's name)` },
};

/** The keys an object schema allows at `path` inside `schema` (records and unions walked). */
export function knownKeysAt(schema: z.core.$ZodType, path: readonly (string | number)[]): string[] {
  const found: string[] = [];
  const walk = (node: z.core.$ZodType, rest: readonly (string | number)[]): void => {
    if (node instanceof z.core.$ZodOptional) {
      walk(node._zod.def.innerType, rest);
      return;
    }
    if (node instanceof z.core.$ZodUnion) {
      for (const option of node._zod.def.options) walk(option, rest);
      return;
    }
    if (node instanceof z.core.$ZodObject) {
      const [head, ...tail] = rest;
      if (head === undefined) {
        found.push(...Object.keys(node._zod.def.shape));
        return;
      }
      const child = node._zod.def.shape[String(head)];
      if (child) walk(child, tail);
      return;
    }
    if (node instanceof z.core.$ZodRecord && rest.length > 0) {
      walk(node._zod.def.valueType, rest.slice(1));
      return;
    }
    if (node instanceof z.core.$ZodArray && rest.length > 0)
      walk(node._zod.def.element, rest.slice(1));
  };
  walk(schema, path);
  return found;
}

/**
 * What the user probably meant by an unknown key: another tool's spelling (Gemini's
 * `httpUrl`, Windsurf's `serverUrl`, VS Code's `servers`), a different case (`apikey`), or a
 * near miss. Undefined when nothing is close.
 */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  const foreign = OTHER_TOOLS[key];
  if (foreign && known.includes(foreign.key)) return foreign.hint;
  const sameCase = known.find((k) => k.toLowerCase() === key.toLowerCase());
  if (sameCase) return `"${sameCase}"`;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // Short keys need a close match, or every two-letter typo would suggest something.
  const limit = key.length <= 4 ? 1 : 2;
  return best !== undefined && bestDistance <= limit ? `"${best}"` : undefined;
}

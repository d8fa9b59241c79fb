import { distance } from "fastest-levenshtein";
import type * as z from "zod/mini";

/**
 * Keys other tools use for what wren calls differently, with the wren key (which must be
 * allowed at that place for the hint to apply) and how to write it.
 */
const OTHER_TOOLS: Readonly<Record<string, { readonly key: string; readonly hint: string }>> = {
  httpUrl: { key: "url", hint: `"url" with "type": "http" (httpUrl is Gemini CLI's name)` },
  serverUrl: { key: "url", hint: `"url" (serverUrl is Windsurf's name)` },
  servers: { key: "mcpServers", hint: `"mcpServers" (servers is VS Code's name)` },
};

/**
 * The keys an object schema allows at `path` inside `schema` (records and unions walked). Reads
 * the schema's definition by its `type` tag: the startup build vendors a subset of zod/mini
 * without `z.core`'s classes, so `instanceof` is not available here.
 */
export function knownKeysAt(schema: z.core.$ZodType, path: readonly (string | number)[]): string[] {
  const found: string[] = [];
  const walk = (node: z.core.$ZodType, rest: readonly (string | number)[]): void => {
    const def = node._zod.def;
    switch (def.type) {
      case "optional":
        walk((def as z.core.$ZodOptionalDef).innerType, rest);
        return;
      case "union":
        for (const option of (def as z.core.$ZodUnionDef).options) walk(option, rest);
        return;
      case "object": {
        const shape = (def as z.core.$ZodObjectDef).shape;
        const [head, ...tail] = rest;
        if (head === undefined) found.push(...Object.keys(shape));
        else {
          const child = shape[String(head)];
          if (child) walk(child, tail);
        }
        return;
      }
      case "record":
        if (rest.length > 0) walk((def as z.core.$ZodRecordDef).valueType, rest.slice(1));
        return;
      case "array":
        if (rest.length > 0) walk((def as z.core.$ZodArrayDef).element, rest.slice(1));
        return;
      default:
        return;
    }
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

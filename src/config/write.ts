import { applyEdits, type JSONPath, modify } from "jsonc-parser";
import { writeFileAtomic } from "../utils/atomic-write.js";
import { parseJsonDocument, readTextIfExists } from "./document.js";

/**
 * Sets (or, with `undefined`, removes) one value inside a JSON settings file, keeping the
 * user's other keys, comments and formatting. Creates the file if needed; writes atomically.
 */
export async function updateJsonFile(file: string, path: JSONPath, value: unknown): Promise<void> {
  const original = (await readTextIfExists(file)) ?? "";
  const text = original.trim() === "" ? "{}\n" : original;
  // Refuse to edit a file that does not parse: the edit could destroy what the user wrote.
  parseJsonDocument(text, file);
  const indent = detectIndent(text);
  const edits = modify(text, path, value, {
    formattingOptions: {
      insertSpaces: indent !== "\t",
      tabSize: indent === "\t" ? 1 : indent.length,
      eol: "\n",
    },
  });
  let updated = applyEdits(text, edits);
  if (!updated.endsWith("\n")) updated += "\n";
  await writeFileAtomic(file, updated);
}

function detectIndent(text: string): string {
  const match = /\n([ \t]+)\S/.exec(text);
  return match?.[1] ?? "  ";
}

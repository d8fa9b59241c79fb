import type { Tool } from "./types.js";

/** Where tools come from: built-ins, or one MCP manager whose tools change over time. */
export type ToolSource = () => readonly Tool[];

/** The one list of tools the model sees, filled by built-in tools and MCP tools alike. */
export interface ToolRegistry {
  /** Adds a source; returns a function that removes it. */
  addSource(source: ToolSource): () => void;
  /** Every tool now available; the first source wins a name clash. */
  list(): readonly Tool[];
  /** A listed tool, else one a fallback knows by name (a tool search kept back). */
  find(name: string): Tool | undefined;
  /** Adds a lookup for names not listed; returns a function that removes it. */
  addFallback(resolve: (name: string) => Tool | undefined): () => void;
}

/** Creates an empty registry. */
export function createToolRegistry(): ToolRegistry {
  const sources = new Set<ToolSource>();
  const fallbacks = new Set<(name: string) => Tool | undefined>();
  const list = (): readonly Tool[] => {
    const byName = new Map<string, Tool>();
    for (const source of sources) {
      for (const tool of source()) if (!byName.has(tool.name)) byName.set(tool.name, tool);
    }
    return [...byName.values()];
  };
  return {
    addSource(source) {
      sources.add(source);
      return () => sources.delete(source);
    },
    list,
    find(name) {
      const listed = list().find((tool) => tool.name === name);
      if (listed) return listed;
      for (const resolve of fallbacks) {
        const found = resolve(name);
        if (found) return found;
      }
      return undefined;
    },
    addFallback(resolve) {
      fallbacks.add(resolve);
      return () => fallbacks.delete(resolve);
    },
  };
}

/** A `${VAR}` reference that has no value and no default. */
export interface MissingVariable {
  readonly path: readonly (string | number)[];
  readonly variable: string;
}

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Expands `${VAR}` and `${VAR:-default}` in one string; reports variables that are missing. */
export function expandString(
  value: string,
  env: NodeJS.ProcessEnv,
): { value: string; missing: string[] } {
  const missing: string[] = [];
  const expanded = value.replace(REFERENCE, (_match, name: string, fallback?: string) => {
    const set = env[name];
    if (set !== undefined && set !== "") return set;
    if (fallback !== undefined) return fallback;
    missing.push(name);
    return "";
  });
  return { value: expanded, missing };
}

/**
 * Expands variables in every string value (not keys) of a parsed JSON document.
 * Returns the expanded copy and every missing variable with the path where it was used.
 */
export function expandEnvDeep(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: (string | number)[] = [],
): { value: unknown; missing: MissingVariable[] } {
  if (typeof value === "string") {
    const r = expandString(value, env);
    return { value: r.value, missing: r.missing.map((variable) => ({ path, variable })) };
  }
  const missing: MissingVariable[] = [];
  if (Array.isArray(value)) {
    const out = value.map((item, i) => {
      const r = expandEnvDeep(item, env, [...path, i]);
      missing.push(...r.missing);
      return r.value;
    });
    return { value: out, missing };
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const r = expandEnvDeep(item, env, [...path, key]);
      missing.push(...r.missing);
      out[key] = r.value;
    }
    return { value: out, missing };
  }
  return { value, missing };
}

/** The names of every `${VAR}` referenced in the string values of a document, sorted, once each. */
export function referencedVariables(value: unknown): string[] {
  const names = new Set<string>();
  const visit = (item: unknown): void => {
    if (typeof item === "string") {
      for (const match of item.matchAll(REFERENCE)) if (match[1]) names.add(match[1]);
    } else if (Array.isArray(item)) item.forEach(visit);
    else if (item !== null && typeof item === "object") Object.values(item).forEach(visit);
  };
  visit(value);
  return [...names].sort();
}

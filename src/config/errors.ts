/** One problem in one config file, located by its JSON path. */
export interface ConfigIssue {
  readonly file: string;
  /** JSON path inside the file; empty for a problem with the whole file. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Formats a JSON path as users write it: `mcpServers.fs.args[0]`, `mcpServers["a.b"]`. */
export function formatJsonPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/** Formats one issue as a single line: `file: path: message`. */
export function formatIssue(issue: ConfigIssue): string {
  const where = formatJsonPath(issue.path);
  return where ? `${issue.file}: ${where}: ${issue.message}` : `${issue.file}: ${issue.message}`;
}

/** Invalid configuration: the CLI exits 2; the REPL shows it and keeps its last good config. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(issues.map(formatIssue).join("\n"));
    this.issues = issues;
  }
}

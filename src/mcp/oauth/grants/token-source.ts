// Where an assertion grant's JWT comes from: a file (a workload's projected token, an ID token
// a login helper writes) or an environment variable. Read again for every token request, so a
// rotated file is picked up without restarting wren. The token never appears in a message.
import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import type { WrenPaths } from "../../../utils/paths.js";
import { McpConnectionError } from "../../errors.js";

/** A JWT's source, as the settings name it. */
export type TokenSource =
  | { readonly kind: "file"; readonly setting: string; readonly file: string }
  | { readonly kind: "env"; readonly setting: string; readonly variable: string };

/** `~/x` and project-relative paths made absolute (as `privateKeyFile` is). */
export function settingsPath(file: string, paths: Pick<WrenPaths, "project" | "userHome">): string {
  if (file === "~" || file.startsWith("~/")) return resolve(paths.userHome, file.slice(2));
  return isAbsolute(file) ? file : resolve(paths.project, file);
}

/** The source named by a `…File` / `…Env` pair of settings (exactly one is set: config checks). */
export function tokenSource(
  keys: { readonly file: string; readonly env: string },
  values: { readonly file?: string | undefined; readonly env?: string | undefined },
  paths: Pick<WrenPaths, "project" | "userHome">,
): TokenSource {
  if (values.file !== undefined) {
    return { kind: "file", setting: `oauth.${keys.file}`, file: settingsPath(values.file, paths) };
  }
  return { kind: "env", setting: `oauth.${keys.env}`, variable: values.env ?? "" };
}

/** The source described without its content, for messages and the trust screen. */
export function describeTokenSource(source: TokenSource): string {
  return source.kind === "file" ? `file ${source.file}` : `$${source.variable}`;
}

/**
 * The token now held by `source`, trimmed. Throws McpConnectionError (kind `auth`) naming the
 * setting and the file or variable when there is none; the content is never quoted.
 */
export async function readToken(
  server: string,
  source: TokenSource,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const fail = (why: string, cause?: unknown): McpConnectionError =>
    new McpConnectionError(server, "auth", `${source.setting}: ${why}`, { cause });
  let text: string | undefined;
  if (source.kind === "env") {
    text = env[source.variable];
    if (text === undefined) throw fail(`$${source.variable} is not set`);
  } else {
    try {
      text = await readFile(source.file, "utf8");
    } catch (error) {
      const code =
        error !== null &&
        typeof error === "object" &&
        "code" in error &&
        typeof error.code === "string"
          ? error.code
          : "unreadable";
      throw fail(`cannot read ${source.file} (${code})`, error);
    }
  }
  const token = text.trim();
  if (token === "") throw fail(`${describeTokenSource(source)} is empty`);
  // A JWT is three base64url parts: anything else would only be refused by the server, later
  // and less clearly (and a JSON credentials file is not what these settings take).
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) {
    throw fail(`${describeTokenSource(source)} does not hold a JWT`);
  }
  return token;
}

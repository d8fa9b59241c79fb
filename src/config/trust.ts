// Workspace trust: a cloned repository's `.wren/settings.json` and `.mcp.json` can start
// programs, send environment secrets to hosts, allow commands without asking and point the
// model at another host. Those parts take effect only in a folder the user trusted; this
// module is the one place that decides whether a folder is trusted.
import { writeFileAtomic } from "../utils/atomic-write.js";
import type { WrenPaths } from "../utils/paths.js";
import { parseJsonDocument, readTextIfExists } from "./document.js";
import { ConfigError } from "./errors.js";
import { inspectProject, type ProjectInspection } from "./project-inspection.js";
import { type TrustFile, TrustFileSchema, type TrustRecord } from "./schema.js";

/** The environment variable that trusts the project config for one run, like `--trust-project`. */
export const TRUST_ENV = "WREN_TRUST_PROJECT";

/** The trust in force for one run, and why. */
export type ProjectTrust =
  | { readonly kind: "nothing-to-trust"; readonly inspection: ProjectInspection }
  | {
      readonly kind: "trusted";
      /** `override`: `--trust-project` or `WREN_TRUST_PROJECT=1`, for this run only. */
      readonly by: "override" | "decision";
      readonly inspection: ProjectInspection;
    }
  | {
      readonly kind: "untrusted";
      /** `undecided`: never asked; `changed`: the files changed since the decision. */
      readonly why: "undecided" | "changed" | "declined";
      readonly inspection: ProjectInspection;
    };

/** Inputs of {@link resolveProjectTrust}. */
export interface TrustOptions {
  readonly paths: WrenPaths;
  /** `--trust-project` or `WREN_TRUST_PROJECT=1`: trusted for this run, nothing recorded. */
  readonly override?: boolean;
  readonly readText?: (file: string) => Promise<string | undefined>;
}

/** True when the project config may take effect in this run. */
export function isTrusted(trust: ProjectTrust): boolean {
  return trust.kind !== "untrusted";
}

/** True when the REPL should ask: nobody decided, or the files changed since. */
export function shouldAsk(trust: ProjectTrust): boolean {
  return trust.kind === "untrusted" && trust.why !== "declined";
}

/** Reads the project files and the recorded decision, and decides the trust of this run. */
export async function resolveProjectTrust(options: TrustOptions): Promise<ProjectTrust> {
  const readText = options.readText ?? readTextIfExists;
  const [inspection, file] = await Promise.all([
    inspectProject(options.paths, readText),
    readTrustFile(options.paths, readText),
  ]);
  if (inspection.files.length === 0) return { kind: "nothing-to-trust", inspection };
  if (options.override) return { kind: "trusted", by: "override", inspection };
  const record = file.folders[inspection.folder];
  if (!record) return { kind: "untrusted", why: "undecided", inspection };
  if (record.hash !== inspection.hash) return { kind: "untrusted", why: "changed", inspection };
  return record.trusted
    ? { kind: "trusted", by: "decision", inspection }
    : { kind: "untrusted", why: "declined", inspection };
}

/** The decision recorded for this folder, if any (for `wren trust` and `.trust`). */
export async function recordedDecision(
  paths: WrenPaths,
  inspection: ProjectInspection,
  readText: (file: string) => Promise<string | undefined> = readTextIfExists,
): Promise<TrustRecord | undefined> {
  return (await readTrustFile(paths, readText)).folders[inspection.folder];
}

/**
 * Remembers the user's answer for this folder and this content (hash), in the trust file:
 * written atomically, 0600 in a 0700 WREN_HOME.
 */
export async function recordTrust(
  paths: WrenPaths,
  inspection: ProjectInspection,
  trusted: boolean,
  now: Date = new Date(),
): Promise<void> {
  // Re-read just before writing so a decision another wren recorded meanwhile survives.
  const file = await readTrustFile(paths, readTextIfExists);
  const next: TrustFile = {
    version: 1,
    folders: {
      ...file.folders,
      [inspection.folder]: { trusted, hash: inspection.hash, decidedAt: now.toISOString() },
    },
  };
  await writeFileAtomic(paths.trustFile, `${JSON.stringify(next, null, 2)}\n`, {
    mode: 0o600,
    dirMode: 0o700,
  });
}

async function readTrustFile(
  paths: WrenPaths,
  readText: (file: string) => Promise<string | undefined>,
): Promise<TrustFile> {
  const empty: TrustFile = { version: 1, folders: {} };
  const text = await readText(paths.trustFile);
  if (text === undefined) return empty;
  try {
    const parsed = TrustFileSchema.safeParse(parseJsonDocument(text, paths.trustFile));
    // A damaged file trusts nothing: every folder is asked again.
    return parsed.success ? parsed.data : empty;
  } catch (error) {
    if (error instanceof ConfigError) return empty;
    throw error;
  }
}

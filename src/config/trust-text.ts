// Workspace trust in words: what the trust question lists, the one-line notices when project
// config is ignored, and the `wren trust` / `.trust` report.
import { type ProjectInspection, visible } from "./project-inspection.js";
import type { TrustRecord } from "./schema.js";
import type { ProjectTrust } from "./trust.js";

/** What the project config would do, one line each, for the trust question and `wren trust`. */
export function describeInspection(inspection: ProjectInspection): string[] {
  const uses = (variables: readonly string[]): string =>
    variables.length > 0 ? ` · reads ${variables.map((v) => `$${v}`).join(", ")}` : "";
  const lines: string[] = [];
  for (const server of inspection.servers) {
    if (server.transport === "stdio") {
      const env = server.sets.length > 0 ? ` · env ${server.sets.join(", ")}` : "";
      lines.push(`runs ${server.name}: ${server.target}${env}${uses(server.variables)}`);
    } else {
      const headers = server.sets.length > 0 ? ` · headers ${server.sets.join(", ")}` : "";
      const signsIn = server.signsIn !== undefined ? ` · ${server.signsIn}` : "";
      lines.push(
        `connects ${server.name} (${server.transport}): ${server.target}${headers}${signsIn}${uses(server.variables)}`,
      );
    }
  }
  if (inspection.allow.length > 0) {
    lines.push(`allows without asking: ${inspection.allow.join(", ")}`);
  }
  for (const provider of inspection.providers) {
    const at = provider.baseURL !== undefined ? ` at ${provider.baseURL}` : "";
    lines.push(`adds provider ${provider.name} (${provider.type})${at}${uses(provider.variables)}`);
  }
  if (inspection.model !== undefined) lines.push(`sets the model: ${inspection.model}`);
  for (const problem of inspection.problems) lines.push(`cannot be read: ${problem}`);
  return lines;
}

/** The one line a non-interactive run writes to stderr when project config is ignored. */
export function untrustedWarning(trust: ProjectTrust): string | undefined {
  if (trust.kind !== "untrusted") return undefined;
  const files = trust.inspection.files.join(", ");
  const why =
    trust.why === "changed"
      ? "it changed since this folder was trusted"
      : trust.why === "declined"
        ? "this folder is not trusted"
        : "this folder is not trusted yet";
  return `project config ignored (${files}): ${why}; review and trust it with \`wren trust\`, or pass --trust-project for one run`;
}

/** The one line the REPL shows when project config is ignored. */
export function untrustedNotice(trust: ProjectTrust): string | undefined {
  if (trust.kind !== "untrusted") return undefined;
  const files = trust.inspection.files.join(", ");
  const why =
    trust.why === "changed" ? "changed since you trusted this folder" : "folder not trusted";
  return `project config ignored (${files}): ${why} · .trust to review`;
}

/** `~/src/repo` for a folder under the user's home; invisible characters made visible. */
export function displayFolder(folder: string, userHome: string | undefined): string {
  const short =
    userHome && (folder === userHome || folder.startsWith(`${userHome}/`))
      ? `~${folder.slice(userHome.length)}`
      : folder;
  return visible(short);
}

/**
 * What `wren trust` and `.trust` show: the folder, the decision in force and what the project
 * config would do.
 */
export function trustReport(
  trust: ProjectTrust,
  record: TrustRecord | undefined,
  userHome: string | undefined,
): string[] {
  const { inspection } = trust;
  const lines = [`Folder: ${displayFolder(inspection.folder, userHome)}`];
  if (trust.kind === "nothing-to-trust") {
    lines.push(
      "No project config here needs trust (.mcp.json, or servers, providers, model or allow rules in .wren/settings.json).",
    );
    return lines;
  }
  const day = record ? ` (decided ${record.decidedAt.slice(0, 10)})` : "";
  const decision =
    trust.kind === "trusted"
      ? trust.by === "override"
        ? "trusted for this run (--trust-project or WREN_TRUST_PROJECT=1)"
        : `trusted${day}`
      : trust.why === "declined"
        ? `not trusted${day}`
        : trust.why === "changed"
          ? `not trusted: the config changed since it was ${record?.trusted ? "trusted" : "decided"}${day}`
          : "not trusted yet (never decided)";
  lines.push(`Decision: ${decision}`);
  lines.push(`${inspection.files.join(" and ")} would make wren:`);
  for (const line of describeInspection(inspection)) lines.push(`  • ${line}`);
  return lines;
}

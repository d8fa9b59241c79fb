import { recordedDecision, recordTrust, resolveProjectTrust } from "../config/trust.js";
import { trustReport } from "../config/trust-text.js";
import { type Command, type CommandOutput, textResult } from "./types.js";

/** What `.trust` needs from the REPL. */
export interface TrustCommandDeps {
  /** Whether the project config took effect in this session (decided at startup). */
  readonly inForce: () => boolean;
  /** The user's home, to show the folder as `~/...`. */
  readonly userHome?: string;
}

/**
 * `.trust` shows this folder's trust decision and what its project config would do;
 * `.trust yes` / `.trust no` record a new decision, which applies from the next start (the
 * servers, rules and model of this session were set up with the old one).
 */
export function trustCommand(deps: TrustCommandDeps): Command {
  return {
    name: "trust",
    summary: "show or change whether this folder's project config is trusted: .trust [yes|no]",
    usage: "[yes|no]",
    complete: () => ["yes", "no"],
    async run(args, context) {
      const word = args.trim().toLowerCase();
      if (word !== "" && word !== "yes" && word !== "no") {
        return textResult("usage: .trust [yes|no]", "error");
      }
      const trust = await resolveProjectTrust({ paths: context.paths });
      const record = await recordedDecision(context.paths, trust.inspection);
      const output: CommandOutput[] = [
        { kind: "text", text: trustReport(trust, record, deps.userHome).join("\n") },
      ];
      if (trust.kind === "nothing-to-trust") return { output };
      const inForce = deps.inForce();
      if (word === "") {
        output.push({
          kind: "text",
          tone: "dim",
          text: `In this session the project config ${inForce ? "applies" : "is ignored"}. .trust yes trusts it, .trust no stops trusting it.`,
        });
        return { output };
      }
      const trusted = word === "yes";
      await recordTrust(context.paths, trust.inspection, trusted);
      const now = trusted ? "Trusted" : "Not trusted any more";
      const when =
        trusted === inForce ? "" : " It applies from the next start of wren in this folder.";
      output.push({ kind: "text", tone: "success", text: `${now}.${when}` });
      return { output };
    },
  };
}

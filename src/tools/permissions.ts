// The permission engine of one session: deny rules, then paths outside the project and
// credential stores, then the allow rules (permission-rules.ts) decide a call; the authorizer
// puts the rest to the user one at a time.
import { resolvePaths } from "../utils/paths.js";
import { type ResolvedPath, resolvePathSync } from "./paths.js";
import {
  allowCovers,
  type CallTarget,
  type CommandTarget,
  commandDenyMatch,
  type PermissionRule,
  parseRule,
  ruleMatches,
  toolMatches,
} from "./permission-rules.js";
import { createSensitivePaths, type SensitivePaths } from "./sensitive.js";
import type { ShellParser } from "./shell-analysis.js";
import type { Tool, ToolAccess, ToolPreview } from "./types.js";

/** What to do with a tool call before it runs. */
export type PermissionDecision = "allow" | "deny" | "ask";

/** A decision with the reason for it, in words fit for the user and the model. */
export interface PermissionVerdict {
  readonly decision: PermissionDecision;
  readonly reason: string;
  /** The rule that decided, as written (`permissions.allow`, `--allowed-tools` or the session). */
  readonly rule?: string;
  /** Real paths outside the project that the call touches. */
  readonly outside: readonly string[];
  /**
   * The rule "allow for this session" would record (`run_command(npm test)`, `write_file`,
   * `mcp__github__create_issue`); undefined when the call cannot be allowed for the session
   * because it touches paths outside the project or credential stores, which always ask.
   */
  readonly sessionRule?: string;
}

/** The part of a tool call the rules look at (the agent's `ToolCall` fits). */
export interface PermissionCall {
  readonly name: string;
  readonly input: unknown;
}

/** The permission rules of one session. */
export interface Permissions {
  /**
   * Decides a call: deny rules win, then paths outside the project and credential stores ask,
   * then commands wren cannot reason about ask, then allows. Commands are parsed as shell
   * (the parser loads on the first command checked).
   */
  check(call: PermissionCall, tool: Tool): Promise<PermissionVerdict>;
  /**
   * Records "allow for this session" for the call's exact command (run_command) or for the
   * whole tool (others). Returns the rule recorded, or undefined when the call touches paths
   * outside the project or credential stores (those keep asking).
   */
  allowForSession(call: PermissionCall, tool: Tool): Promise<string | undefined>;
  /** Rules allowed for this session so far, as written. */
  sessionRules(): readonly string[];
  /** Rules from settings that could not be parsed (they never match); worth a warning. */
  readonly invalidRules: readonly string[];
}

/** Inputs of `createPermissions`. */
export interface PermissionOptions {
  readonly project: string;
  /** `permissions.allow` (and `--allowed-tools`). */
  readonly allow?: readonly string[];
  /** `permissions.deny`. */
  readonly deny?: readonly string[];
  /** Rules already allowed for this session (e.g. restored with a resumed session). */
  readonly sessionAllow?: readonly string[];
  /** Resolves a call's path through symlinks; default `resolvePathSync`. */
  readonly resolvePath?: (project: string, input: string) => ResolvedPath;
  /** Where WREN_HOME and the user's home are; default `resolvePaths()` of this process. */
  readonly paths?: { readonly home: string; readonly userHome: string };
  /** Loads the shell parser; default the tree-sitter one, imported on first use. */
  readonly loadParser?: () => Promise<ShellParser>;
}

/** The rule that would allow exactly this call for the session. */
export function sessionRuleFor(
  call: PermissionCall,
  access: ToolAccess | null | undefined,
): string {
  return access?.command !== undefined ? `${call.name}(${access.command.trim()})` : call.name;
}

const ASK_REASON: Record<Tool["effect"], string> = {
  read: "it reads files",
  write: "it changes files",
  execute: "it runs a command",
  external: "it calls a tool of an MCP server",
};

/** Creates the rules engine for one session. */
export function createPermissions(options: PermissionOptions): Permissions {
  const { project } = options;
  const resolve = options.resolvePath ?? resolvePathSync;
  const sensitive: SensitivePaths = createSensitivePaths(
    options.paths ?? resolvePaths(process.env, project),
  );
  const loadParser =
    options.loadParser ?? (async () => (await import("./shell-parse.js")).loadShellParser());
  let parser: Promise<ShellParser | undefined> | undefined;
  const shellParser = (): Promise<ShellParser | undefined> => {
    // A parser that cannot load leaves every command asking; it is not retried per call.
    parser ??= loadParser().catch(() => undefined);
    return parser;
  };
  const specCache = new Map<string, readonly string[] | undefined>();
  const invalidRules: string[] = [];
  const parseAll = (texts: readonly string[] = []): PermissionRule[] =>
    texts.flatMap((text) => {
      const rule = parseRule(text);
      if (!rule) invalidRules.push(text);
      return rule ? [rule] : [];
    });
  const allow = parseAll(options.allow);
  const deny = parseAll(options.deny);
  const session = parseAll(options.sessionAllow);

  const commandTarget = async (line: string): Promise<CommandTarget> => {
    const shell = await shellParser();
    if (!shell) {
      return {
        line,
        analysis: { commands: [], uncertain: "the shell parser could not be loaded" },
        specWords: () => undefined,
      };
    }
    return {
      line,
      analysis: shell.analyze(line),
      specWords(spec) {
        if (!specCache.has(spec)) {
          const parsed = shell.analyze(spec);
          const only = parsed.commands.length === 1 ? parsed.commands[0] : undefined;
          const literal =
            parsed.uncertain === undefined && only && only.words.every((w) => w !== undefined)
              ? only.words.filter((w): w is string => w !== undefined)
              : undefined;
          specCache.set(spec, literal);
        }
        return specCache.get(spec);
      },
    };
  };

  const targetOf = async (call: PermissionCall, access: ToolAccess): Promise<CallTarget> => ({
    name: call.name,
    ...(access.command !== undefined && { command: await commandTarget(access.command) }),
    paths: access.paths.map((path) => resolve(project, path)),
  });

  const check = async (call: PermissionCall, tool: Tool): Promise<PermissionVerdict> => {
    const access = tool.access ? tool.access(call.input) : { paths: [] };
    if (access === null) {
      // The tool will refuse these arguments itself, which tells the model more than a denial.
      const denied = deny.find((rule) => rule.kind === "tool" && toolMatches(rule, call.name));
      if (denied) return denyBy(call, denied);
      return {
        decision: "allow",
        reason: "the arguments are invalid; the tool will say why",
        outside: [],
      };
    }
    const target = await targetOf(call, access);
    const denied = deny.find((rule) => ruleMatches(rule, target, "deny"));
    if (denied) return denyBy(call, denied);
    const outside = target.paths.filter((p) => !p.inside).map((p) => p.real);
    if (outside.length > 0) {
      return {
        decision: "ask",
        reason: `it touches ${outside.length === 1 ? "a path" : "paths"} outside the project: ${outside.join(", ")}`,
        outside,
      };
    }
    const secret = target.paths
      .map((p) => sensitive.reasonFor(p.absolute) ?? sensitive.reasonFor(p.real))
      .find((reason) => reason !== undefined);
    if (secret !== undefined) {
      return { decision: "ask", reason: `it touches ${secret}`, outside };
    }
    const sessionRule = sessionRuleFor(call, access);
    const { command } = target;
    const maybe =
      command &&
      deny.find(
        (rule) => toolMatches(rule, call.name) && commandDenyMatch(rule, command) === "maybe",
      );
    if (maybe)
      return {
        decision: "ask",
        reason: `it may run a command the rule ${maybe.text} denies`,
        outside,
        sessionRule,
      };
    const bySession = session.find((rule) => ruleMatches(rule, target, "allow"));
    if (bySession)
      return {
        decision: "allow",
        reason: `allowed for this session (${bySession.text})`,
        rule: bySession.text,
        outside,
        sessionRule,
      };
    const allowed = allow.find((rule) => ruleMatches(rule, target, "allow"));
    if (allowed)
      return {
        decision: "allow",
        reason: `allowed by the rule ${allowed.text}`,
        rule: allowed.text,
        outside,
        sessionRule,
      };
    if (command) {
      if (command.analysis.uncertain !== undefined)
        return {
          decision: "ask",
          reason: `wren cannot check this command against the rules: ${command.analysis.uncertain}`,
          outside,
          sessionRule,
        };
      // Several allow rules may together cover a line (`git status && npm test`).
      const byRules = [...session, ...allow].filter((rule) => toolMatches(rule, call.name));
      if (byRules.length > 0 && allowCovers(byRules, command))
        return {
          decision: "allow",
          reason: `allowed by the rules ${byRules.map((r) => r.text).join(", ")}`,
          outside,
          sessionRule,
        };
    }
    if (tool.effect === "read")
      return {
        decision: "allow",
        reason: "it only reads inside the project",
        outside,
        sessionRule,
      };
    return { decision: "ask", reason: ASK_REASON[tool.effect], outside, sessionRule };
  };

  return {
    check,
    async allowForSession(call, tool) {
      const verdict = await check(call, tool);
      if (verdict.sessionRule === undefined || verdict.decision === "deny") return undefined;
      const text = verdict.sessionRule;
      // Stored parsed as an exact command or a tool name, never re-read as a prefix or glob.
      const access = tool.access?.(call.input);
      const rule: PermissionRule =
        access?.command !== undefined
          ? { text, tool: call.name, kind: "spec", spec: access.command.trim() }
          : { text, tool: call.name, kind: "tool" };
      if (!session.some((r) => r.text === text)) session.push(rule);
      return text;
    },
    sessionRules: () => session.map((rule) => rule.text),
    invalidRules,
  };
}

function denyBy(call: PermissionCall, rule: PermissionRule): PermissionVerdict {
  // `rule` is kept apart from the words so the model is told "denied by a rule: <rule>".
  return {
    decision: "deny",
    reason: `${call.name} is denied by the rule ${rule.text} in permissions.deny`,
    rule: rule.text,
    outside: [],
  };
}

/**
 * The text print mode (which never prompts) gives the model and the user for a call that
 * would have asked: what happened and how to allow it next time.
 */
export function cannotAskMessage(call: PermissionCall, verdict: PermissionVerdict): string {
  if (verdict.sessionRule === undefined) {
    return `${call.name} was not run: ${verdict.reason}. Paths outside the project and credential stores always need a person's consent, so print mode denies them.`;
  }
  return `${call.name} was not run: it needs permission (${verdict.reason}) and print mode cannot ask. To allow it, pass --allowed-tools '${verdict.sessionRule}' or add "${verdict.sessionRule}" to permissions.allow in settings.`;
}

/** What the permission prompt shows for one call that asks. */
export interface PermissionRequest {
  readonly call: PermissionCall;
  readonly tool: Tool;
  /** `reason` says why it asks; `sessionRule` undefined means: offer no "allow for this session". */
  readonly verdict: PermissionVerdict;
  /** A diff (write_file, edit_file) or the exact command (run_command); absent for MCP tools. */
  readonly preview?: ToolPreview;
}

/** The user's answer in the permission prompt. */
export type PermissionAnswer =
  | { readonly kind: "allow-once" }
  | { readonly kind: "allow-session" }
  /** `note` goes to the model as the reason. */
  | { readonly kind: "deny"; readonly note?: string };

/**
 * A decision in the turn loop's shape (`ToolDecision`). A denial says who denied: a rule
 * (`rule` names it), the user, or a mode that cannot ask (print mode).
 */
export type AuthorizeDecision =
  | { readonly allow: true }
  | {
      readonly allow: false;
      readonly reason: string;
      readonly by: "rule" | "user" | "no-prompt";
      readonly rule?: string;
    };

/** The denial a verdict of "deny" becomes. */
export function ruleDenial(verdict: PermissionVerdict): AuthorizeDecision {
  return {
    allow: false,
    reason: verdict.reason,
    by: "rule",
    ...(verdict.rule !== undefined && { rule: verdict.rule }),
  };
}

/**
 * The turn loop's `authorize` hook for an interactive session: rules decide what they can; the
 * rest goes to `ask` (the REPL's prompt), one call at a time, so an "allow for this session"
 * answer also covers the parallel calls waiting behind it. `ask` should settle (or reject) when
 * `signal` aborts.
 */
export function createAuthorizer(
  permissions: Permissions,
  ask: (request: PermissionRequest, signal: AbortSignal) => Promise<PermissionAnswer>,
): (call: PermissionCall, tool: Tool, signal: AbortSignal) => Promise<AuthorizeDecision> {
  let queue: Promise<unknown> = Promise.resolve();
  const byRules = async (
    call: PermissionCall,
    tool: Tool,
  ): Promise<AuthorizeDecision | PermissionVerdict> => {
    const verdict = await permissions.check(call, tool);
    if (verdict.decision === "allow") return { allow: true };
    if (verdict.decision === "deny") return ruleDenial(verdict);
    return verdict;
  };
  const prompt = async (
    call: PermissionCall,
    tool: Tool,
    signal: AbortSignal,
  ): Promise<AuthorizeDecision> => {
    if (signal.aborted) return { allow: false, reason: "interrupted", by: "user" };
    // Checked again: an answer to an earlier prompt may have allowed this call for the session.
    const verdict = await byRules(call, tool);
    if ("allow" in verdict) return verdict;
    const preview = await tool.preview?.(call.input, signal).catch(() => undefined);
    const answer = await ask({ call, tool, verdict, ...(preview && { preview }) }, signal);
    if (answer.kind === "deny")
      return { allow: false, reason: answer.note?.trim() ?? "", by: "user" };
    if (answer.kind === "allow-session") await permissions.allowForSession(call, tool);
    return { allow: true };
  };
  return async (call, tool, signal) => {
    // Calls the rules decide never wait behind a prompt.
    const first = await byRules(call, tool);
    if ("allow" in first) return first;
    const turn = queue.then(() => prompt(call, tool, signal));
    queue = turn.catch(() => {});
    return turn;
  };
}

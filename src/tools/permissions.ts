import { isAbsolute } from "node:path";
import picomatch from "picomatch";
import { type ResolvedPath, resolvePathSync, toPosix } from "./builtin/paths.js";
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
   * because it touches paths outside the project, which always ask.
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
  /** Decides a call: deny rules win, then paths outside the project ask, then allows. */
  check(call: PermissionCall, tool: Tool): PermissionVerdict;
  /**
   * Records "allow for this session" for the call's exact command (run_command) or for the
   * whole tool (others). Returns the rule recorded, or undefined when the call touches paths
   * outside the project (those keep asking).
   */
  allowForSession(call: PermissionCall, tool: Tool): string | undefined;
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
}

/**
 * A parsed rule: `tool-glob` alone matches every call of the tools it names; with `(spec)`,
 * the spec is a command (`git status` exactly, `npm test:*` as a prefix) for tools that run
 * commands, or a path glob (`src/**`, relative to the project, or absolute) for tools that
 * touch files.
 */
export type PermissionRule =
  | { readonly text: string; readonly tool: string; readonly kind: "tool" }
  /** A command matched exactly, or a path glob: the call's access decides which applies. */
  | { readonly text: string; readonly tool: string; readonly kind: "spec"; readonly spec: string }
  /** `spec:*`: a command that starts with `spec` (and chains nothing after it, for allows). */
  | {
      readonly text: string;
      readonly tool: string;
      readonly kind: "prefix";
      readonly spec: string;
    };

/** Parses one rule; undefined when it is malformed. */
export function parseRule(text: string): PermissionRule | undefined {
  const match = /^([^()\s]+)(?:\((.*)\))?$/s.exec(text.trim());
  if (!match) return undefined;
  const tool = match[1] ?? "";
  const spec = match[2];
  if (spec === undefined) return { text, tool, kind: "tool" };
  const trimmed = spec.trim();
  if (trimmed === "") return undefined;
  if (trimmed.endsWith(":*")) {
    const prefix = trimmed.slice(0, -2).trim();
    return prefix === "" ? undefined : { text, tool, kind: "prefix", spec: prefix };
  }
  return { text, tool, kind: "spec", spec: trimmed };
}

/** What a call touches, resolved for matching. */
interface CallTarget {
  readonly name: string;
  readonly command?: string;
  readonly paths: readonly ResolvedPath[];
}

// Characters that let a shell line run more than the command its start names.
const SHELL_CONTROL = /[;&|<>`$\n\r(){}]/;

/**
 * Whether `rule` matches the call. `mode` matters for multi-part calls: an allow rule must
 * cover every path (and a prefix rule a command with no chaining after the prefix); a deny
 * rule matches when any path or any chained command does.
 */
export function ruleMatches(
  rule: PermissionRule,
  target: CallTarget,
  mode: "allow" | "deny",
): boolean {
  if (rule.tool !== target.name && !picomatch.isMatch(target.name, rule.tool)) return false;
  if (rule.kind === "tool") return true;
  const { spec } = rule;
  if (target.command !== undefined) {
    const command = target.command.trim();
    const matchesOne = (line: string): boolean =>
      rule.kind === "prefix" ? line === spec || line.startsWith(`${spec} `) : line === spec;
    if (mode === "deny") return commandSegments(command).some(matchesOne);
    if (rule.kind === "spec") return command === spec;
    return matchesOne(command) && !SHELL_CONTROL.test(command.slice(spec.length));
  }
  if (target.paths.length === 0 || rule.kind === "prefix") return false;
  const pattern = spec.replace(/^\.\//, "");
  const isMatch = picomatch(pattern, { dot: true });
  const matchesPath = (path: ResolvedPath): boolean =>
    isAbsolute(pattern)
      ? isMatch(toPosix(path.real))
      : path.projectRelative !== undefined && isMatch(path.projectRelative);
  return mode === "deny" ? target.paths.some(matchesPath) : target.paths.every(matchesPath);
}

/** The simple commands of a shell line, split at `;`, `&&`, `||`, `|`, `&`, newlines and `$(`. */
export function commandSegments(command: string): string[] {
  return command
    .split(/;|&&|\|\||\||&|\n|\$\(|`|\(|\)/)
    .map((part) => part.trim())
    .filter((part) => part !== "");
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

  const targetOf = (call: PermissionCall, access: ToolAccess): CallTarget => ({
    name: call.name,
    ...(access.command !== undefined && { command: access.command }),
    paths: access.paths.map((path) => resolve(project, path)),
  });

  const check = (call: PermissionCall, tool: Tool): PermissionVerdict => {
    const access = tool.access ? tool.access(call.input) : { paths: [] };
    if (access === null) {
      // The tool will refuse these arguments itself, which tells the model more than a denial.
      const denied = deny.find(
        (rule) => rule.kind === "tool" && picomatch.isMatch(call.name, rule.tool),
      );
      if (denied) return denyBy(call, denied);
      return {
        decision: "allow",
        reason: "the arguments are invalid; the tool will say why",
        outside: [],
      };
    }
    const target = targetOf(call, access);
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
    const sessionRule = sessionRuleFor(call, access);
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
    allowForSession(call, tool) {
      const verdict = check(call, tool);
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
    return `${call.name} was not run: ${verdict.reason}. Paths outside the project always need a person's consent, so print mode denies them; run wren from a directory that contains them.`;
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

/** A decision in the turn loop's shape (`ToolDecision`). */
export type AuthorizeDecision =
  | { readonly allow: true }
  | { readonly allow: false; readonly reason: string };

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
  const byRules = (call: PermissionCall, tool: Tool): AuthorizeDecision | PermissionVerdict => {
    const verdict = permissions.check(call, tool);
    if (verdict.decision === "allow") return { allow: true };
    if (verdict.decision === "deny") return { allow: false, reason: verdict.reason };
    return verdict;
  };
  const prompt = async (
    call: PermissionCall,
    tool: Tool,
    signal: AbortSignal,
  ): Promise<AuthorizeDecision> => {
    if (signal.aborted) return { allow: false, reason: "interrupted" };
    // Checked again: an answer to an earlier prompt may have allowed this call for the session.
    const verdict = byRules(call, tool);
    if ("allow" in verdict) return verdict;
    const preview = await tool.preview?.(call.input, signal).catch(() => undefined);
    const answer = await ask({ call, tool, verdict, ...(preview && { preview }) }, signal);
    if (answer.kind === "deny") return { allow: false, reason: answer.note?.trim() ?? "" };
    if (answer.kind === "allow-session") permissions.allowForSession(call, tool);
    return { allow: true };
  };
  return async (call, tool, signal) => {
    // Calls the rules decide never wait behind a prompt.
    const first = byRules(call, tool);
    if ("allow" in first) return first;
    const turn = queue.then(() => prompt(call, tool, signal));
    queue = turn.catch(() => {});
    return turn;
  };
}

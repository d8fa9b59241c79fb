import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./errors.js";

/** A command line that does not fit the options, worded for wren's users (exit code 2). */
export class ArgsError extends UsageError {
  override readonly name = "ArgsError";
  readonly kind: "unknown-option" | "missing-value" | "takes-no-value" | "unexpected-argument";

  constructor(kind: ArgsError["kind"], message: string) {
    super(message);
    this.kind = kind;
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** What `parseCommandLine` needs besides the arguments. */
export interface CommandLineConfig<T extends Options> {
  readonly options: T;
  readonly allowPositionals?: boolean;
}

/**
 * node:util's parseArgs, with its errors rewritten in wren's words: Node's advice ("place it at
 * the end of the command after '--'", "argument is ambiguous") is often wrong for wren's
 * commands. The arguments are first read leniently, and what strict mode would reject is
 * reported here, naming the option and what it expects.
 */
export function parseCommandLine<T extends Options>(
  args: readonly string[],
  config: CommandLineConfig<T>,
): ReturnType<
  typeof parseArgs<{
    args: string[];
    options: T;
    allowPositionals: boolean;
    strict: true;
    tokens: true;
  }>
> {
  const { options } = config;
  const allowPositionals = config.allowPositionals ?? false;
  const loose = parseArgs({
    args: [...args],
    options,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const shorts = new Map(
    Object.entries(options).flatMap(([name, o]) => (o.short ? [[o.short, name] as const] : [])),
  );
  for (const token of loose.tokens) {
    if (token.kind === "positional") {
      if (!allowPositionals)
        throw new ArgsError("unexpected-argument", `unexpected argument "${token.value}"`);
      continue;
    }
    if (token.kind !== "option") continue;
    const name = options[token.name] ? token.name : shorts.get(token.name);
    const option = name === undefined ? undefined : options[name];
    if (!option) throw new ArgsError("unknown-option", `unknown option ${token.rawName}`);
    if (option.type === "boolean" && token.value !== undefined) {
      throw new ArgsError("takes-no-value", `${token.rawName} takes no value`);
    }
    if (option.type === "string") {
      if (token.value === undefined)
        throw new ArgsError("missing-value", `${token.rawName} needs a value`);
      if (!token.inlineValue && token.value.startsWith("-") && token.value !== "-") {
        throw new ArgsError(
          "missing-value",
          `${token.rawName} needs a value, but the next argument is the option ${token.value} (write ${token.rawName}=${token.value} if that is the value)`,
        );
      }
    }
  }
  return parseArgs({ args: [...args], options, allowPositionals, strict: true, tokens: true });
}

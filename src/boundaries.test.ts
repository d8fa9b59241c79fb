// The house's picture, checked: every import under src/ points down the chain of layers that
// CLAUDE.md draws (this test reads it from there), no two files and no two folders (at any depth)
// import each other in a circle, React stays in the views, and test code stays out of the
// product. The rules are pure functions over file texts, so the tests at the end inject a
// back-up import, a circle and a stray folder and watch them fail. (What loads before the first
// frame: startup-weight.test.ts and scripts/startup-graph.test.ts.)
import { readdir, readFile } from "node:fs/promises";
import { join, posix, relative, sep } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = import.meta.dirname;
const REPO_ROOT = join(SRC, "..");

/** One source file, by its path under src/ (posix separators). */
interface Source {
  readonly path: string;
  readonly text: string;
}

/** One import of one file, resolved: `target` is a path under src/, or undefined outside it. */
interface Edge {
  readonly from: string;
  readonly spec: string;
  readonly target: string | undefined;
}

/** CLAUDE.md's chain, lowest layer first; each layer names folders (`ui/`) and files. */
type Chain = readonly (readonly string[])[];

/** The line of CLAUDE.md that draws the chain: `utils/` ... ← `config/` ... ← ... */
function readChain(claudeMd: string): Chain {
  const line = claudeMd.split("\n").find((l) => l.startsWith("`utils/`") && l.includes(" ← "));
  if (!line) throw new Error("CLAUDE.md has no layer chain line (`utils/` ... ← ...)");
  return line
    .replace(/\.$/, "")
    .split(" ← ")
    .map((group) => [...group.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? ""));
}

/** Test code: tests, their fixtures, and the harness they share. */
function isTestCode(path: string): boolean {
  return /\.test\.tsx?$/.test(path) || path.split("/").includes("fixtures") || isHarness(path);
}

/** The harness: test-utils/ and each feature's test-support module, for any test to use. */
function isHarness(path: string): boolean {
  return path.startsWith("test-utils/") || /(^|[/-])test-support\.ts$/.test(path);
}

/**
 * The CLI edge (argv in, exit code and text out): a test of a command anywhere may drive it,
 * as it may run the built binary; it is the product's outside, not an arrow of the house.
 */
function isCliEdge(path: string): boolean {
  return path === "cli.tsx";
}

/** Index in the chain of the layer that holds `path`, or undefined when no layer does. */
function layerOf(chain: Chain, path: string): number | undefined {
  // A test at the top of src/ (cli-args.test.ts, this file) looks at the whole: the top layer.
  if (!path.includes("/") && isTestCode(path)) return chain.length - 1;
  const top = path.includes("/") ? `${path.slice(0, path.indexOf("/"))}/` : path;
  const index = chain.findIndex((names) => names.includes(top));
  return index < 0 ? undefined : index;
}

function layerName(chain: Chain, index: number): string {
  return (chain[index] ?? []).join(" ");
}

/** Each file's import specifiers, parsed once: the checks below walk the same files often. */
const parsed = new WeakMap<Source, readonly string[]>();

function specsOf(source: Source): readonly string[] {
  let specs = parsed.get(source);
  if (!specs) {
    specs = ts.preProcessFile(source.text, true, true).importedFiles.map((f) => f.fileName);
    parsed.set(source, specs);
  }
  return specs;
}

/** Every import of every file (static, `export ... from`, `import type`, dynamic `import()`). */
function edgesOf(sources: readonly Source[]): Edge[] {
  const known = new Set(sources.map((s) => s.path));
  const edges: Edge[] = [];
  for (const source of sources) {
    for (const spec of specsOf(source)) {
      if (!spec.startsWith(".")) {
        edges.push({ from: source.path, spec, target: undefined });
        continue;
      }
      const joined = posix.normalize(posix.join(posix.dirname(source.path), spec));
      const inside = !joined.startsWith("../");
      const target = [joined, joined.replace(/\.js$/, ".ts"), joined.replace(/\.js$/, ".tsx")].find(
        (candidate) => known.has(candidate),
      );
      // A relative import that leaves src/ (a mock server, a build script) has no target.
      edges.push({ from: source.path, spec, target: inside ? (target ?? joined) : undefined });
    }
  }
  return edges;
}

/** What breaks the chain: files on no layer, imports up, product code reaching test code. */
function layerViolations(chain: Chain, sources: readonly Source[]): string[] {
  const problems: string[] = [];
  for (const { path } of sources) {
    if (layerOf(chain, path) === undefined) {
      problems.push(`src/${path} is on no layer of CLAUDE.md's chain: add its folder there`);
    }
  }
  for (const edge of edgesOf(sources)) {
    const where = `src/${edge.from} imports "${edge.spec}"`;
    const fromTest = isTestCode(edge.from);
    if (edge.target === undefined) {
      if (edge.spec.startsWith(".") && !fromTest) {
        problems.push(`${where}: product code never imports from outside src/`);
      }
      continue;
    }
    if (isTestCode(edge.target) && !fromTest) {
      problems.push(`${where}: product code never imports test code`);
      continue;
    }
    // The harness serves every test, whatever the layer.
    if (fromTest && (isHarness(edge.target) || isCliEdge(edge.target))) continue;
    const from = layerOf(chain, edge.from);
    const to = layerOf(chain, edge.target);
    if (from === undefined || to === undefined || to <= from) continue;
    problems.push(
      `${where}: an arrow back up, from ${layerName(chain, from)} to ${layerName(chain, to)}`,
    );
  }
  return problems;
}

/** Strongly connected components of more than one node (or a node importing itself). */
function circles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  // Tarjan's algorithm, iterative so a deep import chain cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  let next = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: { node: string; children: string[] }[] = [];
    const enter = (node: string): void => {
      index.set(node, next);
      low.set(node, next);
      next += 1;
      stack.push(node);
      onStack.add(node);
      work.push({ node, children: [...(graph.get(node) ?? [])] });
    };
    enter(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const child = frame.children.shift();
      if (child !== undefined) {
        if (!index.has(child)) enter(child);
        else if (onStack.has(child)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(child)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      if (component.length > 1 || graph.get(frame.node)?.has(frame.node)) {
        found.push(component.sort());
      }
    }
  }
  return found;
}

/**
 * Import circles between files, between the parts of CLAUDE.md's picture (a folder at the top of
 * src/, or a file there), and between folders at any depth (`mcp/` and `mcp/oauth/` are two).
 * Parts on one layer may import each other, but not both ways.
 */
function circleViolations(sources: readonly Source[]): string[] {
  const files = new Map<string, Set<string>>();
  const parts = new Map<string, Set<string>>();
  const folders = new Map<string, Set<string>>();
  const folderOf = (path: string): string => `${posix.dirname(path)}/`;
  const partOf = (path: string): string =>
    path.includes("/") ? `${path.slice(0, path.indexOf("/"))}/` : path;
  const add = (graph: Map<string, Set<string>>, from: string, to: string): void => {
    if (!graph.has(to)) graph.set(to, new Set());
    const set = graph.get(from) ?? new Set<string>();
    set.add(to);
    graph.set(from, set);
  };
  for (const edge of edgesOf(sources)) {
    // A test's use of the harness is no arrow of the house (see layerViolations).
    const harness = isHarness(edge.target ?? "") || isCliEdge(edge.target ?? "");
    if (edge.target === undefined || (isTestCode(edge.from) && harness)) continue;
    add(files, edge.from, edge.target);
    const [a, b] = [partOf(edge.from), partOf(edge.target)];
    if (a !== b) add(parts, a, b);
    const [from, to] = [folderOf(edge.from), folderOf(edge.target)];
    // Sub-folders of one top-level part; between parts the line above already looks.
    if (from !== to && a === b) add(folders, from, to);
  }
  return [
    ...circles(files).map((c) => `files import each other in a circle: src/${c.join(", src/")}`),
    ...circles(parts).map((c) => `folders import each other in a circle: src/${c.join(", src/")}`),
    ...circles(folders).map(
      (c) => `folders import each other in a circle: src/${c.join(", src/")}`,
    ),
  ];
}

/** The modules that connect to servers (connect.ts and its parts): no view imports them. */
const CONNECTING = new Set(
  ["connect", "transport", "connection", "client-hooks", "server-log"].map((m) => `mcp/${m}.ts`),
);

/** React and Ink belong to the views; the UI reads stores and never reaches transports. */
function viewViolations(sources: readonly Source[]): string[] {
  const problems: string[] = [];
  const inViews = (path: string): boolean =>
    path.startsWith("ui/") || path.startsWith("app/") || path === "cli.tsx";
  for (const edge of edgesOf(sources)) {
    if (isTestCode(edge.from)) continue;
    const where = `src/${edge.from} imports "${edge.spec}"`;
    if (/^(react|ink)(\/|$)|^ink-/.test(edge.spec) && !inViews(edge.from)) {
      problems.push(`${where}: React and Ink only in ui/, app/ and cli.tsx`);
    }
    if (
      edge.from.startsWith("ui/") &&
      (/^@modelcontextprotocol\/|^node:(fs|child_process|net)/.test(edge.spec) ||
        CONNECTING.has(edge.target ?? ""))
    ) {
      problems.push(`${where}: the UI never reaches transports, the MCP SDK or the filesystem`);
    }
  }
  return problems;
}

async function readSources(dir = SRC): Promise<Source[]> {
  const sources: Source[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.(ts|tsx|mts)$/.test(entry.name)) continue;
    const full = join(entry.parentPath, entry.name);
    const path = relative(SRC, full).split(sep).join("/");
    sources.push({ path, text: await readFile(full, "utf8") });
  }
  return sources;
}

const chain = readChain(await readFile(join(REPO_ROOT, "CLAUDE.md"), "utf8"));
const sources = await readSources();

describe("import boundaries", () => {
  it("reads CLAUDE.md's chain", () => {
    expect(chain.length).toBeGreaterThan(5);
    expect(chain[0]).toContain("utils/");
    expect(chain.flat().filter((name, i, all) => all.indexOf(name) !== i)).toEqual([]);
    // A name the chain keeps after its folder is gone is a picture that no longer holds.
    const stale = chain
      .flat()
      .filter((name) => !sources.some((s) => s.path === name || s.path.startsWith(name)));
    expect(stale).toEqual([]);
  });

  it("every import points down CLAUDE.md's chain of layers", () => {
    expect(layerViolations(chain, sources)).toEqual([]);
  });

  it("no files and no folders import each other in a circle", () => {
    expect(circleViolations(sources)).toEqual([]);
  });

  it("React and Ink stay in the views; the UI never reaches transports", () => {
    expect(viewViolations(sources)).toEqual([]);
  });

  describe("fails when the house drifts", () => {
    const at = (path: string, text: string): Source[] => [...sources, { path, text }];

    it("on an import back up, static or dynamic, naming the file and the import", () => {
      expect(
        layerViolations(chain, at("provider/drift.ts", 'import { x } from "../agent/loop.js";')),
      ).toEqual([
        'src/provider/drift.ts imports "../agent/loop.js": an arrow back up, from provider/ to agent/',
      ]);
      expect(
        layerViolations(chain, at("tools/drift.ts", 'await import("../app/services.js");')),
      ).toHaveLength(1);
      expect(
        layerViolations(chain, at("utils/drift.ts", 'import type { T } from "../config/load.js";')),
      ).toHaveLength(1);
    });

    it("on a test reaching up, but not on one using the harness", () => {
      expect(
        layerViolations(chain, at("commands/x.test.ts", 'import "../app/services.js";')),
      ).toHaveLength(1);
      expect(
        layerViolations(chain, at("utils/x.test.ts", 'import "../mcp/test-support.js";')),
      ).toEqual([]);
      // A test may drive the CLI edge, as it may run the binary; product code below may not.
      expect(layerViolations(chain, at("mcp/x.test.ts", 'import "../cli.js";'))).toEqual([]);
      expect(layerViolations(chain, at("mcp/drift.ts", 'import "../cli.js";'))).toHaveLength(1);
    });

    it("on product code importing test code or leaving src/", () => {
      expect(
        layerViolations(chain, at("mcp/drift.ts", 'import "./test-support.js";')),
      ).toHaveLength(1);
      expect(
        layerViolations(chain, at("mcp/drift.ts", 'import "../../mock-mcps/tools.mjs";')),
      ).toHaveLength(1);
    });

    it("on a folder that is on no layer", () => {
      expect(layerViolations(chain, at("extras/thing.ts", ""))).toEqual([
        "src/extras/thing.ts is on no layer of CLAUDE.md's chain: add its folder there",
      ]);
    });

    it("on circles of files and of folders", () => {
      const circle = [
        ...sources,
        { path: "utils/drift-a.ts", text: 'import "./drift-b.js";' },
        { path: "utils/drift-b.ts", text: 'import type { A } from "./drift-a.js";' },
      ];
      expect(circleViolations(circle)).toEqual([
        "files import each other in a circle: src/utils/drift-a.ts, src/utils/drift-b.ts",
      ]);
      const folders = [
        ...sources,
        { path: "utils/drift-a.ts", text: 'import "../test-utils/drift-b.js";' },
        { path: "test-utils/drift-b.ts", text: "" },
        { path: "test-utils/drift-c.ts", text: 'import "../utils/drift-d.js";' },
        { path: "utils/drift-d.ts", text: "" },
      ];
      expect(circleViolations(folders)).toEqual([
        "folders import each other in a circle: src/test-utils/, src/utils/",
      ]);
      const nested = [
        ...sources,
        { path: "utils/drift/e.ts", text: 'import "../drift-f.js";' },
        { path: "utils/drift-f.ts", text: "" },
        { path: "utils/drift-g.ts", text: 'import type { H } from "./drift/h.js";' },
        { path: "utils/drift/h.ts", text: "" },
      ];
      expect(circleViolations(nested)).toEqual([
        "folders import each other in a circle: src/utils/, src/utils/drift/",
      ]);
    });

    it("on React outside the views, and the UI reaching a transport", () => {
      expect(viewViolations(at("mcp/drift.ts", 'import { Box } from "ink";'))).toHaveLength(1);
      expect(viewViolations(at("ui/drift.tsx", 'import "node:child_process";'))).toHaveLength(1);
    });
  });
});

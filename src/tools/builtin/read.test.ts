import { execFileSync } from "node:child_process";
import { type FileHandle, open } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "./common.js";
import { createEditFileTool } from "./edit-file.js";
import { createGlobTool } from "./glob.js";
import { createGrepTool } from "./grep.js";
import { readRegularFile } from "./read.js";
import { createReadFileTool } from "./read-file.js";
import { javascriptEngine } from "./search.js";
import { call, sensitiveIn, type TempProject, tempProject, textOf } from "./test-support.js";

const canMakeFifo = process.platform !== "win32";

describe("reading files that are not regular", () => {
  let temp: TempProject;
  beforeEach(async () => {
    temp = await tempProject({ "a.txt": "hello\n" });
  });
  afterEach(() => temp.cleanup());

  it.skipIf(!canMakeFifo)(
    "read_file of a FIFO with no writer returns a clear error at once",
    async () => {
      // Today's main opened it blocking: the call hung forever, and Esc could not end it.
      execFileSync("mkfifo", [join(temp.project, "pipe")]);
      const outcome = await call(createReadFileTool(temp.project, DEFAULT_LIMITS), {
        path: "pipe",
      });
      expect(outcome.status).toBe("error");
      expect(textOf(outcome)).toBe(
        "pipe is a named pipe (FIFO), not a regular file: wren only reads regular files",
      );
    },
  );

  it.skipIf(!canMakeFifo)("edit_file and grep do not hang on a FIFO either", async () => {
    execFileSync("mkfifo", [join(temp.project, "pipe")]);
    const edit = await call(createEditFileTool(temp.project, 1000), {
      path: "pipe",
      old_string: "a",
      new_string: "b",
    });
    expect(textOf(edit)).toMatch(/FIFO/);
    const grep = createGrepTool(
      temp.project,
      DEFAULT_LIMITS,
      async () => javascriptEngine,
      sensitiveIn(temp),
    );
    expect(textOf(await call(grep, { pattern: "x", path: "pipe" }))).toMatch(/no matches/);
  });

  it.skipIf(!canMakeFifo)("a FIFO planted as .gitignore does not hang glob", async () => {
    execFileSync("mkfifo", [join(temp.project, ".gitignore")]);
    const glob = createGlobTool(temp.project, DEFAULT_LIMITS, sensitiveIn(temp));
    expect(textOf(await call(glob, { pattern: "*.txt" }))).toBe("a.txt");
  });

  it("a device is refused by its kind", async () => {
    const result = await readRegularFile("/dev/null", { display: "/dev/null", maxBytes: 10 });
    expect(result).toMatchObject({ kind: "error", message: expect.stringMatching(/device/) });
  });
});

describe("cancelling a read", () => {
  let temp: TempProject;
  beforeEach(async () => {
    temp = await tempProject({ "a.txt": "hello\n" });
  });
  afterEach(() => temp.cleanup());

  it("Esc ends a read that hangs", async () => {
    // A file system whose reads never return, like a dead network mount.
    let reading: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      reading = resolve;
    });
    const hangingOpen = async (path: string, flags: number): Promise<FileHandle> => {
      const handle = await open(path, flags);
      return Object.assign(Object.create(handle) as FileHandle, {
        read: () => {
          reading();
          return new Promise<never>(() => {});
        },
        stat: () => handle.stat(),
        close: () => handle.close(),
      });
    };
    const controller = new AbortController();
    const pending = readRegularFile(join(temp.project, "a.txt"), {
      display: "a.txt",
      maxBytes: 100,
      signal: controller.signal,
      openFile: hangingOpen,
    });
    await started;
    controller.abort();
    expect(await pending).toEqual({ kind: "cancelled" });
  });

  it("read_file reports cancelled when the turn is aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const outcome = await call(
      createReadFileTool(temp.project, DEFAULT_LIMITS),
      { path: "a.txt" },
      { signal: controller.signal },
    );
    expect(outcome).toEqual({ status: "cancelled" });
  });

  it("reads a file in chunks, whole", async () => {
    const text = "x".repeat(200_000);
    await temp.write("big.txt", text);
    const result = await readRegularFile(join(temp.project, "big.txt"), {
      display: "big.txt",
      maxBytes: 1_000_000,
    });
    expect(result.kind === "ok" && result.buffer.toString("utf8")).toBe(text);
  });
});

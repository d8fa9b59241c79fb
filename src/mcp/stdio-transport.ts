import type { ChildProcess } from "node:child_process";
import { PassThrough } from "node:stream";
import {
  type JSONRPCMessage,
  ReadBuffer,
  serializeMessage,
  type Transport,
} from "@modelcontextprotocol/client";
import { getDefaultEnvironment } from "@modelcontextprotocol/client/stdio";
import {
  GROUP_KILL_GRACE_MS,
  type GroupWatchdog,
  hasProcessGroups,
  spawnInGroup,
  terminateGroup,
  watchGroup,
} from "./process-group.js";

/** What to start. */
export interface GroupStdioParameters {
  readonly command: string;
  readonly args: readonly string[];
  /** Merged onto the SDK's safe default environment (PATH, HOME, ...), not process.env. */
  readonly env: Record<string, string>;
  readonly cwd: string;
}

/** Time a server gets to exit by itself once its stdin is closed, before SIGTERM. */
const STDIN_GRACE_MS = 2000;

/**
 * The SDK's stdio client transport, but the server leads its own process group, guarded by a
 * watchdog: closing ends the whole group (stdin EOF, then SIGTERM, then SIGKILL), a server that
 * exits on its own takes its children along, and if wren dies the watchdog ends the group.
 * The SDK's transport spawns the child itself with fixed options, so it cannot do this.
 */
export class GroupStdioClientTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly params: GroupStdioParameters;
  private readonly readBuffer = new ReadBuffer();
  private readonly stderrStream = new PassThrough();
  private child: ChildProcess | undefined;
  private watchdog: GroupWatchdog | undefined;
  private ended: Promise<void> | undefined;

  constructor(params: GroupStdioParameters) {
    this.params = params;
  }

  /** The server's stderr, available before start so no early output is lost. */
  get stderr(): PassThrough {
    return this.stderrStream;
  }

  /** The server's pid, which is also its process group id. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<void> {
    if (this.child) throw new Error("GroupStdioClientTransport already started");
    return new Promise((resolve, reject) => {
      const child = spawnInGroup(this.params.command, this.params.args, {
        env: { ...getDefaultEnvironment(), ...this.params.env },
        cwd: this.params.cwd,
        stdio: ["pipe", "pipe", "pipe"],
        windowsHide: true,
      });
      this.child = child;
      child.on("error", (error) => {
        reject(error);
        this.onerror?.(error);
      });
      child.on("spawn", () => {
        const pgid = child.pid;
        if (pgid !== undefined && hasProcessGroups()) this.watchdog = watchGroup(pgid);
        resolve();
      });
      // Children the server left behind (it crashed, or its wrapper exited) go with it. On
      // "exit", not "close": a child still holding the stdout pipe would delay "close" forever.
      let groupEnded: Promise<void> = Promise.resolve();
      child.once("exit", () => {
        groupEnded = this.endGroup(child);
      });
      this.ended = new Promise((done) => {
        child.once("close", () => {
          void groupEnded.finally(() => {
            this.child = undefined;
            done();
            this.onclose?.();
          });
        });
      });
      child.stdin?.on("error", (error) => this.onerror?.(error));
      child.stdout?.on("error", (error) => this.onerror?.(error));
      child.stdout?.on("data", (chunk: Buffer) => {
        try {
          this.readBuffer.append(chunk);
          this.processReadBuffer();
        } catch (error) {
          // The SDK's read buffer refuses a message over its cap (10 MB): the connection ends.
          this.onerror?.(error instanceof Error ? error : new Error(String(error)));
          void this.close().catch(() => {});
        }
      });
      child.stderr?.pipe(this.stderrStream);
    });
  }

  private processReadBuffer(): void {
    for (;;) {
      try {
        const message = this.readBuffer.readMessage();
        if (message === null) break;
        this.onmessage?.(message);
      } catch (error) {
        this.onerror?.(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  private async endGroup(child: ChildProcess): Promise<void> {
    const pgid = child.pid;
    if (pgid !== undefined && hasProcessGroups()) await terminateGroup(pgid, GROUP_KILL_GRACE_MS);
    this.watchdog?.release();
  }

  /** Closes stdin, waits for the server to exit, then ends its process group. */
  async close(): Promise<void> {
    const child = this.child;
    // The child and the grace timers hold no reference on the event loop; without one here a
    // caller awaiting close() (print mode's exit path) would see Node leave half-way, exit
    // code 0, when a server ignores its closed stdin.
    const keepAlive = setInterval(() => {}, 1000);
    try {
      await this.closeChild(child);
    } finally {
      clearInterval(keepAlive);
    }
    this.readBuffer.clear();
  }

  private async closeChild(child: ChildProcess | undefined): Promise<void> {
    if (child) {
      try {
        child.stdin?.end();
      } catch {
        // Already closed.
      }
      const exited = this.ended ?? Promise.resolve();
      const timer = new Promise<"timeout">((r) =>
        setTimeout(() => r("timeout"), STDIN_GRACE_MS).unref(),
      );
      if ((await Promise.race([exited, timer])) === "timeout") {
        if (hasProcessGroups() && child.pid !== undefined) {
          await terminateGroup(child.pid, GROUP_KILL_GRACE_MS);
        } else {
          child.kill("SIGTERM");
        }
      }
      // Bounded: a daemon that left the group may still hold the pipe open.
      await Promise.race([exited, new Promise((r) => setTimeout(r, GROUP_KILL_GRACE_MS).unref())]);
    }
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.child?.stdin;
      if (!stdin) {
        reject(new Error("Not connected"));
        return;
      }
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once("drain", resolve);
    });
  }
}

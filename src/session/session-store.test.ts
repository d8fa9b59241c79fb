import { appendFile, mkdtemp, readFile, stat, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../messages.js";
import { projectSlug, resolvePaths } from "../utils/paths.js";
import { createSessionStore, SessionNotFoundError } from "./session-store.js";

async function store() {
  const root = await mkdtemp(join(tmpdir(), "wren-sessions-"));
  const paths = resolvePaths({ WREN_HOME: join(root, "home") }, join(root, "my project"));
  let n = 0;
  return { paths, store: createSessionStore(paths, { newId: () => `id-${++n}-${"x".repeat(8)}` }) };
}

const user = (text: string): ChatMessage => ({ role: "user", id: text, time: "t", text });
const answer: ChatMessage = {
  role: "assistant",
  id: "a",
  time: "t",
  parts: [{ type: "text", text: "sure" }],
  interrupted: true,
};

describe("session store", () => {
  it("appends messages as JSON lines and resumes them", async () => {
    const { store: s } = await store();
    const writer = s.create();
    await writer.append(user("fix the build"));
    await writer.append(answer);
    await writer.close();
    const resumed = await s.resume(writer.id);
    expect(resumed.messages).toEqual([user("fix the build"), answer]);
    expect(resumed.info.title).toBe("fix the build");
    await resumed.writer.append(user("and now?"));
    await resumed.writer.close();
    expect((await s.resume(writer.id.slice(0, 4))).messages).toHaveLength(3);
  });

  it("creates no file for a session without messages", async () => {
    const { store: s } = await store();
    await s.create().close();
    expect(await s.list()).toEqual([]);
  });

  it("skips a line torn by a crash and keeps the rest", async () => {
    const { store: s } = await store();
    const writer = s.create();
    await writer.append(user("one"));
    await writer.close();
    const [info] = await s.list();
    await appendFile(info!.file, '{"type":"message","message":{"role":"assis');
    const resumed = await s.resume(writer.id);
    expect(resumed.messages).toEqual([user("one")]);
  });

  it("lists newest first and reports unknown or ambiguous ids", async () => {
    const { store: s } = await store();
    const a = s.create();
    await a.append(user("first"));
    await a.close();
    // Older by a minute, as if written then: list() orders by the file's mtime.
    const [first] = await s.list();
    const minuteAgo = new Date(Date.now() - 60_000);
    await utimes(first!.file, minuteAgo, minuteAgo);
    const b = s.create();
    await b.append(user("second"));
    await b.close();
    expect((await s.list()).map((i) => i.title)).toEqual(["second", "first"]);
    await expect(s.resume("nope")).rejects.toBeInstanceOf(SessionNotFoundError);
    await expect(s.resume("id-")).rejects.toThrow(/matches 2 sessions/);
  });

  it("keeps files private to the user", async () => {
    const { store: s, paths } = await store();
    const writer = s.create();
    await writer.append(user("secret plans"));
    await writer.close();
    const [info] = await s.list();
    expect((await stat(info!.file)).mode & 0o777).toBe(0o600);
    for (const dir of [paths.home, paths.sessionsDir, dirname(info!.file)]) {
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
    }
    expect(await readFile(info!.file, "utf8")).toContain('"type":"session"');
  });

  it("derives a safe, bounded directory name from the project path", () => {
    expect(projectSlug("/work/my project")).toBe("work-my-project");
    const long = projectSlug(`/${"deep/".repeat(40)}x`);
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).not.toContain("/");
  });
});

describe("session rewind", () => {
  it("drops replaced answers when the session is read back", async () => {
    const { store: s } = await store();
    const writer = s.create();
    await writer.append(user("q"));
    await writer.append(answer);
    await writer.rewind(1);
    await writer.append({ ...answer, id: "b", interrupted: false });
    await writer.close();
    const resumed = await s.resume(writer.id);
    expect(resumed.messages.map((m) => m.id)).toEqual(["q", "b"]);
  });
});

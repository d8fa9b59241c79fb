import { UrlElicitationRequiredError } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { McpConnectionError } from "./errors.js";
import { declineUrlElicitations, withUrlElicitation } from "./url-elicitation.js";
import { createUrlElicitationStore } from "./url-elicitation-store.js";
import { viewUrl } from "./url-view.js";

const signal = new AbortController().signal;
const params = (url: string, id = "e1") =>
  ({ mode: "url", url, message: "go", elicitationId: id }) as const;

describe("url elicitation store", () => {
  it("refuses to open an unsafe URL even when asked to open it directly", async () => {
    const opened: string[] = [];
    const store = createUrlElicitationStore({
      open: async (url) => {
        opened.push(url);
        return { opened: true, command: "x" };
      },
    });
    const answer = store.elicitor.ask("srv", params("javascript:alert(1)"), signal);
    const pending = store.getSnapshot()[0];
    expect(pending?.refused).toContain("javascript:");
    store.respond(pending?.id ?? 0, "open");
    expect(await answer).toEqual({ action: "decline" });
    expect(opened).toEqual([]);
  });

  it("drops the question when the server gives up", async () => {
    const store = createUrlElicitationStore({ open: async () => ({ opened: false, reason: "x" }) });
    const abort = new AbortController();
    const answer = store.elicitor.ask("srv", params("https://example.com"), abort.signal);
    abort.abort();
    expect(await answer).toEqual({ action: "cancel" });
    expect(store.getSnapshot()).toEqual([]);
  });

  it("declines when the opener itself refuses, and says so", async () => {
    const notes: string[] = [];
    const store = createUrlElicitationStore({
      open: async () => Promise.reject(new Error("refusing to open")),
      notify: (line) => notes.push(line),
    });
    const answer = store.elicitor.ask("srv", params("https://example.com"), signal);
    store.respond(store.getSnapshot()[0]?.id ?? 0, "open");
    expect(await answer).toEqual({ action: "decline" });
    expect(notes[0]).toContain("could not open the page");
  });

  it("reports a completion nobody waits for", () => {
    const notes: string[] = [];
    const store = createUrlElicitationStore({
      open: async () => ({ opened: true, command: "x" }),
      notify: (line) => notes.push(line),
    });
    store.elicitor.complete("srv", "e9");
    expect(notes).toEqual(["srv: the browser step is complete"]);
  });
});

describe("viewUrl", () => {
  it("names the host and whether it may be opened", () => {
    expect(viewUrl("https://a.example:8443/x")).toEqual({ domain: "a.example:8443" });
    expect(viewUrl("http://evil.example/").refused).toContain("loopback");
    expect(viewUrl("not a url")).toMatchObject({ domain: "(not a valid URL)" });
  });
});

describe("withUrlElicitation", () => {
  const required = new McpConnectionError("srv", "protocol", "needs a page", {
    cause: new UrlElicitationRequiredError([params("https://example.com/pre")]),
  });

  it("retries once the user has been through every page", async () => {
    let calls = 0;
    const seen: string[] = [];
    const result = await withUrlElicitation(
      "srv",
      {
        ask: async () => ({ action: "decline" }),
        satisfy: async (_server, p) => {
          seen.push(p.url);
          return true;
        },
        complete: () => {},
      },
      async () => {
        calls++;
        if (calls === 1) throw required;
        return "ok";
      },
    );
    expect(result).toBe("ok");
    expect(seen).toEqual(["https://example.com/pre"]);
  });

  it("keeps the error when the user declines, or nobody can be asked", async () => {
    const lines: string[] = [];
    const fail = async (): Promise<never> => Promise.reject(required);
    await expect(
      withUrlElicitation(
        "srv",
        declineUrlElicitations((l) => lines.push(l)),
        fail,
      ),
    ).rejects.toBe(required);
    await expect(withUrlElicitation("srv", undefined, fail)).rejects.toBe(required);
    expect(lines).toEqual([
      "srv asks you to open a page at example.com; declined (not interactive)",
    ]);
  });
});

describe("url elicitation without a browser", () => {
  it("accepts and leaves the URL, revealed, in the transcript note", async () => {
    const notes: string[] = [];
    const store = createUrlElicitationStore({
      open: async () => ({ opened: false, reason: "ssh" }),
      notify: (line) => notes.push(line),
    });
    const answer = store.elicitor.ask("srv", params("https://example.com/\u202ex"), signal);
    store.respond(store.getSnapshot()[0]?.id ?? 0, "open");
    expect(await answer).toEqual({ action: "accept" });
    expect(notes).toEqual(["srv: no browser opened (ssh); open https://example.com/<U+202E>x"]);
  });
});

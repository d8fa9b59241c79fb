import { describe, expect, it } from "vitest";
import type { ProjectInspection } from "./project-inspection.js";
import { displayFolder, trustReport, untrustedNotice, untrustedWarning } from "./trust-text.js";

const inspection: ProjectInspection = {
  folder: "/home/ann/src/repo",
  files: [".mcp.json"],
  servers: [
    { name: "fs", transport: "stdio", target: "npx server-fs", sets: ["TOKEN"], variables: [] },
  ],
  allow: ["run_command"],
  providers: [],
  problems: [],
  hash: "sha256:x",
};

describe("trust text", () => {
  it("shows a folder under the home as ~/..., with invisible characters made visible", () => {
    expect(displayFolder("/home/ann/src/repo", "/home/ann")).toBe("~/src/repo");
    expect(displayFolder("/home/annex/x\u202e", "/home/ann")).toBe("/home/annex/x\\u202e");
  });

  it("says why project config is ignored, only when it is", () => {
    const changed = { kind: "untrusted", why: "changed", inspection } as const;
    expect(untrustedNotice(changed)).toBe(
      "project config ignored (.mcp.json): changed since you trusted this folder · .trust to review",
    );
    expect(untrustedWarning({ ...changed, why: "declined" })).toContain(
      "this folder is not trusted; review and trust it with `wren trust`",
    );
    expect(untrustedNotice({ kind: "trusted", by: "decision", inspection })).toBeUndefined();
  });

  it("reports the folder, the decision in force and what the config would do", () => {
    const record = { trusted: true, hash: "sha256:old", decidedAt: "2026-05-01T10:00:00.000Z" };
    expect(
      trustReport({ kind: "untrusted", why: "changed", inspection }, record, "/home/ann"),
    ).toEqual([
      "Folder: ~/src/repo",
      "Decision: not trusted: the config changed since it was trusted (decided 2026-05-01)",
      ".mcp.json would make wren:",
      "  • runs fs: npx server-fs · env TOKEN",
      "  • allows without asking: run_command",
    ]);
    const none = trustReport({ kind: "nothing-to-trust", inspection }, undefined, undefined);
    expect(none[1]).toMatch(/^No project config here needs trust/);
  });
});

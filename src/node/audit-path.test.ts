import { describe, expect, it } from "vitest";
import { defaultAuditPath } from "./audit-path.ts";

describe("defaultAuditPath", () => {
  it("puts the log under XDG_DATA_HOME when it is set", () => {
    expect(defaultAuditPath({ XDG_DATA_HOME: "/data" }, "/home/ada")).toBe(
      "/data/opencode/log/model-fallback.jsonl",
    );
  });

  it("falls back to ~/.local/share when XDG_DATA_HOME is unset or empty", () => {
    expect(defaultAuditPath({}, "/home/ada")).toBe(
      "/home/ada/.local/share/opencode/log/model-fallback.jsonl",
    );
    expect(defaultAuditPath({ XDG_DATA_HOME: "" }, "/home/ada")).toBe(
      "/home/ada/.local/share/opencode/log/model-fallback.jsonl",
    );
  });

  it("ignores a relative XDG_DATA_HOME, as the XDG spec requires", () => {
    expect(defaultAuditPath({ XDG_DATA_HOME: "data" }, "/home/ada")).toBe(
      "/home/ada/.local/share/opencode/log/model-fallback.jsonl",
    );
  });
});

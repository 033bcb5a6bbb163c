import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isBusy, sessionState } from "./omo-session.ts";

/** Recorded from opencode 1.18.33 + oh-my-opencode 4.19.4 against the fleet (s04: every openai call 503). */
const fixture = (name: string): unknown[] =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")) as unknown[];

describe("sessionState", () => {
  it("reads a fallback as the later message's answer, counting both attempts", () => {
    const state = sessionState(fixture("session-fallback-503.json"));
    expect(state).toEqual({
      kind: "answered",
      result: {
        model: "anthropic/claude-sonnet-4-5",
        text: expect.stringContaining("[anthropic/claude-sonnet-4-5]") as unknown,
        attempts: 2,
      },
    });
  });

  it("reads the primary that runtime_fallback aborted as stopped without an error, not as an empty answer", () => {
    const messages = fixture("session-fallback-503.json").slice(0, 2);
    const state = sessionState(messages);
    expect(state.kind).toBe("stopped");
    if (state.kind !== "stopped") return;
    expect(state.error).toBeUndefined();
    expect(state.model).toBe("openai/gpt-4.1");
  });

  it("reads OpenCode's error on the last message as stopped with that error", () => {
    const state = sessionState(fixture("session-error-503.json"));
    expect(state.kind).toBe("stopped");
    if (state.kind !== "stopped") return;
    expect(state.error).toMatchObject({ name: "APIError", data: { statusCode: 503 } });
  });

  it("gives the stopped message's creation time (runtime_fallback's log lines about it come after it)", () => {
    const state = sessionState(fixture("session-error-503.json"));
    expect(state.kind === "stopped" ? state.created : null).toBe(1796320302372);
  });

  it("is pending until an assistant message has completed", () => {
    const [user, aborted] = fixture("session-fallback-503.json") as [unknown, { info: object }];
    const running = { ...aborted, info: { ...aborted.info, time: { created: 1 } } };
    expect(sessionState([user]).kind).toBe("pending");
    expect(sessionState([user, running]).kind).toBe("pending");
    expect(sessionState(null).kind).toBe("pending");
  });

  it("is pending after a step whose finish makes OpenCode send again (unknown, tool-calls), though nothing follows yet", () => {
    // OpenCode + omo re-prompting a 200 that carries an error: each step ends `unknown` with no text; read
    // between two steps, the last one must not pass for an empty answer.
    const messages = fixture("session-fallback-503.json") as { info: Record<string, unknown> }[];
    const last = messages.at(-1)!;
    for (const finish of ["unknown", "tool-calls"]) {
      const step = { ...last, info: { ...last.info, finish }, parts: [] };
      expect(sessionState([...messages.slice(0, -1), step]).kind, finish).toBe("pending");
    }
    expect(sessionState(messages).kind).toBe("answered");
  });
});

describe("isBusy", () => {
  it("is true only for a session OpenCode's status map lists", () => {
    expect(isBusy({ ses_1: { type: "busy" } }, "ses_1")).toBe(true);
    expect(isBusy({ ses_2: { type: "busy" } }, "ses_1")).toBe(false);
    expect(isBusy({}, "ses_1")).toBe(false);
    expect(isBusy(null, "ses_1")).toBe(false);
  });
});

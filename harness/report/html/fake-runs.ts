import { readConfigValue } from "../../oracle/config-reading.ts";
import type { CheckResult } from "../../check/audit-checker.ts";
import type { Violation } from "../../check/violation-collector.ts";
import type { ScenarioOutcome } from "../../runner/run-suite.ts";
import { VIRTUAL_START_MS } from "../../runner/run-scenario.ts";
import { scenarioSchema } from "../../scenario/schema.ts";
import { buildReport } from "../build-report.ts";
import { parityMatrix } from "../parity.ts";
import type { RunReport } from "../report-schema.ts";

/**
 * Hand-made runs for the HTML report's tests: known attempts, transitions and violations, so a test can
 * count what the timeline must draw. Test support only; nothing here runs an engine.
 */

/** A hostile model id: the report must show it as text, never as markup. */
export const HOSTILE_MODEL = `evil/<img src=x onerror="alert(1)">'&`;

type Fields = Record<string, unknown>;

/** An audit log built line by line, `ts` at `startMs + at`. */
function auditText(lines: readonly [at: number, event: string, requestId: string, fields: Fields][]): string {
  return lines
    .map(([at, event, request_id, fields], i) =>
      JSON.stringify({
        v: 1,
        seq: i + 1,
        ts: new Date(VIRTUAL_START_MS + at).toISOString(),
        event,
        request_id,
        agent: "build",
        ...fields,
      }),
    )
    .map((l) => `${l}\n`)
    .join("");
}

function checkResult(lines: number, requests: number, violations: readonly Violation[]): CheckResult {
  const counts: Partial<Record<Violation["rule"], number>> = {};
  for (const v of violations) counts[v.rule] = (counts[v.rule] ?? 0) + 1;
  return {
    ok: violations.length === 0,
    lines,
    readableLines: lines,
    requests,
    violations,
    violationCount: violations.length,
    counts,
    warnings: [],
    firstViolation: violations[0] ?? null,
  };
}

function outcome(input: {
  id: string;
  title: string;
  text: string;
  violations?: readonly Violation[];
  requests: ScenarioOutcome["run"]["requests"];
  parity?: string[];
}): ScenarioOutcome {
  const scenario = scenarioSchema.parse({
    id: input.id,
    title: input.title,
    description: `Hand-made run "${input.title}" for the HTML report's tests.`,
    tags: ["report-test"],
    config: {},
    traffic: [{ count: input.requests.length }],
    expect: { parity: input.parity ?? [] },
  });
  const parsed = readConfigValue({});
  if (!parsed.ok)
    throw new Error(
      "Failed to build the fake run: the empty config did not parse. Check harness/oracle/config-reading.ts.",
    );
  const audit = input.text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const violations = input.violations ?? [];
  const reasons = violations[0]
    ? [`audit line ${violations[0].line} [${violations[0].rule}]: ${violations[0].message}`]
    : [];
  const verdict = reasons.length > 0 ? ("fail" as const) : ("pass" as const);
  return {
    file: `/scenarios/${input.id}.yaml`,
    scenario,
    run: {
      id: input.id,
      seed: 7,
      engine: "reference",
      startMs: VIRTUAL_START_MS,
      requests: input.requests,
      auditText: input.text,
      audit,
      unparsedAuditLines: [],
      fleetCalls: [],
      fleetLogText: "",
      canonicalText: "",
      answers: {},
      content: "canonical",
      expectationFailures: [],
      expectationChecks: [],
      engineError: null,
      engineFaults: [],
      config: parsed.config,
    },
    verdict: {
      verdict,
      reasons,
      checks: [],
      tiers: { safety: "pass", conformance: verdict },
      notChecked: [],
      check: checkResult(audit.length, input.requests.length, violations),
      crossCheck: [],
      hangs: 0,
    },
    reaudit:
      verdict === "fail"
        ? {
            verdict: "fail",
            deterministic: true,
            note: "same verdict and same audit bytes with the same seed: a defect",
          }
        : null,
    wallMs: 0,
  };
}

function request(
  index: number,
  sentAt: number,
  endedAt: number,
  model: string | null,
): ScenarioOutcome["run"]["requests"][number] {
  return {
    index,
    label: undefined,
    agent: "build",
    sentAt,
    endedAt,
    outcome: model ? "success" : "error",
    model,
    text: model ? "ok" : null,
    attempts: null,
    error: model ? null : { name: "FallbackExhaustedError", message: "exhausted" },
    shown: null,
    cancelled: false,
  };
}

const A = "openai/gpt-4.1";
const B = "anthropic/claude-sonnet-4";
const CHAIN = { chain: [A, B], primary: A };

/**
 * `s07-breaker-recovers` (passes): 4 attempts on two models — a fallback, a retry wait of 1.5 s, and a
 * half-open probe — and the primary's breaker going open → half_open → closed: 4 bands for the primary
 * (the initial closed one included), 1 for the secondary.
 */
export function breakerRecoversOutcome(): ScenarioOutcome {
  const text = auditText([
    [0, "fallback_request", "r1", CHAIN],
    [0, "fallback_attempt", "r1", { model: A, attempt: 1, model_attempt: 1 }],
    [
      120,
      "fallback_failure",
      "r1",
      {
        model: A,
        attempt: 1,
        model_attempt: 1,
        error_type: "ProviderError",
        reason: "server_error",
        status: 500,
        retry_after_ms: null,
        action: "fallback",
        delay_ms: null,
        latency_ms: 120,
      },
    ],
    [
      120,
      "circuit_transition",
      "r1",
      {
        model: A,
        from: "closed",
        to: "open",
        failures: 1,
        cooldown_until: new Date(VIRTUAL_START_MS + 60_120).toISOString(),
        cause: "server_error",
      },
    ],
    [120, "fallback_attempt", "r1", { model: B, attempt: 2, model_attempt: 1 }],
    [
      200,
      "fallback_failure",
      "r1",
      {
        model: B,
        attempt: 2,
        model_attempt: 1,
        error_type: "ProviderRateLimit",
        reason: "rate_limit",
        status: 429,
        retry_after_ms: 1500,
        action: "retry",
        delay_ms: 1500,
        latency_ms: 80,
      },
    ],
    [1700, "fallback_attempt", "r1", { model: B, attempt: 3, model_attempt: 2 }],
    [2000, "fallback_success", "r1", { model: B, attempt: 3, latency_ms: 300, fallback: true }],
    [60_500, "fallback_request", "r2", CHAIN],
    [
      60_500,
      "circuit_transition",
      "r2",
      {
        model: A,
        from: "open",
        to: "half_open",
        failures: 1,
        cooldown_until: null,
        cause: "cooldown_elapsed",
      },
    ],
    [60_500, "fallback_attempt", "r2", { model: A, attempt: 1, model_attempt: 1 }],
    [
      60_900,
      "circuit_transition",
      "r2",
      {
        model: A,
        from: "half_open",
        to: "closed",
        failures: 0,
        cooldown_until: null,
        cause: "probe_success",
      },
    ],
    [60_900, "fallback_success", "r2", { model: A, attempt: 1, latency_ms: 400, fallback: false }],
  ]);
  return outcome({
    id: "s07-breaker-recovers",
    title: "The primary's breaker opens, then recovers",
    text,
    requests: [request(0, 0, 2000, B), request(1, 60_500, 60_900, A)],
    parity: ["DECISION_100"],
  });
}

/**
 * `s99-hostile` (fails): a hostile model id and title; 2 attempts, the first's failure (audit line 3) an
 * `action-mismatch` violation, then the request is exhausted. One model, no transition: 1 band.
 */
export function hostileOutcome(): ScenarioOutcome {
  const failure = {
    model: HOSTILE_MODEL,
    model_attempt: 1,
    error_type: "NetworkPermanent",
    reason: "auth",
    status: 401,
    retry_after_ms: null,
    latency_ms: 30,
  };
  const text = auditText([
    [0, "fallback_request", "r<1>", { chain: [HOSTILE_MODEL], primary: HOSTILE_MODEL }],
    [0, "fallback_attempt", "r<1>", { model: HOSTILE_MODEL, attempt: 1, model_attempt: 1 }],
    [30, "fallback_failure", "r<1>", { ...failure, attempt: 1, action: "retry", delay_ms: 1000 }],
    [1030, "fallback_attempt", "r<1>", { model: HOSTILE_MODEL, attempt: 2, model_attempt: 2 }],
    [
      1060,
      "fallback_failure",
      "r<1>",
      { ...failure, attempt: 2, model_attempt: 2, action: "fail", delay_ms: null },
    ],
    [1060, "fallback_exhausted", "r<1>", { attempts: 2, error_type: "NetworkPermanent", reason: "auth" }],
  ]);
  const lines = text.split("\n");
  const violation: Violation = {
    rule: "action-mismatch",
    line: 3,
    message: `expected action "fail" for reason auth, got "retry" <script>alert(2)</script>`,
    requestId: "r<1>",
    model: HOSTILE_MODEL,
    text: lines[2] ?? "",
    context: [
      { line: 1, text: lines[0] ?? "" },
      { line: 2, text: lines[1] ?? "" },
    ],
  };
  const o = outcome({
    id: "s99-hostile",
    title: `Hostile <img src=x onerror="alert(3)"> names`,
    text,
    violations: [violation],
    requests: [request(0, 0, 1060, null)],
  });
  return o;
}

/** `s50-burst` (passes): `count` requests, each one quick success on the primary, one second apart. */
export function burstOutcome(count: number): ScenarioOutcome {
  const rows: [number, string, string, Fields][] = [];
  for (let i = 0; i < count; i++) {
    const at = i * 1000;
    rows.push(
      [at, "fallback_request", `b${i}`, CHAIN],
      [at, "fallback_attempt", `b${i}`, { model: A, attempt: 1, model_attempt: 1 }],
      [at + 40, "fallback_success", `b${i}`, { model: A, attempt: 1, latency_ms: 40, fallback: false }],
    );
  }
  return outcome({
    id: "s50-burst",
    title: "A burst",
    text: auditText(rows),
    requests: Array.from({ length: count }, (_, i) => request(i, i * 1000, i * 1000 + 40, A)),
  });
}

/**
 * `s20-day` (passes): four bursts over 24 h on the virtual clock. At 6 h the primary fails three times in a
 * row and its breaker opens (later requests fall back at once); at 12 h a half-open probe closes it.
 */
export function dayOutcome(): ScenarioOutcome {
  const H = 3_600_000;
  const rows: [number, string, string, Fields][] = [];
  const ok = (at: number, id: string, model: string, attempt: number, fallback: boolean): void => {
    rows.push(
      [at, "fallback_attempt", id, { model, attempt, model_attempt: 1 }],
      [at + 350, "fallback_success", id, { model, attempt, latency_ms: 350, fallback }],
    );
  };
  let n = 0;
  for (const burst of [0, 6 * H, 12 * H, 23 * H]) {
    for (let k = 0; k < 3; k++) {
      const id = `d${n++}`;
      const at = burst + k * 2_000;
      rows.push([at, "fallback_request", id, CHAIN]);
      if (burst === 6 * H) {
        rows.push([at, "fallback_attempt", id, { model: A, attempt: 1, model_attempt: 1 }]);
        if (k < 2) {
          rows.push([
            at + 200,
            "fallback_failure",
            id,
            {
              model: A,
              attempt: 1,
              model_attempt: 1,
              error_type: "ProviderError",
              reason: "server_error",
              status: 503,
              retry_after_ms: null,
              action: "fallback",
              delay_ms: null,
              latency_ms: 200,
            },
          ]);
        } else {
          rows.push([
            at + 200,
            "fallback_failure",
            id,
            {
              model: A,
              attempt: 1,
              model_attempt: 1,
              error_type: "ProviderError",
              reason: "server_error",
              status: 503,
              retry_after_ms: null,
              action: "fallback",
              delay_ms: null,
              latency_ms: 200,
            },
          ]);
          rows.push([
            at + 200,
            "circuit_transition",
            id,
            {
              model: A,
              from: "closed",
              to: "open",
              failures: 3,
              cooldown_until: new Date(VIRTUAL_START_MS + at + 200 + H).toISOString(),
              cause: "server_error",
            },
          ]);
        }
        ok(at + 200, id, B, 2, true);
      } else if (burst === 12 * H && k === 0) {
        rows.push([
          at,
          "circuit_transition",
          id,
          {
            model: A,
            from: "open",
            to: "half_open",
            failures: 3,
            cooldown_until: null,
            cause: "cooldown_elapsed",
          },
        ]);
        rows.push([at, "fallback_attempt", id, { model: A, attempt: 1, model_attempt: 1 }]);
        rows.push([
          at + 350,
          "circuit_transition",
          id,
          {
            model: A,
            from: "half_open",
            to: "closed",
            failures: 0,
            cooldown_until: null,
            cause: "probe_success",
          },
        ]);
        rows.push([
          at + 350,
          "fallback_success",
          id,
          { model: A, attempt: 1, latency_ms: 350, fallback: false },
        ]);
      } else ok(at, id, A, 1, false);
    }
  }
  rows.sort((a, b) => a[0] - b[0]);
  return outcome({
    id: "s20-day",
    title: "A day of traffic: the primary's breaker opens at 6 h and closes at 12 h",
    text: auditText(rows),
    requests: Array.from({ length: n }, (_, i) => request(i, 0, 0, A)),
  });
}

/** The report of these outcomes, as `run` builds it. */
export function reportOf(outcomes: readonly ScenarioOutcome[]): RunReport {
  return buildReport({
    outcomes,
    parity: parityMatrix(outcomes),
    engine: "reference <engine>",
    seed: 7,
    cwd: "/",
  });
}

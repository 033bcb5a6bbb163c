import { fleetAttempts, firstSuccessAfter, writersOf } from "../oracle/fleet-facts.ts";
import type { Expectations, RequestExpectation } from "../scenario/schema.ts";
import { failed, notChecked, passed, type Check, type Evidence, type Tier } from "./checks.ts";
import { exemptInexpressible, expectationPolicies, type CannotExpress } from "./expectation-policy.ts";
import type { AuditRecord, ExpectationFailure, FleetCall, RequestRecord } from "./records.ts";

/** Everything a scenario's expectations are judged on. */
export interface Observed {
  readonly startMs: number;
  readonly requests: readonly RequestRecord[];
  readonly audit: readonly AuditRecord[];
  readonly fleet: readonly FleetCall[];
  /** Deprecated by `answers`: the prose every canonical answer starts with. */
  readonly canonicalText: string;
  /** Canonical mode: each model's answer (`provider/model` → text), as the fleet sent it. */
  readonly answers: Readonly<Record<string, string>>;
  /**
   * The audit is evidence: the engine declared `audit: "spec"` or wrote a line (SPEC §10.2). Without it,
   * an audit-based expectation is NOT CHECKED, never read as "the engine did nothing".
   */
  readonly auditGiven: boolean;
  /** The policies the engine declared it cannot express (SPEC §10.3): their expectations are NOT CHECKED. */
  readonly cannotExpress?: CannotExpress;
  /** The first model of each request's chain (the judge's reading of the config), for the policy table. */
  readonly chainHeads?: ReadonlySet<string>;
}

/** The one-line reason of every check that needed the audit of an engine that writes none. */
export const NO_AUDIT_REASON =
  'needs audit evidence: the engine writes no SPEC §8 audit (declare audit: "spec" to have it judged)';

/**
 * The default tier of each expectation kind (SPEC §10.3; the table is in docs/tiers.md). `text` is what
 * every caller is owed (the whole answer, shown once); the rest are choices of this spec's policy. A
 * scenario overrides one expectation with `tier:`.
 */
export const DEFAULT_TIERS = {
  outcome: "conformance",
  served_by: "conformance",
  attempts: "conformance",
  text: "safety",
  exhausted_reason: "conformance",
  max_elapsed: "conformance",
  success_rate: "conformance",
  audit: "conformance",
  breaker: "conformance",
  no_hammer: "conformance",
  calls: "conformance",
  return_to_primary: "conformance",
} as const satisfies Record<string, Tier>;

const tsOf = (line: AuditRecord): number => (typeof line.ts === "string" ? Date.parse(line.ts) : Number.NaN);

function withinBounds(
  value: number,
  bounds: { min?: number | undefined; max?: number | undefined },
): boolean {
  return (
    (bounds.min === undefined || value >= bounds.min) && (bounds.max === undefined || value <= bounds.max)
  );
}

function describeBounds(bounds: { min?: number | undefined; max?: number | undefined }): string {
  if (bounds.min !== undefined && bounds.max !== undefined)
    return bounds.min === bounds.max ? `exactly ${bounds.min}` : `${bounds.min}–${bounds.max}`;
  return bounds.min !== undefined ? `at least ${bounds.min}` : `at most ${bounds.max ?? "∞"}`;
}

/**
 * The k-th `fallback_request` line belongs to the k-th request sent: engines write it when a request
 * starts, and the runner starts requests in plan order.
 */
export function auditByRequest(audit: readonly AuditRecord[]): Map<number, AuditRecord[]> {
  const ids: string[] = [];
  const byId = new Map<string, AuditRecord[]>();
  for (const line of audit) {
    const id = typeof line.request_id === "string" ? line.request_id : undefined;
    if (id === undefined) continue;
    if (line.event === "fallback_request" && !byId.has(id)) ids.push(id);
    const list = byId.get(id) ?? [];
    list.push(line);
    byId.set(id, list);
  }
  return new Map(ids.map((id, index) => [index, byId.get(id) ?? []]));
}

function selected(rule: RequestExpectation, requests: readonly RequestRecord[]): RequestRecord[] {
  const indexes =
    rule.index === undefined ? undefined : new Set(Array.isArray(rule.index) ? rule.index : [rule.index]);
  return requests.filter(
    (r) =>
      (rule.label === undefined || r.label === rule.label) && (indexes === undefined || indexes.has(r.index)),
  );
}

/** What one field of one request came to, and the evidence it rested on. */
type Finding =
  | { readonly kind: "pass"; readonly evidence: readonly Evidence[] }
  | { readonly kind: "fail"; readonly evidence: readonly Evidence[]; readonly message: string }
  | { readonly kind: "not-checked"; readonly evidence: readonly Evidence[]; readonly reason: string };

const ok = (...evidence: Evidence[]): Finding => ({ kind: "pass", evidence });
const bad = (message: string, ...evidence: Evidence[]): Finding => ({ kind: "fail", evidence, message });
const unseen = (reason: string, ...evidence: Evidence[]): Finding => ({
  kind: "not-checked",
  evidence,
  reason,
});

/** The request's attempts from the best evidence there is: the fleet, the engine's result, its audit. */
function attemptsOf(
  request: RequestRecord,
  lines: readonly AuditRecord[],
  observed: Observed,
): Finding | number {
  const perRequest = fleetAttempts(observed.fleet, observed.requests.length);
  if (perRequest !== null) return perRequest.get(request.index) ?? 0;
  if (request.attempts !== null) return request.attempts;
  if (observed.auditGiven) return lines.filter((l) => l.event === "fallback_attempt").length;
  return unseen(
    "needs fleet or audit evidence: the request reported no attempt count, some provider calls carry no request marker, and the engine writes no SPEC §8 audit",
    "fleet",
    "audit",
  );
}

const attemptsEvidence = (request: RequestRecord, observed: Observed): Evidence =>
  fleetAttempts(observed.fleet, observed.requests.length) !== null
    ? "fleet"
    : request.attempts !== null
      ? "result"
      : "audit";

/** Each field a request expectation can hold, judged for one request. */
const REQUEST_FIELDS = {
  outcome(rule, request) {
    if (rule.outcome === undefined || request.outcome === rule.outcome) return ok("result");
    const error = request.error ? ` (${request.error.name}: ${request.error.message.slice(0, 160)})` : "";
    return bad(`expected ${rule.outcome}, got ${request.outcome}${error}`, "result");
  },
  served_by(rule, request) {
    if (rule.served_by === undefined || request.model === rule.served_by) return ok("result");
    return bad(`expected to be served by ${rule.served_by}, got ${request.model ?? "no model"}`, "result");
  },
  attempts(rule, request, lines, observed) {
    const attempts = attemptsOf(request, lines, observed);
    if (typeof attempts !== "number") return attempts;
    const evidence = attemptsEvidence(request, observed);
    if (rule.attempts === undefined || withinBounds(attempts, rule.attempts)) return ok(evidence);
    const source =
      evidence === "fleet" ? "provider calls (fleet)" : evidence === "audit" ? "audited" : "reported";
    return bad(`expected ${describeBounds(rule.attempts)} attempts, got ${attempts} ${source}`, evidence);
  },
  text(rule, request, _lines, observed) {
    if (rule.text === undefined) return ok("result");
    // Text is owed by a success only: a request that failed or hung has no text to truncate or duplicate,
    // and whether it should have succeeded is the `outcome` expectation's question (a policy, conformance).
    if (request.outcome !== "success") return ok("result");
    const canonical = rule.text === "canonical";
    // `canonical`: the whole answer of whichever model wrote it (each model answers its own text); which
    // model that is, against the one reported, is safety.served-model's question, not this one's.
    const whole = canonical
      ? request.text !== null && writersOf(request.text, observed.fleet, observed.answers).length > 0
      : request.text === rule.text;
    const want = canonical ? canonicalFor(request, observed) : rule.text;
    const what = canonical
      ? `canonical answer${request.model ? ` of ${request.model}` : ""}`
      : "expected text";
    if (!whole) {
      if (request.text === null) return bad(`no text, expected the ${what}`, "result");
      return bad(`text differs from the ${what} (${describeLengths(request.text, want)})`, "result");
    }
    const returned = request.text ?? "";
    if (request.shown !== null && request.shown !== returned)
      return bad(
        `the streamed output the caller shows differs from the returned text (${describeLengths(request.shown, returned)})`,
        "result",
        "stream",
      );
    return request.shown === null ? ok("result") : ok("result", "stream");
  },
  exhausted_reason(rule, _request, lines, observed) {
    if (rule.exhausted_reason === undefined) return ok("audit");
    if (!observed.auditGiven) return unseen(NO_AUDIT_REASON, "audit");
    const terminal = lines.find((l) => l.event === "fallback_exhausted");
    if (terminal?.reason === rule.exhausted_reason) return ok("audit");
    return bad(
      `expected fallback_exhausted with reason ${rule.exhausted_reason}, got ${terminal ? String(terminal.reason) : "no fallback_exhausted line"}`,
      "audit",
    );
  },
  max_elapsed(rule, request) {
    if (rule.max_elapsed === undefined || request.endedAt - request.sentAt <= rule.max_elapsed)
      return ok("result");
    return bad(`took ${request.endedAt - request.sentAt} ms, more than ${rule.max_elapsed} ms`, "result");
  },
} as const satisfies Record<
  string,
  (
    rule: RequestExpectation,
    request: RequestRecord,
    lines: readonly AuditRecord[],
    observed: Observed,
  ) => Finding
>;

/** The canonical answer a request's text is held against: the reported model's, else the shared prose. */
function canonicalFor(request: RequestRecord, observed: Observed): string {
  return (request.model !== null ? observed.answers[request.model] : undefined) ?? observed.canonicalText;
}

/** "85 vs 104 characters: 19 more (duplicated or extra text)" — says which way a text is wrong. */
export function describeLengths(got: string, want: string): string {
  const shape =
    got.length < want.length
      ? want.startsWith(got)
        ? "truncated"
        : "shorter and different"
      : got.length > want.length
        ? got.includes(want)
          ? "duplicated or extra text"
          : "longer and different"
        : "same length, different text";
  return `${got.length} vs ${want.length} characters: ${shape}`;
}

/** One check from its findings over every selected request: the first failure wins, then missing evidence. */
function combine(id: string, tier: Tier, findings: readonly Finding[]): Check {
  const evidence = [...new Set(findings.flatMap((f) => f.evidence))];
  const failures = findings.filter((f): f is Extract<Finding, { kind: "fail" }> => f.kind === "fail");
  const first = failures[0];
  if (first !== undefined)
    return failed(
      id,
      tier,
      evidence,
      `${first.message}${failures.length > 1 ? ` (+${failures.length - 1} more request(s))` : ""}`,
    );
  const missing = findings.find((f) => f.kind === "not-checked");
  if (missing !== undefined) return notChecked(id, tier, missing.evidence, missing.reason);
  return passed(id, tier, evidence);
}

function requestChecks(
  rule: RequestExpectation,
  path: string,
  targets: readonly RequestRecord[],
  byRequest: ReadonlyMap<number, AuditRecord[]>,
  observed: Observed,
): Check[] {
  const checks: Check[] = [];
  for (const field of Object.keys(REQUEST_FIELDS) as (keyof typeof REQUEST_FIELDS)[]) {
    if (rule[field] === undefined) continue;
    const findings = targets.map((request): Finding => {
      const finding = REQUEST_FIELDS[field](rule, request, byRequest.get(request.index) ?? [], observed);
      if (finding.kind !== "fail") return finding;
      const who = `request #${request.index}${request.label ? ` (${request.label})` : ""}`;
      return { ...finding, message: `${who}: ${finding.message}` };
    });
    checks.push(combine(`${path}.${field}`, rule.tier ?? DEFAULT_TIERS[field], findings));
  }
  return checks;
}

type AuditMatch = NonNullable<Expectations["audit"]>["present"][number];

function matches(line: AuditRecord, match: AuditMatch): boolean {
  return (
    line.event === match.event &&
    (match.model === undefined || line.model === match.model) &&
    (match.reason === undefined || line.reason === match.reason || line.cause === match.reason) &&
    (match.action === undefined || line.action === match.action) &&
    (match.to === undefined || line.to === match.to)
  );
}

function describeMatch(match: AuditMatch): string {
  return [match.event, match.model, match.reason, match.action, match.to && `→${match.to}`]
    .filter(Boolean)
    .join(" ");
}

/** The circuit state of a model at a time, from the audit's `circuit_transition` lines. */
export function circuitStateAt(audit: readonly AuditRecord[], model: string, atMs: number): string {
  let state = "closed";
  for (const line of audit) {
    if (
      line.event === "circuit_transition" &&
      line.model === model &&
      tsOf(line) <= atMs &&
      typeof line.to === "string"
    )
      state = line.to;
  }
  return state;
}

/** An audit-based check: judged when the audit is evidence, NOT CHECKED (never failed) when it is not. */
function auditCheck(id: string, tier: Tier, observed: Observed, judge: () => string | null): Check {
  if (!observed.auditGiven) return notChecked(id, tier, ["audit"], NO_AUDIT_REASON);
  const problem = judge();
  return problem === null ? passed(id, tier, ["audit"]) : failed(id, tier, ["audit"], problem);
}

function fleetCheck(id: string, tier: Tier, problem: string | null): Check {
  return problem === null ? passed(id, tier, ["fleet"]) : failed(id, tier, ["fleet"], problem);
}

function aggregateChecks(expect: Expectations, observed: Observed): Check[] {
  const checks: Check[] = [];
  if (expect.success_rate !== undefined) {
    const served = observed.requests.filter((r) => r.outcome === "success").length;
    const rate = observed.requests.length === 0 ? 0 : served / observed.requests.length;
    const { min } = expect.success_rate;
    const id = "expect.success_rate.min";
    const tier = expect.success_rate.tier ?? DEFAULT_TIERS.success_rate;
    checks.push(
      rate < min
        ? failed(
            id,
            tier,
            ["result"],
            `success rate ${rate.toFixed(3)} (${served}/${observed.requests.length}) is below ${min}`,
          )
        : passed(id, tier, ["result"]),
    );
  }
  expect.audit?.present.forEach((match, i) => {
    checks.push(
      auditCheck(`expect.audit.present[${i}]`, match.tier ?? DEFAULT_TIERS.audit, observed, () => {
        const n = observed.audit.filter((l) => matches(l, match)).length;
        const bounds = match.count ?? { min: 1 };
        return withinBounds(n, bounds)
          ? null
          : `expected ${describeBounds(bounds)} "${describeMatch(match)}" line(s), found ${n}`;
      }),
    );
  });
  expect.audit?.absent.forEach((match, i) => {
    checks.push(
      auditCheck(`expect.audit.absent[${i}]`, match.tier ?? DEFAULT_TIERS.audit, observed, () => {
        const n = observed.audit.filter((l) => matches(l, match)).length;
        return n > 0 ? `expected no "${describeMatch(match)}" line, found ${n}` : null;
      }),
    );
  });
  expect.breaker.forEach((rule, i) => {
    checks.push(
      auditCheck(`expect.breaker[${i}]`, rule.tier ?? DEFAULT_TIERS.breaker, observed, () => {
        const state = circuitStateAt(observed.audit, rule.model, observed.startMs + rule.at);
        return state === rule.state
          ? null
          : `the audit's circuit_transition lines put ${rule.model} ${state} at ${rule.at} ms, expected ${rule.state}`;
      }),
    );
  });
  expect.no_hammer.forEach((rule, i) => {
    const from = observed.startMs + rule.from;
    const n = observed.fleet.filter(
      (c) => c.model === rule.model && c.at >= from && c.at < from + rule.within,
    ).length;
    checks.push(
      fleetCheck(
        `expect.no_hammer[${i}]`,
        rule.tier ?? DEFAULT_TIERS.no_hammer,
        n > rule.max_attempts
          ? `${rule.model} was called ${n} times within ${rule.within} ms of ${rule.from} ms (at most ${rule.max_attempts} allowed): hammering`
          : null,
      ),
    );
  });
  expect.calls.forEach((rule, i) => {
    const n = observed.fleet.filter((c) => c.model === rule.model).length;
    checks.push(
      fleetCheck(
        `expect.calls[${i}]`,
        rule.tier ?? DEFAULT_TIERS.calls,
        withinBounds(n, rule)
          ? null
          : `${rule.model} was called ${n} times, expected ${describeBounds(rule)}`,
      ),
    );
  });
  if (expect.return_to_primary !== undefined) {
    const { model, recovered_at, within, tier } = expect.return_to_primary;
    const recoveredAt = observed.startMs + recovered_at;
    // The fleet's record, not the audit: a provider that answered after recovery is the engine back on it.
    const call = firstSuccessAfter(observed.fleet, model, recoveredAt);
    const back = call === null ? null : (call.ended_at ?? call.at);
    const id = "expect.return_to_primary";
    checks.push(
      fleetCheck(
        id,
        tier ?? DEFAULT_TIERS.return_to_primary,
        back === null
          ? `${model} was never called with success after it recovered at ${recovered_at} ms (fleet record)`
          : back - recoveredAt > within
            ? `back on ${model} ${back - recoveredAt} ms after recovery, more than ${within} ms (${id}.within)`
            : null,
      ),
    );
  }
  return checks;
}

/** Every expectation of a scenario as a check, each with its tier and the evidence it rests on. */
export function judgeExpectationChecks(expect: Expectations, observed: Observed): Check[] {
  const checks: Check[] = [];
  const byRequest = auditByRequest(observed.audit);
  expect.requests.forEach((rule, i) => {
    const path = `expect.requests[${i}]`;
    const targets = selected(rule, observed.requests);
    if (targets.length === 0)
      checks.push(
        failed(path, rule.tier ?? "conformance", ["result"], "selects no request (check label / index)"),
      );
    else checks.push(...requestChecks(rule, path, targets, byRequest, observed));
  });
  checks.push(...aggregateChecks(expect, observed));
  const cannotExpress = observed.cannotExpress ?? {};
  if (Object.keys(cannotExpress).length === 0) return checks;
  return exemptInexpressible(
    checks,
    expectationPolicies(expect, observed.chainHeads ?? new Set()),
    cannotExpress,
  );
}

/** The broken expectations of a scenario; an empty list means none failed (some may not be checked). */
export function judgeExpectations(expect: Expectations, observed: Observed): ExpectationFailure[] {
  return judgeExpectationChecks(expect, observed).flatMap((c) =>
    c.outcome.kind === "fail" ? [{ expectation: c.id, message: c.outcome.message }] : [],
  );
}

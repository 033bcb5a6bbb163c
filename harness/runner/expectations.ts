import type { Expectations, RequestExpectation } from "../scenario/schema.ts";
import type { AuditRecord, ExpectationFailure, FleetCall, RequestRecord } from "./records.ts";

/** Everything a scenario's expectations are judged on. */
export interface Observed {
  readonly startMs: number;
  readonly requests: readonly RequestRecord[];
  readonly audit: readonly AuditRecord[];
  readonly fleet: readonly FleetCall[];
  readonly canonicalText: string;
}

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

function judgeRequest(
  rule: RequestExpectation,
  path: string,
  request: RequestRecord,
  lines: readonly AuditRecord[],
  observed: Observed,
): ExpectationFailure[] {
  const failures: ExpectationFailure[] = [];
  const fail = (field: string, message: string): void => {
    failures.push({
      expectation: `${path}.${field}`,
      message: `request #${request.index}${request.label ? ` (${request.label})` : ""}: ${message}`,
    });
  };
  if (rule.outcome !== undefined && request.outcome !== rule.outcome) {
    fail(
      "outcome",
      `expected ${rule.outcome}, got ${request.outcome}${request.error ? ` (${request.error.name}: ${request.error.message.slice(0, 160)})` : ""}`,
    );
  }
  if (rule.served_by !== undefined && request.model !== rule.served_by)
    fail("served_by", `expected to be served by ${rule.served_by}, got ${request.model ?? "no model"}`);
  if (rule.attempts !== undefined) {
    const attempts = request.attempts ?? lines.filter((l) => l.event === "fallback_attempt").length;
    if (!withinBounds(attempts, rule.attempts))
      fail("attempts", `expected ${describeBounds(rule.attempts)} attempts, got ${attempts}`);
  }
  if (rule.text !== undefined) {
    const want = rule.text === "canonical" ? observed.canonicalText : rule.text;
    if (request.text !== want) {
      fail(
        "text",
        `text differs from the ${rule.text === "canonical" ? "canonical answer" : "expected text"} (${request.text === null ? "no text" : `${request.text.length} vs ${want.length} characters`})`,
      );
    } else if (request.shown !== null && request.shown !== want) {
      fail(
        "text",
        `the streamed output the caller shows differs from the returned text (${request.shown.length} vs ${want.length} characters): truncated or duplicated`,
      );
    }
  }
  if (rule.exhausted_reason !== undefined) {
    const terminal = lines.find((l) => l.event === "fallback_exhausted");
    if (terminal?.reason !== rule.exhausted_reason)
      fail(
        "exhausted_reason",
        `expected fallback_exhausted with reason ${rule.exhausted_reason}, got ${terminal ? String(terminal.reason) : "no fallback_exhausted line"}`,
      );
  }
  if (rule.max_elapsed !== undefined && request.endedAt - request.sentAt > rule.max_elapsed) {
    fail("max_elapsed", `took ${request.endedAt - request.sentAt} ms, more than ${rule.max_elapsed} ms`);
  }
  return failures;
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

/** Judges every expectation of a scenario; an empty list means they all hold. */
export function judgeExpectations(expect: Expectations, observed: Observed): ExpectationFailure[] {
  const failures: ExpectationFailure[] = [];
  const byRequest = auditByRequest(observed.audit);
  expect.requests.forEach((rule, i) => {
    const path = `expect.requests[${i}]`;
    const targets = selected(rule, observed.requests);
    if (targets.length === 0)
      failures.push({ expectation: path, message: "selects no request (check label / index)" });
    for (const request of targets)
      failures.push(...judgeRequest(rule, path, request, byRequest.get(request.index) ?? [], observed));
  });
  if (expect.success_rate !== undefined) {
    const served = observed.requests.filter((r) => r.outcome === "success").length;
    const rate = observed.requests.length === 0 ? 0 : served / observed.requests.length;
    if (rate < expect.success_rate.min)
      failures.push({
        expectation: "expect.success_rate.min",
        message: `success rate ${rate.toFixed(3)} (${served}/${observed.requests.length}) is below ${expect.success_rate.min}`,
      });
  }
  expect.audit?.present.forEach((match, i) => {
    const n = observed.audit.filter((l) => matches(l, match)).length;
    const bounds = match.count ?? { min: 1 };
    if (!withinBounds(n, bounds))
      failures.push({
        expectation: `expect.audit.present[${i}]`,
        message: `expected ${describeBounds(bounds)} "${describeMatch(match)}" line(s), found ${n}`,
      });
  });
  expect.audit?.absent.forEach((match, i) => {
    const n = observed.audit.filter((l) => matches(l, match)).length;
    if (n > 0)
      failures.push({
        expectation: `expect.audit.absent[${i}]`,
        message: `expected no "${describeMatch(match)}" line, found ${n}`,
      });
  });
  expect.breaker.forEach((rule, i) => {
    const state = circuitStateAt(observed.audit, rule.model, observed.startMs + rule.at);
    if (state !== rule.state)
      failures.push({
        expectation: `expect.breaker[${i}]`,
        message: `circuit of ${rule.model} at ${rule.at} ms is ${state}, expected ${rule.state}`,
      });
  });
  expect.no_hammer.forEach((rule, i) => {
    const from = observed.startMs + rule.from;
    const n = observed.fleet.filter(
      (c) => c.model === rule.model && c.at >= from && c.at < from + rule.within,
    ).length;
    if (n > rule.max_attempts)
      failures.push({
        expectation: `expect.no_hammer[${i}]`,
        message: `${rule.model} was called ${n} times within ${rule.within} ms of ${rule.from} ms (at most ${rule.max_attempts} allowed): hammering`,
      });
  });
  expect.calls.forEach((rule, i) => {
    const n = observed.fleet.filter((c) => c.model === rule.model).length;
    if (!withinBounds(n, rule))
      failures.push({
        expectation: `expect.calls[${i}]`,
        message: `${rule.model} was called ${n} times, expected ${describeBounds(rule)}`,
      });
  });
  if (expect.return_to_primary !== undefined) {
    const { model, recovered_at, within } = expect.return_to_primary;
    const recoveredAt = observed.startMs + recovered_at;
    const back = observed.audit.find(
      (l) => l.event === "fallback_success" && l.model === model && tsOf(l) >= recoveredAt,
    );
    if (back === undefined)
      failures.push({
        expectation: "expect.return_to_primary",
        message: `${model} never served a request after it recovered at ${recovered_at} ms`,
      });
    else if (tsOf(back) - recoveredAt > within)
      failures.push({
        expectation: "expect.return_to_primary.within",
        message: `back on ${model} ${tsOf(back) - recoveredAt} ms after recovery, more than ${within} ms`,
      });
  }
  return failures;
}

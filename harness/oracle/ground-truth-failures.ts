import type { Violation } from "../check/violation-collector.ts";
import { expectedRetryAfter, type ExpectedWait } from "./ground-truth-retry-after.ts";
import { str, violation, type NumberedAuditLine, type TruthCall } from "./ground-truth-types.ts";

/**
 * Reasons an engine gives its own failures: a timer it runs (`ttft_timeout`, `stream_stall`, an SDK's
 * `timeout`), its caller's abort, or its deadline. The fleet cannot have injected them, so they are
 * accepted for a call whose answer had not settled when the engine left it, and for no other.
 */
const ENGINE_SIDE = new Set(["ttft_timeout", "stream_stall", "aborted", "timeout", "deadline"]);
/** Outcomes of a call the client left before the answer settled. */
const UNSETTLED = new Set(["aborted", "pending"]);
/**
 * Classes tested before ProviderRateLimit (SPEC §3 order): for these a Retry-After above the cap does not
 * turn the failure into `quota_exhausted`.
 */
const BEFORE_RATE_LIMIT = new Set(["context_overflow", "tls", "dns", "proxy"]);

/** Options of {@link checkFailures}. */
export interface FailureCheckOptions {
  /** `retry_after_cap_ms` for an agent (SPEC §2/§4), from the judge's reading of the scenario's config. */
  readonly retryAfterCapMs: (agent: string) => number;
}

interface Attempt {
  readonly key: string;
  readonly model: string;
  readonly ids: readonly string[];
}

type Bound = { readonly call: TruthCall; readonly ties: readonly TruthCall[] };

const attemptKey = (requestId: string, attempt: unknown): string => `${requestId}#${String(attempt)}`;

/** Fleet ids an engine may carry in `x_` fields (its provider's request id), to attribute a line exactly. */
function xIds(record: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(record).flatMap(([k, v]) => (k.startsWith("x_") && typeof v === "string" ? [v] : []));
}

/**
 * Attributes audited attempts to fleet calls: by the fleet's request id when a line carries it in an
 * `x_` field, else per model in order (audit order against arrival order, as `crossCheckFleet` pairs
 * them). Calls of the same model that arrived at the same instant cannot be told apart by order, so each
 * bound call comes with those ties: the audit is right if it agrees with any of them.
 */
function attribute(audit: readonly NumberedAuditLine[], calls: readonly TruthCall[]): Map<string, Bound> {
  const attempts: Attempt[] = [];
  const extraIds = new Map<string, string[]>();
  for (const { record } of audit) {
    const requestId = record === null ? undefined : str(record, "request_id");
    if (record === null || requestId === undefined) continue;
    const key = attemptKey(requestId, record["attempt"]);
    if (record["event"] === "fallback_attempt" && typeof record["model"] === "string")
      attempts.push({ key, model: record["model"], ids: xIds(record) });
    else if (record["event"] === "fallback_failure" || record["event"] === "fallback_success")
      extraIds.set(key, xIds(record));
  }
  const byId = new Map(calls.map((c) => [c.id, c]));
  const taken = new Set<string>();
  const bound = new Map<string, Bound>();
  for (const a of attempts) {
    const call = [...a.ids, ...(extraIds.get(a.key) ?? [])]
      .map((id) => byId.get(id))
      .find((c) => c !== undefined && !taken.has(c.id));
    if (call === undefined) continue;
    taken.add(call.id);
    bound.set(a.key, { call, ties: [] });
  }
  // Per model, its unbound calls in arrival order, and those of each instant (the ties), built in one pass:
  // a copy of the queue per call and a scan of it per attempt made the day-long scenario's audit quadratic.
  const queues = new Map<string, TruthCall[]>();
  const instants = new Map<string, Map<number, TruthCall[]>>();
  calls
    .map((call, index) => ({ call, index }))
    .sort((x, y) => x.call.at - y.call.at || x.index - y.index)
    .forEach(({ call }) => {
      if (taken.has(call.id)) return;
      const queue = queues.get(call.model);
      if (queue === undefined) queues.set(call.model, [call]);
      else queue.push(call);
      let atOf = instants.get(call.model);
      if (atOf === undefined) {
        atOf = new Map<number, TruthCall[]>();
        instants.set(call.model, atOf);
      }
      const same = atOf.get(call.at);
      if (same === undefined) atOf.set(call.at, [call]);
      else same.push(call);
    });
  const next = new Map<string, number>();
  for (const a of attempts) {
    if (bound.has(a.key)) continue;
    const queue = queues.get(a.model) ?? [];
    const i = next.get(a.model) ?? 0;
    next.set(a.model, i + 1);
    const call = queue[i];
    if (call !== undefined) {
      const same = instants.get(a.model)?.get(call.at) ?? [];
      bound.set(a.key, { call, ties: same.filter((c) => c !== call) });
    }
  }
  return bound;
}

/** What the audited failure should say about one call, as problems (empty: it agrees). */
function disagreements(
  record: Readonly<Record<string, unknown>>,
  call: TruthCall,
  capMs: number,
  failedAt: number,
): {
  rule: "truth-reason-mismatch" | "truth-status-mismatch" | "truth-retry-after-mismatch";
  message: string;
}[] {
  const reason = record["reason"];
  const unsettled = call.outcome !== undefined && UNSETTLED.has(call.outcome);
  // The engine left before the answer settled: its own timer or its caller ended the call, not the fleet.
  if (unsettled && typeof reason === "string" && ENGINE_SIDE.has(reason)) return [];
  const problems: ReturnType<typeof disagreements> = [];
  const wait: ExpectedWait | null =
    call.retry_after === undefined
      ? null
      : expectedRetryAfter(call.retry_after, call.at, Math.max(call.at, failedAt));
  if (call.reason !== undefined) {
    const allowed = new Set<string>();
    if (call.reason !== null) {
      const overCap = wait !== null && !BEFORE_RATE_LIMIT.has(call.reason);
      // A Retry-After above the cap is quota (SPEC §4); a date that straddles the cap allows either reading.
      if (!overCap || wait.min <= capMs) allowed.add(call.reason);
      if (overCap && wait.max > capMs) allowed.add("quota_exhausted");
    }
    const answered = call.reason === null && !unsettled && call.outcome !== undefined;
    if (allowed.size > 0 && !allowed.has(String(reason))) {
      problems.push({
        rule: "truth-reason-mismatch",
        message: `reason ${JSON.stringify(reason)}, but the fleet injected ${[...allowed].join(" or ")} for ${call.id} (${describe(call)})`,
      });
    } else if (answered) {
      problems.push({
        rule: "truth-reason-mismatch",
        message: `reason ${JSON.stringify(reason)}, but the fleet injected no failure for ${call.id} (${describe(call)})`,
      });
    }
  }
  if (call.status !== undefined) {
    const status = record["status"];
    if (call.status !== null && call.status >= 400 && status !== call.status) {
      problems.push({
        rule: "truth-status-mismatch",
        message: `status ${JSON.stringify(status)}, but the fleet sent HTTP ${call.status} for ${call.id}`,
      });
    } else if (call.status === null && call.outcome === "network_error" && status !== null) {
      problems.push({
        rule: "truth-status-mismatch",
        message: `status ${JSON.stringify(status)}, but the fleet sent no status line for ${call.id} (a network failure)`,
      });
    }
  }
  if (call.retry_after !== undefined) {
    const audited = record["retry_after_ms"];
    if (wait === null && audited !== null) {
      problems.push({
        rule: "truth-retry-after-mismatch",
        message: `retry_after_ms ${JSON.stringify(audited)}, but the fleet sent no Retry-After in any form for ${call.id}`,
      });
    } else if (
      wait !== null &&
      (typeof audited !== "number" || audited < wait.min - 1 || audited > wait.max + 1)
    ) {
      const want = wait.min === wait.max ? `${wait.min}` : `${wait.min}–${wait.max}`;
      problems.push({
        rule: "truth-retry-after-mismatch",
        message: `retry_after_ms ${JSON.stringify(audited)}, but the fleet sent ${wait.source} for ${call.id} (${want} ms)`,
      });
    }
  }
  return problems;
}

function describe(call: TruthCall): string {
  const status = call.status === undefined || call.status === null ? "no status" : `HTTP ${call.status}`;
  return `${status}, ${call.outcome ?? "outcome unknown"}`;
}

/**
 * SPEC §10.2: each audited `fallback_failure` agrees with what the fleet injected for its call — the
 * reason (with §4's cap turning a long Retry-After into `quota_exhausted`), the HTTP status, and the
 * `retry_after_ms` read from the first usable form the fleet sent. A failure whose attempt has no fleet
 * call behind it is left to the fleet cross-check.
 */
export function checkFailures(
  audit: readonly NumberedAuditLine[],
  calls: readonly TruthCall[],
  options: FailureCheckOptions,
): Violation[] {
  const bound = attribute(audit, calls);
  const violations: Violation[] = [];
  for (const { line, text, record } of audit) {
    if (record === null || record["event"] !== "fallback_failure") continue;
    const requestId = str(record, "request_id");
    const target = requestId === undefined ? undefined : bound.get(attemptKey(requestId, record["attempt"]));
    if (target === undefined) continue;
    const capMs = options.retryAfterCapMs(str(record, "agent") ?? "");
    const ts = Date.parse(str(record, "ts") ?? "");
    const failedAt = Number.isNaN(ts) ? target.call.at : ts;
    const problems = disagreements(record, target.call, capMs, failedAt);
    if (
      problems.length === 0 ||
      target.ties.some((tie) => disagreements(record, tie, capMs, failedAt).length === 0)
    )
      continue;
    const model = str(record, "model") ?? null;
    for (const p of problems)
      violations.push(
        violation(
          p.rule,
          line,
          `fallback_failure of attempt ${String(record["attempt"])} on ${model ?? "?"}: ${p.message}`,
          { requestId: requestId ?? null, model, text },
        ),
      );
  }
  return violations;
}

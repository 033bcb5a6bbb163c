import type { EnginePolicy } from "../../src/index.ts";
import type { Expectations } from "../scenario/schema.ts";
import { notChecked, type Check } from "./checks.ts";

/** What an engine declares it cannot be configured to apply, each policy with its one-line reason. */
export type CannotExpress = Readonly<Partial<Record<EnginePolicy, string>>>;

const POLICIES: readonly EnginePolicy[] = ["breaker", "fallback", "retries", "stream-failover"];

/**
 * Reads an engine module's `cannotExpress` without trusting it: a hostile getter, a non-object or a
 * non-string reason yields nothing rather than an exception in the runner, and the copy is plain data that
 * crosses a worker boundary.
 */
export function readCannotExpress(engine: { readonly cannotExpress?: unknown }): CannotExpress {
  try {
    const declared = engine.cannotExpress;
    if (typeof declared !== "object" || declared === null) return {};
    const copy: Partial<Record<EnginePolicy, string>> = {};
    for (const policy of POLICIES) {
      const reason: unknown = (declared as Record<string, unknown>)[policy];
      if (typeof reason === "string" && reason.trim() !== "") copy[policy] = reason.slice(0, 300);
    }
    return copy;
  } catch {
    return {};
  }
}

type AuditMatch = NonNullable<Expectations["audit"]>["present"][number];

/** The policy an audit expectation tests: breaker lines, a retry, a fallback; else none in particular. */
function auditPolicy(match: AuditMatch): EnginePolicy | undefined {
  if (match.policy !== undefined) return match.policy;
  if (match.event === "circuit_transition") return "breaker";
  if (match.reason === "circuit_open" || match.reason === "half_open_busy") return "breaker";
  if (match.action === "retry") return "retries";
  if (match.action === "fallback" || match.event === "fallback_promoted") return "fallback";
  return undefined;
}

/**
 * The policy each expectation of a scenario tests, by check id (the ids `judgeExpectationChecks` gives).
 * Only an expectation that tests one policy and nothing a caller is owed is mapped; the table and its
 * reasons are in docs/tiers.md. `heads` are the first models of the requests' chains: a `served_by` or a
 * `calls` naming any other model is a question about falling back, on a head one about retrying it.
 * An expectation's own `policy:` overrides the default.
 */
export function expectationPolicies(
  expect: Expectations,
  heads: ReadonlySet<string>,
): Map<string, EnginePolicy> {
  const policies = new Map<string, EnginePolicy>();
  const set = (id: string, policy: EnginePolicy | undefined): void => {
    if (policy !== undefined) policies.set(id, policy);
  };
  expect.requests.forEach((rule, i) => {
    const path = `expect.requests[${i}]`;
    const own = typeof rule.policy === "string" ? { attempts: rule.policy } : (rule.policy ?? {});
    // Same-model attempts are the retry policy's count (and its backoff's); whether a fallback served is
    // only a fallback question when the model is not where every request starts. On later requests a
    // bound of 1 attempt can be the open circuit's, and a head can serve only by being retried: the
    // scenario says so.
    if (rule.attempts !== undefined) set(`${path}.attempts`, own.attempts ?? "retries");
    const servedBy =
      rule.served_by === undefined
        ? undefined
        : (own.served_by ?? (heads.has(rule.served_by) ? undefined : "fallback"));
    if (rule.served_by !== undefined) set(`${path}.served_by`, servedBy);
    // A success owed by a model only one policy can reach is that policy's question too: for an engine
    // that cannot fall back, "expected success, got error" is the same question as served_by.
    if (rule.outcome === "success") set(`${path}.outcome`, own.outcome ?? servedBy);
    else set(`${path}.outcome`, own.outcome);
    set(`${path}.max_elapsed`, own.max_elapsed);
  });
  expect.audit?.present.forEach((match, i) => set(`expect.audit.present[${i}]`, auditPolicy(match)));
  expect.audit?.absent.forEach((match, i) => set(`expect.audit.absent[${i}]`, auditPolicy(match)));
  expect.breaker.forEach((rule, i) => set(`expect.breaker[${i}]`, rule.policy ?? "breaker"));
  expect.no_hammer.forEach((rule, i) => set(`expect.no_hammer[${i}]`, rule.policy ?? "retries"));
  expect.calls.forEach((rule, i) =>
    set(`expect.calls[${i}]`, rule.policy ?? (heads.has(rule.model) ? "retries" : "fallback")),
  );
  if (expect.return_to_primary !== undefined)
    set("expect.return_to_primary", expect.return_to_primary.policy ?? "fallback");
  return policies;
}

/** The NOT CHECKED reason of a check whose policy the engine cannot express. */
export const cannotExpressReason = (policy: EnginePolicy, reason: string): string =>
  `the engine cannot express the ${policy} policy: ${reason}`;

/**
 * SPEC §10.3: a conformance check that only tests a policy the engine declared it cannot express is NOT
 * CHECKED with the engine's reason, never FAIL. Safety checks (a `tier: safety` override included) stay:
 * what a caller is owed does not depend on what the engine can be configured to do.
 */
export function exemptInexpressible(
  checks: readonly Check[],
  policies: ReadonlyMap<string, EnginePolicy>,
  cannotExpress: CannotExpress,
): Check[] {
  return checks.map((check) => {
    const policy = policies.get(check.id);
    const reason = policy === undefined ? undefined : cannotExpress[policy];
    if (policy === undefined || reason === undefined || check.tier !== "conformance") return check;
    return notChecked(check.id, check.tier, check.evidence, cannotExpressReason(policy, reason));
  });
}

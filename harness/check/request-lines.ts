import { isOracleReason, rowOf } from "../oracle/action-table.ts";
import type { AuditLine } from "../oracle/audit-schema.ts";
import { parseIsoMillis } from "../oracle/audit-schema.ts";
import { configuredChainsFor } from "../oracle/chain-oracle.ts";
import { closeUnanswered } from "./attempt-lines.ts";
import type { CheckContext, LineRef, RequestState } from "./request-state.ts";

type RequestLine = Extract<AuditLine, { event: "fallback_request" }>;
type PromotedLine = Extract<AuditLine, { event: "fallback_promoted" }>;
type ExhaustedLine = Extract<AuditLine, { event: "fallback_exhausted" }>;

type Chains = readonly (readonly string[])[];

/**
 * `configuredChainsFor` per config, agent and primary: a pure function of the config, and a log has a
 * handful of agent × primary pairs, so it is worked out once per pair, not once per request. Bounded, so a
 * log with a new agent on every line costs the resolution, not memory.
 */
const chainCache = new WeakMap<object, Map<string, Chains>>();
const CHAIN_CACHE_PAIRS = 1024;
/** The last pair asked for: consecutive requests nearly always share it, and a match costs no key string. */
let last: { config: object; agent: string; primary: string; chains: Chains } | undefined;

function chainsFor(
  config: Parameters<typeof configuredChainsFor>[0],
  agent: string,
  primary: string,
): Chains {
  if (last !== undefined && last.config === config && last.agent === agent && last.primary === primary)
    return last.chains;
  let cache = chainCache.get(config);
  if (cache === undefined) {
    cache = new Map();
    chainCache.set(config, cache);
  }
  const key = `${agent}\u0000${primary}`;
  let chains = cache.get(key);
  if (chains === undefined) {
    chains = configuredChainsFor(config, agent, primary);
    if (cache.size < CHAIN_CACHE_PAIRS) cache.set(key, chains);
  }
  last = { config, agent, primary, chains };
  return chains;
}

/** Whether the chain names a model twice; a loop, as chains are short and this runs once per request. */
function hasDuplicate(chain: readonly string[]): boolean {
  for (let i = 1; i < chain.length; i++) if (chain.indexOf(chain[i] as string) < i) return true;
  return false;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * `fallback_request`: the chain has no duplicates and holds its primary; with a config, it is the SPEC §5
 * resolution for the agent and primary, with the agent's live promotion (if any) at its head.
 */
export function onRequest(ctx: CheckContext, request: RequestState, line: RequestLine, at: LineRef): void {
  if (hasDuplicate(line.chain)) {
    ctx.report(
      "chain-invalid",
      `the chain [${line.chain.join(", ")}] repeats a model (duplicates are dropped, SPEC §5)`,
      request,
      null,
    );
  } else if (!line.chain.includes(line.primary)) {
    ctx.report(
      "chain-invalid",
      `the primary ${line.primary} is not in the chain [${line.chain.join(", ")}] (SPEC §5 puts it first)`,
      request,
      null,
    );
  }
  if (ctx.config === undefined) return;
  const promote = request.settings.enabled && request.settings.promote_on_success;
  const chains = chainsFor(ctx.config, line.agent, line.primary);
  // Without promotion the cached chains are the candidates as they are: no array per request.
  const candidates = promote
    ? chains.map((chain) => ctx.promotions.effective(line.agent, chain, at.ts))
    : chains;
  if (candidates.length > 0 && !candidates.some((chain) => sameList(chain, line.chain))) {
    ctx.report(
      "chain-mismatch",
      `the chain [${line.chain.join(", ")}] differs from the config's resolution for agent "${line.agent}" and primary ${line.primary}: [${(candidates[0] ?? []).join(", ")}] (SPEC §5${promote ? ", live promotion applied" : ""})`,
      request,
      null,
    );
  }
}

/** `fallback_promoted`: only right before a fallback success of the same model, and only when promotion is on. */
export function onPromoted(ctx: CheckContext, request: RequestState, line: PromotedLine, at: LineRef): void {
  const { settings } = request;
  let why: string | undefined;
  if (request.promoted !== null)
    why = `a second promotion in one request (the first at line ${request.promoted.line})`;
  else if (!settings.enabled || !settings.promote_on_success)
    why = "promote_on_success is off for this agent";
  else if (request.pending === null || request.pending.model !== line.model)
    why = `no attempt on ${line.model} is waiting for its success`;
  else if (line.model === request.chain[0]) why = `${line.model} is already the chain's head`;
  const until = parseIsoMillis(line.until);
  if (
    why === undefined &&
    until !== undefined &&
    Math.abs(until - (at.ts + settings.sticky_ms)) > ctx.toleranceMs
  ) {
    why = `its until ${line.until} is not ts + sticky_ms (${new Date(at.ts + settings.sticky_ms).toISOString()})`;
  }
  // The oracle follows the spec's expiry, not the engine's claim, so a wrong `until` shows up in later chains.
  ctx.promotions.promote(request.agent, line.model, at.ts + settings.sticky_ms);
  if (why !== undefined) {
    // Reported once here; the success that follows is not held against it again.
    ctx.report("promotion-misplaced", `${line.model} promoted, but ${why}`, request, line.model);
    return;
  }
  request.promoted = { line: at.line, model: line.model };
}

/** The models of the walk the request never reached (neither tried nor skipped). */
function untried(request: RequestState): readonly string[] {
  if (request.walk !== "chain" && request.walk !== "bypass") return [];
  return request.chain.slice(request.pos + 1);
}

/**
 * `fallback_exhausted`: its attempts are the attempts logged; its reason is how the request ended — the
 * last failure's reason after a fail or the last fallback, `deadline` when the deadline ended it (or
 * limited the last retry), `all_open` after every model was skipped, `aborted` when the caller cancelled a
 * wait; and it never comes while chain models are left untried.
 */
export function onExhausted(
  ctx: CheckContext,
  request: RequestState,
  line: ExhaustedLine,
  at: LineRef,
): void {
  closeUnanswered(ctx, request, "fallback_exhausted", at);
  if (request.promoted !== null) {
    ctx.report(
      "promotion-misplaced",
      `fallback_promoted at line ${request.promoted.line} is not followed by a success`,
      request,
      request.promoted.model,
    );
    request.promoted = null;
  }
  if (line.attempts !== request.attempts) {
    ctx.report(
      "exhausted-attempts-mismatch",
      `attempts is ${line.attempts}, but the request logged ${request.attempts} attempt(s)`,
      request,
      null,
    );
  }
  const pastDeadline = at.ts - request.startTs >= request.settings.deadline_ms - ctx.toleranceMs;
  const allowed = new Set<string>();
  if (pastDeadline) allowed.add("deadline");
  const last = request.lastFailure;
  const action = request.lastAction;
  if (
    request.walk === "fail_fast" ||
    (request.walk === "probe" && request.attempts === request.walkStartAttempts)
  )
    allowed.add("all_open");
  switch (action) {
    case "fail":
      if (last !== null && !last.deadlineCut) allowed.add(last.reason);
      if (last?.deadlineCut === true) allowed.add("deadline");
      break;
    case "fallback":
    case null: {
      const left = untried(request);
      if (left.length > 0 && !pastDeadline) {
        ctx.report(
          "exhausted-early",
          `the request ended while ${left.join(", ")} were neither tried nor skipped`,
          request,
          null,
        );
      }
      if (last !== null) allowed.add(last.deadlineLimited ? "deadline" : last.reason);
      break;
    }
    case "retry":
    case "compact":
      // The caller may cancel a retry's wait (docs/decisions.md: written as aborted).
      if (action === "retry") allowed.add("aborted");
      if (!pastDeadline && line.reason !== "aborted") {
        ctx.report(
          "action-not-followed",
          `the request ended after action ${action} on ${last?.model ?? "?"}; a ${action} tries the same model again (SPEC §4)`,
          request,
          null,
        );
      }
      break;
    default: {
      const unreachable: never = action;
      return unreachable;
    }
  }
  if (!allowed.has(line.reason)) {
    const expected =
      allowed.size === 0 ? "none fits how the request ended" : `expected ${[...allowed].join(" or ")}`;
    ctx.report(
      "exhausted-reason-mismatch",
      `fallback_exhausted reason ${line.reason}; ${expected}`,
      request,
      null,
    );
  } else if (isOracleReason(line.reason) && line.error_type !== rowOf(line.reason).type) {
    ctx.report(
      "exhausted-reason-mismatch",
      `error_type ${line.error_type ?? "null"} for reason ${line.reason}, whose type is ${rowOf(line.reason).type}`,
      request,
      null,
    );
  } else if (!isOracleReason(line.reason) && line.error_type !== null && line.error_type !== last?.type) {
    ctx.report(
      "exhausted-reason-mismatch",
      `error_type ${line.error_type} for reason ${line.reason}; expected null or the last failure's type ${last?.type ?? "null"}`,
      request,
      null,
    );
  }
}

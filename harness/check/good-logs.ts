import type { OracleOverrides } from "../oracle/config-types.ts";
import { AuditLogBuilder } from "./audit-log-builder.ts";

/** Model ids used by the built logs. */
export const A = "anthropic/claude-sonnet-4-5";
export const B = "openai/gpt-4.1";
export const C = "google/gemini-2.5-pro";

const HOUR = 3_600_000;

/**
 * Request `id` opens A (auth), then B 10 ms later (auth), and ends exhausted: afterwards every circuit of
 * [A, B] is open for an hour and A's cooldown ends first.
 */
export function openBoth(log: AuditLogBuilder, id: string): AuditLogBuilder {
  log.request(id, [A, B]).attempt(id, A).failure(id, "auth", "fallback", { status: 401 });
  log.transition(id, A, "closed", "open", { failures: 1, cooldownUntil: log.now + HOUR, cause: "auth" });
  log.advance(10).attempt(id, B).failure(id, "auth", "fallback", { status: 401 });
  log.transition(id, B, "closed", "open", { failures: 1, cooldownUntil: log.now + HOUR, cause: "auth" });
  return log.exhausted(id, "auth");
}

/** A realistic log that follows the spec, with the settings it was written under. */
export interface GoodLog {
  readonly name: string;
  readonly overrides: OracleOverrides;
  readonly build: () => AuditLogBuilder;
}

/**
 * Hand-built logs that obey every rule under the SPEC §2 defaults (plus the named overrides). They are the
 * checker's "must pass" set and the source of the `fixtures/audit/good` files.
 */
export const GOOD_LOGS: readonly GoodLog[] = [
  {
    name: "served-first-try",
    overrides: {},
    build: () =>
      new AuditLogBuilder()
        .request("r1", [A, B])
        .attempt("r1", A)
        .advance(850)
        .success("r1", { latency_ms: 850 }),
  },
  {
    name: "retries-then-fallback",
    overrides: { promote_on_success: false },
    build: () => {
      const log = new AuditLogBuilder().request("r1", [A, B, C]);
      log
        .attempt("r1", A)
        .advance(100)
        .failure("r1", "rate_limit", "retry", { status: 429, delay_ms: 2100, latency_ms: 100 });
      log.advance(2100).attempt("r1", A).advance(50).failure("r1", "overloaded", "retry", {
        status: 529,
        delay_ms: 4000,
        retry_after_ms: 4000,
        latency_ms: 50,
      });
      log.advance(4000);
      const opened = log.now;
      // The third failure inside the window opens A's circuit; its retry is then denied.
      log.attempt("r1", A);
      log.advance(4000);
      return log
        .failure("r1", "timeout", "retry", { status: 504, delay_ms: 4000, latency_ms: 4000 })
        .transition("r1", A, "closed", "open", {
          failures: 3,
          cooldownUntil: opened + 4000 + HOUR,
          cause: "timeout",
        })
        .advance(4000)
        .skip("r1", A, "circuit_open")
        .attempt("r1", B)
        .advance(20)
        .failure("r1", "server_error", "fallback", { status: 500, latency_ms: 20 })
        .attempt("r1", C)
        .advance(700)
        .success("r1", { latency_ms: 700 });
    },
  },
  {
    name: "breaker-open-half-open-closed",
    overrides: { promote_on_success: false },
    build: () => {
      const log = new AuditLogBuilder().request("r1", [A, B]).attempt("r1", A).advance(30);
      const tripAt = log.now;
      log
        .failure("r1", "auth", "fallback", { status: 401, latency_ms: 30 })
        .transition("r1", A, "closed", "open", { failures: 1, cooldownUntil: tripAt + HOUR, cause: "auth" })
        .attempt("r1", B)
        .advance(400)
        .success("r1", { latency_ms: 400 });
      log
        .advance(60_000)
        .request("r2", [A, B])
        .skip("r2", A, "circuit_open")
        .attempt("r2", B)
        .advance(300)
        .success("r2", { latency_ms: 300 });
      log.now = tripAt + HOUR;
      return log
        .request("r3", [A, B])
        .transition("r3", A, "open", "half_open", {
          failures: 1,
          cooldownUntil: null,
          cause: "cooldown_elapsed",
        })
        .attempt("r3", A)
        .advance(500)
        .transition("r3", A, "half_open", "closed", {
          failures: 0,
          cooldownUntil: null,
          cause: "probe_success",
        })
        .success("r3", { latency_ms: 500 });
    },
  },
  {
    name: "all-open-fail-fast",
    overrides: { on_all_open: "fail_fast", promote_on_success: false },
    build: () => {
      const log = new AuditLogBuilder().request("r1", [A, B]);
      log
        .attempt("r1", A)
        .failure("r1", "quota_exhausted", "fallback", { status: 429, retry_after_ms: 7_200_000 });
      log.transition("r1", A, "closed", "open", {
        failures: 1,
        cooldownUntil: log.now + 7_200_000,
        cause: "quota_exhausted",
      });
      log.attempt("r1", B).failure("r1", "model_not_found", "fallback", { status: 404 });
      log.transition("r1", B, "closed", "open", {
        failures: 1,
        cooldownUntil: log.now + HOUR,
        cause: "model_not_found",
      });
      log.exhausted("r1", "model_not_found");
      return log
        .advance(1000)
        .request("r2", [A, B])
        .skip("r2", A, "circuit_open")
        .skip("r2", B, "circuit_open")
        .exhausted("r2", "all_open");
    },
  },
  {
    name: "all-open-probe-soonest",
    overrides: { promote_on_success: false },
    build: () => {
      const log = new AuditLogBuilder().request("r1", [A, B]);
      log.attempt("r1", A).failure("r1", "permission", "fallback", { status: 403 });
      log.transition("r1", A, "closed", "open", {
        failures: 1,
        cooldownUntil: log.now + HOUR,
        cause: "permission",
      });
      log.advance(10).attempt("r1", B).failure("r1", "auth", "fallback", { status: 401 });
      log.transition("r1", B, "closed", "open", {
        failures: 1,
        cooldownUntil: log.now + HOUR,
        cause: "auth",
      });
      log.exhausted("r1", "auth");
      log.advance(5000).request("r2", [A, B]).skip("r2", A, "circuit_open").skip("r2", B, "circuit_open");
      return log
        .newWalk("r2")
        .transition("r2", A, "open", "half_open", { failures: 1, cooldownUntil: null, cause: "probe_forced" })
        .attempt("r2", A)
        .advance(200)
        .transition("r2", A, "half_open", "closed", {
          failures: 0,
          cooldownUntil: null,
          cause: "probe_success",
        })
        .success("r2", { latency_ms: 200 });
    },
  },
  {
    name: "compaction-then-success",
    overrides: {},
    build: () =>
      new AuditLogBuilder()
        .request("r1", [A, B])
        .attempt("r1", A)
        .advance(40)
        .failure("r1", "context_overflow", "compact", { status: 400, latency_ms: 40 })
        .advance(300)
        .attempt("r1", A)
        .advance(900)
        .success("r1", { latency_ms: 900 }),
  },
  {
    name: "streaming-restart",
    overrides: {},
    build: () =>
      new AuditLogBuilder()
        .request("r1", [A, B])
        .attempt("r1", A)
        .advance(1500)
        .failure("r1", "stream_cut", "retry", { delay_ms: 950, latency_ms: 1500 })
        .advance(950)
        .attempt("r1", A)
        .advance(2000)
        .success("r1", { latency_ms: 2000 }),
  },
  {
    name: "promotion-and-interleaving",
    overrides: {},
    build: () => {
      const log = new AuditLogBuilder().request("r1", [A, B]).request("r2", [A, B]);
      log.attempt("r1", A).attempt("r2", A).advance(100);
      log.failure("r1", "unavailable", "retry", { status: 503, delay_ms: 1000, latency_ms: 100 });
      log.failure("r2", "bad_gateway", "retry", { status: 502, delay_ms: 1100, latency_ms: 100 });
      log
        .advance(1000)
        .attempt("r1", A)
        .advance(100)
        .failure("r1", "unavailable", "retry", { status: 503, delay_ms: 2000, latency_ms: 100 });
      log.transition("r1", A, "closed", "open", {
        failures: 3,
        cooldownUntil: log.now + HOUR,
        cause: "unavailable",
      });
      log.advance(1000).skip("r2", A, "circuit_open").attempt("r2", B).advance(300);
      log.promoted("r2", B, log.now + 900_000).success("r2", { latency_ms: 300 });
      log
        .advance(700)
        .skip("r1", A, "circuit_open")
        .attempt("r1", B)
        .advance(200)
        .success("r1", { latency_ms: 200 });
      return log
        .advance(1000)
        .request("r3", [B, A], { primary: A })
        .attempt("r3", B)
        .advance(100)
        .success("r3", { latency_ms: 100 });
    },
  },
  {
    name: "fallback-disabled",
    overrides: { enabled: false },
    build: () =>
      new AuditLogBuilder()
        .request("r1", [A, B])
        .attempt("r1", A)
        .advance(20)
        .failure("r1", "rate_limit", "fail", { status: 429, latency_ms: 20 })
        .exhausted("r1", "rate_limit"),
  },
  {
    name: "deadline-limits-a-retry",
    overrides: { deadline_ms: 10_000, promote_on_success: false },
    build: () => {
      const log = new AuditLogBuilder().request("r1", [A, B]);
      log.attempt("r1", A).advance(9000).failure("r1", "timeout", "fallback", { latency_ms: 9000 });
      log.attempt("r1", B).advance(1000).failure("r1", "timeout", "fail", { latency_ms: 1000 });
      return log.exhausted("r1", "deadline");
    },
  },
  {
    // probe_soonest is judged when each probe is forced: r3 finds A half-open (r2's probe in flight), so B.
    name: "all-open-probe-soonest-concurrent",
    overrides: { promote_on_success: false },
    build: () => {
      const log = openBoth(new AuditLogBuilder(), "r1").advance(5000);
      log.request("r2", [A, B]).skip("r2", A, "circuit_open").skip("r2", B, "circuit_open").newWalk("r2");
      log.request("r3", [A, B]).skip("r3", A, "circuit_open").skip("r3", B, "circuit_open").newWalk("r3");
      log.transition("r2", A, "open", "half_open", {
        failures: 1,
        cooldownUntil: null,
        cause: "probe_forced",
      });
      log.attempt("r2", A);
      log.transition("r3", B, "open", "half_open", {
        failures: 1,
        cooldownUntil: null,
        cause: "probe_forced",
      });
      log.attempt("r3", B).advance(200);
      const closed = { failures: 0, cooldownUntil: null, cause: "probe_success" };
      log.transition("r2", A, "half_open", "closed", closed).success("r2", { latency_ms: 200 });
      return log.transition("r3", B, "half_open", "closed", closed).success("r3", { latency_ms: 200 });
    },
  },
  {
    // One probe: its retry asks the breaker like any request, the reopened circuit denies it, the request ends.
    name: "all-open-probe-fails-with-retry",
    overrides: { promote_on_success: false },
    build: () => {
      const log = openBoth(new AuditLogBuilder(), "r1").advance(5000);
      log.request("r2", [A, B]).skip("r2", A, "circuit_open").skip("r2", B, "circuit_open").newWalk("r2");
      log.transition("r2", A, "open", "half_open", {
        failures: 1,
        cooldownUntil: null,
        cause: "probe_forced",
      });
      log.attempt("r2", A).advance(100);
      log.failure("r2", "unavailable", "retry", { status: 503, delay_ms: 1000, latency_ms: 100 });
      log.transition("r2", A, "half_open", "open", {
        failures: 1,
        cooldownUntil: log.now + HOUR,
        cause: "unavailable",
      });
      return log.advance(1000).skip("r2", A, "circuit_open").exhausted("r2", "unavailable");
    },
  },
];

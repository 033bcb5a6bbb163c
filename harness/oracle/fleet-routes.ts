/**
 * Whether the engine's calls reached the providers the scenario set up (SPEC §10.2): a call whose path no
 * provider serves got the fleet's plain 404 and none of the scenario's faults, so whatever the engine did
 * next says nothing about the behaviour the scenario tests. Pure function of plain data.
 */
import { failed, passed, type Check } from "../runner/checks.ts";
import type { FleetCall } from "../runner/records.ts";

/** The id of {@link routedCallsCheck}. */
export const ROUTED_CALLS_CHECK = "conformance.calls-routed";

/**
 * `conformance.calls-routed`: every provider call reached a route (the fleet logged an API for it). A call
 * logged with `api: null` fails it, named by method, path and count, most frequent first.
 *
 * Conformance, not safety: the caller may still have been served (an engine that falls back on the 404
 * can answer from a model it reaches correctly), so no caller was necessarily harmed; but the scenario's
 * faults were never injected, so its other checks judged a run the scenario did not describe, and a
 * PASS or PARTIAL there would be meaningless. A call without an `api` field (a record from before the
 * fleet logged one) is not counted.
 */
export function routedCallsCheck(calls: readonly FleetCall[]): Check {
  const unrouted = calls.filter((c) => c.api === null);
  if (unrouted.length === 0) return passed(ROUTED_CALLS_CHECK, "conformance", ["fleet"]);
  const byRoute = new Map<string, number>();
  for (const call of unrouted) {
    const key = `${call.method ?? "?"} ${call.path ?? "?"} (${call.provider})`;
    byRoute.set(key, (byRoute.get(key) ?? 0) + 1);
  }
  const routes = [...byRoute].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const [first] = routes;
  const others = routes.length > 1 ? `, +${routes.length - 1} more path(s)` : "";
  const count = unrouted.length;
  return failed(
    ROUTED_CALLS_CHECK,
    "conformance",
    ["fleet"],
    `${count} call${count === 1 ? "" : "s"} reached no provider route (${first?.[0] ?? ""}${others}): the engine's URLs are misconfigured, and the scenario's faults were never injected`,
  );
}

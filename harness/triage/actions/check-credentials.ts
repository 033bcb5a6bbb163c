import { TRIAGE_THRESHOLDS } from "../thresholds.ts";
import type { SuggestedAction } from "../triage-findings.ts";
import { modelLocations } from "./config-paths.ts";
import { tally, type TriageRule } from "./triage-rule.ts";

const C = TRIAGE_THRESHOLDS.credentials;
/** Reasons that say the key or the model id is wrong: they trip the breaker and never heal by waiting. */
const KEY_REASONS = ["auth", "permission"] as const;
const ID_REASONS = ["model_not_found"] as const;

/** Diagnose 1 and 3: a model rejected for its key, its permissions or its id, or skipped as invalid. */
export const checkCredentials: TriageRule = {
  id: "check-credentials",
  step: "Diagnose 3: confirm provider auth/availability for candidate models",
  threshold: `at least ${C.minFailures} auth, permission or model_not_found failure, or an "invalid" skip, on a model`,
  suggest(analysis, config) {
    const actions: SuggestedAction[] = [];
    for (const m of analysis.models) {
      const keyTrips = m.byReason.filter((r) => (KEY_REASONS as readonly string[]).includes(r.reason));
      const idTrips = m.byReason.filter((r) => (ID_REASONS as readonly string[]).includes(r.reason));
      const invalid = m.skipped.invalid ?? 0;
      const count = [...keyTrips, ...idTrips].reduce((n, r) => n + r.count, 0) + invalid;
      if (count < C.minFailures) continue;
      const provider = m.model.split("/")[0] ?? m.model;
      const idProblem = idTrips.length > 0 || invalid > 0;
      const evidence = [...keyTrips, ...idTrips].map(
        (r) =>
          `${r.reason} ×${r.count} on ${m.model} (status ${tally(r.statuses)}; lines ${r.firstLine}–${r.lastLine})`,
      );
      if (invalid > 0) evidence.push(`${m.model} was skipped as invalid ${invalid} time(s)`);
      const locations = config === undefined ? [] : modelLocations(config, m.model);
      if (locations.length > 0) evidence.push(`the config names ${m.model} at ${locations.join(", ")}`);
      actions.push({
        id: "check-credentials",
        step: idProblem ? "Diagnose 1: verify configured chains are valid model IDs" : checkCredentials.step,
        title: idProblem
          ? `Check that ${m.model} is a model id the provider serves${keyTrips.length > 0 ? `, and the ${provider} key` : ""}`
          : `Check the ${provider} API key and its access to ${m.model}`,
        model: m.model,
        agent: null,
        threshold: checkCredentials.threshold,
        evidence,
        changes: idProblem
          ? locations.map((path) => ({
              path,
              current: m.model,
              suggested: "a model id the provider lists (or remove it from the chain)",
              currentFrom: "config" as const,
            }))
          : [],
      });
    }
    return actions;
  },
};

import { z } from "zod";

const verdict = z.enum(["pass", "fail"]);
/** SPEC §10.3. */
const tier = z.enum(["safety", "conformance"]);
/** A tier's verdict: PARTIAL when nothing failed but some check could not be made. */
const tierVerdict = z.enum(["pass", "fail", "partial"]);
const evidence = z.enum(["result", "stream", "fleet", "audit"]);
/** Scenarios per tier verdict. */
const tierTotals = z.object({
  passed: z.number().int(),
  failed: z.number().int(),
  partial: z.number().int(),
});

/** A check the engine's evidence did not allow (SPEC §10.2), with the one-line reason. */
export const NotCheckedSchema = z.object({
  id: z.string(),
  tier,
  evidence: z.array(evidence),
  reason: z.string(),
});

/** One scenario in report.json. */
export const ScenarioReportSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  file: z.string(),
  tags: z.array(z.string()),
  seed: z.number().int(),
  /** `fail` when a check of either tier failed (what `--tier conformance` gates on). */
  verdict,
  /** Each tier's own verdict. */
  tiers: z.object({ safety: tierVerdict, conformance: tierVerdict }),
  reasons: z.array(z.string()),
  /** The checks not made, with why. */
  not_checked: z.array(NotCheckedSchema),
  requests: z.object({
    total: z.number().int(),
    success: z.number().int(),
    error: z.number().int(),
    hang: z.number().int(),
  }),
  attempts: z.number().int(),
  audit: z.object({
    lines: z.number().int(),
    violations: z.number().int(),
    counts: z.record(z.string(), z.number().int()),
    warnings: z.number().int(),
    file: z.string(),
  }),
  fleet: z.object({ calls: z.number().int(), mismatches: z.number().int(), file: z.string() }),
  reaudit: z
    .union([
      z.object({ verdict, deterministic: z.boolean(), note: z.string() }),
      // A real-time FAIL not re-run: the budget left could not hold a second run (the note says so).
      z.object({ verdict: z.null(), deterministic: z.null(), note: z.string() }),
    ])
    .nullable(),
  parity: z.array(z.string()),
});

/** `run --properties N`: the engine under random configs × faults × traffic, and its shrunk counterexample. */
export const PropertyReportSchema = z.object({
  property: z.string(),
  seed: z.number().int(),
  runs: z.number().int(),
  verdict,
  /** The counterexample scenario, relative to the report folder; replay it with `run`. */
  counterexample: z.string().nullable(),
  violations: z.array(z.string()),
});

/** report.json, version 1. Deterministic: the same seed gives the same bytes (no wall times here). */
export const RunReportSchema = z.object({
  version: z.literal(1),
  tool: z.literal("fallback-harness"),
  engine: z.string(),
  seed: z.number().int().nullable(),
  /** The gating tier (`run --tier`): `safety` gates on safety failures only; `conformance` on any. */
  tier,
  /** The verdict under the gating tier. */
  verdict: verdict,
  exit_code: z.union([z.literal(0), z.literal(1)]),
  totals: z.object({
    scenarios: z.number().int(),
    passed: z.number().int(),
    failed: z.number().int(),
    requests: z.number().int(),
    attempts: z.number().int(),
    safety: tierTotals,
    conformance: tierTotals,
  }),
  parity: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      status: z.enum(["PASS", "PARTIAL", "FAIL"]),
      evidence: z.array(z.string()),
    }),
  ),
  scenarios: z.array(ScenarioReportSchema),
  /** Present when the run included `--properties N`. */
  properties: PropertyReportSchema.nullable().optional(),
});

/** The parsed report.json. */
export type RunReport = z.infer<typeof RunReportSchema>;
/** The engine property's section of report.json. */
export type PropertyReport = z.infer<typeof PropertyReportSchema>;
/** One scenario of report.json. */
export type ScenarioReport = z.infer<typeof ScenarioReportSchema>;

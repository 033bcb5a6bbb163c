import { z } from "zod";
import { isModelId } from "../../src/index.ts";
import { DurationSchema as durationSchema, FaultBindingSchema } from "../fleet/faults.ts";

/**
 * The scenario file format, version 1. A scenario is a scripted run: the config under test, the traffic,
 * the faults the fleet injects, and what must hold afterwards.
 */
const modelId = z.string().refine(isModelId, { message: "expected a model id of the form provider/model" });
const count = z.number().int().nonnegative();
const bounds = z.strictObject({ min: count.optional(), max: count.optional() });

/** One line of traffic: `count` requests from `at`, `every` apart (0 = a burst), at most `concurrency` in flight. */
export const trafficSchema = z.strictObject({
  label: z.string().min(1).optional(),
  agent: z.string().min(1).default("build"),
  model: modelId.optional(),
  at: durationSchema.default(0),
  count: z.number().int().min(1).max(100_000).default(1),
  every: durationSchema.default(0),
  concurrency: z.number().int().min(1).optional(),
  stream: z.boolean().default(true),
  prompt: z.string().default("Answer with the canonical text."),
  /** The caller aborts its request this long after sending it. */
  cancel_after: durationSchema.optional(),
});

const outcome = z.enum(["success", "error"]);

/**
 * Overrides an expectation's default tier (SPEC §10.3; defaults per kind in docs/tiers.md): `safety` for
 * what every caller is owed whatever the policy, `conformance` for this spec's policy.
 */
const tier = z.enum(["safety", "conformance"]).optional();

/**
 * The one policy an expectation tests, where its kind's default (docs/tiers.md) is not it: an engine that
 * declares it cannot express that policy gets the expectation NOT CHECKED (SPEC §10.3).
 */
const policyName = z.enum(["breaker", "fallback", "retries", "stream-failover"]);
const policy = policyName.optional();

/**
 * A `requests[]` rule's policies, per check where its default (docs/tiers.md) is not what it tests: a name
 * alone is the policy of the rule's `attempts`; an object names any of `attempts`, `served_by`, `outcome`
 * and `max_elapsed`. `outcome: success` keeps the policy given to `served_by` unless it has its own.
 */
const requestPolicy = z
  .union([
    policyName,
    z.strictObject({
      attempts: policy,
      served_by: policy,
      outcome: policy,
      max_elapsed: policy,
    }),
  ])
  .optional();

/** What must hold for each selected request. */
export const requestExpectationSchema = z.strictObject({
  /** Which requests: a traffic label, request indexes (0-based, in send order), or all when omitted. */
  label: z.string().optional(),
  index: z.union([count, z.array(count)]).optional(),
  outcome: outcome.optional(),
  served_by: modelId.optional(),
  attempts: bounds.optional(),
  /** `canonical` = the fleet's canonical answer, exactly (no truncation, no duplication). */
  text: z.union([z.literal("canonical"), z.string()]).optional(),
  /** The reason of the request's terminal `fallback_exhausted` line. */
  exhausted_reason: z.string().optional(),
  /** Upper bound on the request's duration, send to outcome. */
  max_elapsed: durationSchema.optional(),
  tier,
  /**
   * The policy of this rule's `attempts` bound (default `retries`): `breaker` where the bound holds on later
   * requests only because the first failure opened the circuit. As an object, the policy of each of the
   * rule's checks that tests one: `{ served_by: retries }` where the head serves only by being retried.
   */
  policy: requestPolicy,
});

const auditMatch = z.strictObject({
  event: z.enum([
    "fallback_request",
    "fallback_attempt",
    "fallback_success",
    "fallback_failure",
    "fallback_model_skipped",
    "circuit_transition",
    "fallback_promoted",
    "fallback_exhausted",
  ]),
  model: modelId.optional(),
  reason: z.string().optional(),
  action: z.enum(["retry", "fallback", "compact", "fail"]).optional(),
  to: z.enum(["closed", "open", "half_open"]).optional(),
  count: bounds.optional(),
  tier,
  policy,
});

/** Aggregate expectations over the whole run. */
export const expectationsSchema = z.strictObject({
  requests: z.array(requestExpectationSchema).default([]),
  success_rate: z.strictObject({ min: z.number().min(0).max(1), tier }).optional(),
  audit: z
    .strictObject({ present: z.array(auditMatch).default([]), absent: z.array(auditMatch).default([]) })
    .optional(),
  /** The circuit state of a model at a time, as the audit's transitions tell it. */
  breaker: z
    .array(
      z.strictObject({
        model: modelId,
        at: durationSchema,
        state: z.enum(["closed", "open", "half_open"]),
        tier,
        policy,
      }),
    )
    .default([]),
  /** "No hammering": at most `max_attempts` provider calls to `model` within `within` of `from`. */
  no_hammer: z
    .array(
      z.strictObject({
        model: modelId,
        max_attempts: count,
        within: durationSchema,
        from: durationSchema.default(0),
        tier,
        policy,
      }),
    )
    .default([]),
  /** After the primary recovers at `recovered_at`, a request is served by it within `within`. */
  return_to_primary: z
    .strictObject({ model: modelId, recovered_at: durationSchema, within: durationSchema, tier, policy })
    .optional(),
  /** Provider calls to a model over the whole run. */
  calls: z.array(z.strictObject({ model: modelId, ...bounds.shape, tier, policy })).default([]),
  /** Decision parity rows (SPEC §9) this scenario gives evidence for. */
  parity: z
    .array(z.enum(["DECISION_037", "DECISION_100", "DECISION_118", "DECISION_121", "DECISION_126"]))
    .default([]),
});

/** A scenario file, version 1. Faults are the fleet's catalogue (harness/fleet/faults.ts), verbatim. */
export const scenarioSchema = z.strictObject({
  version: z.literal(1).default(1),
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "expected a kebab-case id such as s01-rate-limit-retry-after"),
  title: z.string().min(1),
  /** What production incident this scenario stands for. */
  description: z.string().min(1),
  tags: z.array(z.string()).default([]),
  seed: z.number().int().nonnegative().default(1),
  clock: z.enum(["virtual", "real"]).default("virtual"),
  transport: z.enum(["inproc", "loopback"]).default("inproc"),
  /** The opencode.json under test: inline, or a path relative to the scenario file. */
  config: z.union([z.record(z.string(), z.unknown()), z.string().min(1)]),
  /** Use a compaction hook (the engine compacts on context overflow). */
  compaction: z.boolean().default(false),
  /** `canonical` answers with one fixed text, so truncation and duplication are exact comparisons. */
  content: z.enum(["canonical", "faker"]).default("canonical"),
  traffic: z.array(trafficSchema).min(1),
  faults: z.array(FaultBindingSchema).default([]),
  expect: expectationsSchema.default({ requests: [], breaker: [], no_hammer: [], calls: [], parity: [] }),
});

/** A validated scenario. */
export type Scenario = z.output<typeof scenarioSchema>;

/** A request selector of an expectation. */
export type RequestExpectation = z.output<typeof requestExpectationSchema>;
/** Aggregate expectations. */
export type Expectations = z.output<typeof expectationsSchema>;
/** One traffic line. */
export type Traffic = z.output<typeof trafficSchema>;

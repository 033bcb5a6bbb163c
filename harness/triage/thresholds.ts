/**
 * The numbers behind every suggested action, in one place so the report can state them and a test can
 * reach the edge of each. Each is a judgement, written down with its reason.
 */
export const TRIAGE_THRESHOLDS = {
  reorder: {
    /** A model this failing… (half its attempts: it costs more attempts than it saves) */
    failingShare: 0.5,
    /** …over at least this many attempts (fewer is noise, one bad minute)… */
    failingMinAttempts: 5,
    /** …sitting before a model failing at most this share… */
    healthyShare: 0.2,
    /** …over at least this many attempts. */
    healthyMinAttempts: 3,
  },
  reduceCooldown: {
    /** An open spell at least this long that closed on its first probe: the provider was back before the probe. */
    minSpellMs: 5 * 60_000,
    /** And at least this share of the model's closed spells did so (otherwise the cooldown was earning its keep). */
    minShare: 0.5,
    /** The suggested cooldown is the current one divided by this… */
    divisor: 4,
    /** …but not below this (each probe costs one request an extra attempt). */
    floorMs: 30_000,
  },
  lengthenCooldown: {
    /** At least this many failed probes (open → half_open → open cycles)… */
    minReopens: 3,
    /** …making at least this share of the model's probes. */
    minFailedProbeShare: 0.75,
    /** The suggested cooldown is the current one times this. */
    factor: 2,
  },
  widenChain: {
    /** Requests that ended in error after every chain model was tried or skipped (or all_open). */
    minRequests: 1,
  },
  credentials: {
    /** auth / permission / model_not_found failures or `invalid` skips: none of these heals itself. */
    minFailures: 1,
  },
  retryAfter: {
    /** quota_exhausted failures whose Retry-After was above the cap. */
    minFailures: 1,
    /** Retry-After (p95) up to this is a wait worth taking: raise the cap; above it, it is a real quota. */
    worthWaitingMs: 10 * 60_000,
  },
  maxRetries: {
    /** Requests that ended in error on a retryable reason (rate limit, overload, network) once retries ran out. */
    minRequests: 1,
  },
  auditLog: {
    /** Any gap, derived field, synthesized line, reader problem, orphan or unfinished request. */
    minIssues: 1,
  },
} as const;

/** How many of the worst requests to keep per table. */
export const DEFAULT_TOP_K = 10;
/** Time buckets per chart at most. */
export const DEFAULT_BUCKET_CAP = 240;
/** Open requests held at most; older ones are evicted and counted (a log of crashed requests must not grow memory). */
export const DEFAULT_OPEN_REQUEST_CAP = 20_000;
/** Examples kept per finding. */
export const EXAMPLE_CAP = 5;
/** Reader problems carried into the findings in full (all are counted). */
export const PROBLEM_CAP = 50;

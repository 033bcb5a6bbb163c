import { Session } from "node:inspector/promises";

/** A V8 CPU profile as the inspector's `Profiler.stop` returns it (and as `.cpuprofile` files hold it). */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string };
    readonly children?: readonly number[];
  }[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  /** µs since the previous sample (the first: since `startTime`). */
  readonly timeDeltas: readonly number[];
}

/**
 * Where a request's time goes, by who owns the code: the reference engine's parts, the provider SDK and its
 * validation, the peer library, the mocked provider, Node's own streams and fetch, the garbage collector,
 * and waiting (the thread idle: a socket, a timer).
 */
export const COST_CATEGORIES = [
  "classification",
  "audit",
  "breakers",
  "engine walk",
  "caller port",
  "AI SDK",
  "peer library",
  "mocked provider",
  "Node streams, fetch",
  "GC",
  "other",
  "waiting",
] as const;
/** One of {@link COST_CATEGORIES}. */
export type CostCategory = (typeof COST_CATEGORIES)[number];

/** A number per category: shares of a profile, or µs of a request. */
export type CostBreakdown = Readonly<Record<CostCategory, number>>;

const PACKAGE = /node_modules\/((?:@[^/]+\/)?[^/]+)\//;

/** The category of one frame, from its script URL (and V8's names for frames without one). */
export function categoryOf(url: string, functionName: string): CostCategory {
  if (url === "") {
    if (functionName === "(idle)") return "waiting";
    if (functionName === "(garbage collector)") return "GC";
    return "other";
  }
  const pkg = PACKAGE.exec(url)?.[1];
  if (pkg !== undefined) {
    if (pkg === "ai" || pkg.startsWith("@ai-sdk/") || pkg === "zod" || pkg === "eventsource-parser")
      return "AI SDK";
    if (pkg === "ai-fallback" || pkg === "cockatiel" || pkg === "opossum") return "peer library";
    if (pkg === "msw" || pkg.startsWith("@mswjs/") || pkg === "@faker-js/faker") return "mocked provider";
    return "other";
  }
  if (url.startsWith("node:")) return "Node streams, fetch";
  if (url.includes("/src/classify/")) return "classification";
  if (url.includes("/src/audit/")) return "audit";
  if (url.includes("/src/breaker/")) return "breakers";
  if (url.includes("/src/node/")) return "caller port";
  if (url.includes("/src/")) return "engine walk";
  if (url.includes("/harness/fleet/")) return "mocked provider";
  return "other";
}

/**
 * Each category's share of `profile`'s time: every sample's time (its `timeDelta`) goes to the category of
 * the frame it landed in. The shares sum to 1 (0 everywhere for an empty profile). The profiler samples on
 * the wall clock, so on a busy machine a sample that waited for a core counts the wait, on whatever frame
 * was running: the shares stay fair, only a profile's absolute times would not.
 */
export function shares(profile: CpuProfile): CostBreakdown {
  const categoryOfNode = new Map<number, CostCategory>();
  for (const node of profile.nodes)
    categoryOfNode.set(node.id, categoryOf(node.callFrame.url, node.callFrame.functionName));
  const totals = Object.fromEntries(COST_CATEGORIES.map((c) => [c, 0])) as Record<CostCategory, number>;
  let sampled = 0;
  profile.samples.forEach((nodeId, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    totals[categoryOfNode.get(nodeId) ?? "other"] += delta;
    sampled += delta;
  });
  if (sampled > 0) for (const category of COST_CATEGORIES) totals[category] /= sampled;
  return totals;
}

/** `fractions` of a request that took `us`: each category's part of it, µs. */
export function spread(fractions: CostBreakdown, us: number): CostBreakdown {
  return Object.fromEntries(COST_CATEGORIES.map((c) => [c, fractions[c] * us])) as Record<
    CostCategory,
    number
  >;
}

/** Bounds of one profiled loop. */
export interface ProfileBudget {
  readonly requests: number;
  readonly maxMs: number;
  /** The sampling interval, µs. */
  readonly intervalUs: number;
}

/**
 * Runs `request` under V8's sampling profiler (the inspector, in this process) until `requests` ran or
 * `maxMs` passed, and returns the profile and how many requests it covers.
 */
export async function profileRequests(
  request: () => Promise<unknown>,
  budget: ProfileBudget,
): Promise<{ readonly profile: CpuProfile; readonly requests: number }> {
  const session = new Session();
  session.connect();
  try {
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: budget.intervalUs });
    await session.post("Profiler.start");
    let requests = 0;
    let failure: { readonly error: unknown } | undefined;
    const started = performance.now();
    try {
      while (requests < budget.requests && performance.now() - started < budget.maxMs) {
        await request();
        requests++;
      }
    } catch (error) {
      failure = { error };
    }
    const stopped = await session.post("Profiler.stop");
    await session.post("Profiler.disable");
    if (failure !== undefined) throw failure.error;
    if (requests === 0) throw new Error("Failed to profile: no request ran within the budget. Raise maxMs.");
    return { profile: stopped.profile as CpuProfile, requests };
  } finally {
    session.disconnect();
  }
}

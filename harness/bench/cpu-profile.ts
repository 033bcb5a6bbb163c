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
 * Where a request's time goes, by who owns the code that spent it: the reference engine's parts, the
 * provider SDK and its validation, the peer library, the mocked provider; then what no owned code called
 * (Node's event loop and stream plumbing, V8 itself), the garbage collector, and waiting (the thread idle: a
 * socket, a timer).
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
  "Node internals",
  "GC",
  "other",
  "waiting",
] as const;
/** One of {@link COST_CATEGORIES}. */
export type CostCategory = (typeof COST_CATEGORIES)[number];

/** A number per category: shares of a profile, or µs of a request. */
export type CostBreakdown = Readonly<Record<CostCategory, number>>;

/**
 * A frame's kind: an owner's code, code that serves whoever called it, the profile's root, or the profiler's
 * own work.
 */
export type FrameKind = CostCategory | "unowned" | "root" | "profiler";

const PACKAGE = /node_modules\/((?:@[^/]+\/)?[^/]+)\//;

/**
 * The kind of one frame, from its script URL (and V8's names for frames without one). Node's own modules
 * and V8's builtins (`JSON.parse`, a promise reaction) are `unowned`: their time is charged to whoever called
 * them. The inspector's frames are the profiler stopping, not a request.
 */
export function frameKind(url: string, functionName: string): FrameKind {
  if (url === "") {
    if (functionName === "(idle)") return "waiting";
    if (functionName === "(garbage collector)") return "GC";
    if (functionName === "(root)") return "root";
    if (functionName === "(program)") return "other";
    return "unowned";
  }
  if (url === "node:inspector" || url.startsWith("node:inspector/")) return "profiler";
  if (url.startsWith("node:")) return "unowned";
  const pkg = PACKAGE.exec(url)?.[1];
  if (pkg !== undefined) {
    if (pkg === "ai" || pkg.startsWith("@ai-sdk/") || pkg === "zod" || pkg === "eventsource-parser")
      return "AI SDK";
    if (pkg === "ai-fallback" || pkg === "cockatiel" || pkg === "opossum") return "peer library";
    if (pkg === "msw" || pkg.startsWith("@mswjs/") || pkg === "@faker-js/faker") return "mocked provider";
    return "other";
  }
  if (url.includes("/src/classify/")) return "classification";
  if (url.includes("/src/audit/")) return "audit";
  if (url.includes("/src/breaker/")) return "breakers";
  if (url.includes("/src/node/")) return "caller port";
  if (url.includes("/src/")) return "engine walk";
  if (url.includes("/harness/fleet/")) return "mocked provider";
  return "other";
}

/**
 * Each category's share of `profile`'s time. A sample's time (its `timeDelta`) goes to the owner of the
 * frame it landed in or, for an unowned frame, of the nearest owned frame that called it: a timer armed by
 * the engine, an abort signal the SDK listens on, a `JSON.parse` of the fleet's are theirs. What no owned
 * frame called is `Node internals`. Samples taken while the profiler stopped are left out. The shares sum to
 * 1 (0 everywhere for an empty profile). The profiler samples on the wall clock, so on a busy machine a
 * sample that waited for a core counts the wait, on whatever frame was running: the shares stay fair, only a
 * profile's absolute times would not.
 */
export function shares(profile: CpuProfile): CostBreakdown {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const resolved = new Map<number, CostCategory | "profiler">();
  const categoryOfNode = (id: number): CostCategory | "profiler" => {
    const known = resolved.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    const kind = node === undefined ? "other" : frameKind(node.callFrame.url, node.callFrame.functionName);
    const parent = parentOf.get(id);
    const above = parent === undefined ? "Node internals" : categoryOfNode(parent);
    let category: CostCategory | "profiler";
    // Under the root, unowned frames are Node's own loop and plumbing; under an owned frame, its owner's.
    if (kind === "root") category = "Node internals";
    else if (kind === "profiler" || above === "profiler") category = "profiler";
    else if (kind === "unowned") category = above;
    else category = kind;
    resolved.set(id, category);
    return category;
  };
  const totals = Object.fromEntries(COST_CATEGORIES.map((c) => [c, 0])) as Record<CostCategory, number>;
  let sampled = 0;
  profile.samples.forEach((nodeId, i) => {
    const category = categoryOfNode(nodeId);
    if (category === "profiler") return;
    const delta = profile.timeDeltas[i] ?? 0;
    totals[category] += delta;
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

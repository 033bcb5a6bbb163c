import type { Traffic } from "../scenario/schema.ts";

/** One request the runner will send, at a time relative to the scenario's start. */
export interface PlannedRequest {
  /** 0-based, in send order. */
  readonly index: number;
  /** Which traffic line it came from. */
  readonly line: number;
  readonly label: string | undefined;
  readonly sendAt: number;
  readonly traffic: Traffic;
}

/**
 * Expands traffic lines into individual requests sorted by send time (ties keep file order), so the same
 * file always gives the same plan.
 */
export function planTraffic(traffic: readonly Traffic[]): PlannedRequest[] {
  const unordered = traffic.flatMap((t, line) =>
    Array.from({ length: t.count }, (_, i) => ({
      line,
      label: t.label,
      sendAt: t.at + i * t.every,
      traffic: t,
      order: i,
    })),
  );
  unordered.sort((a, b) => a.sendAt - b.sendAt || a.line - b.line || a.order - b.order);
  return unordered.map(({ line, label, sendAt, traffic: t }, index) => ({
    index,
    line,
    label,
    sendAt,
    traffic: t,
  }));
}

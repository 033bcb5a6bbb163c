import type { Random } from "../../src/index.ts";
import type { BodyStep } from "./body-stream.ts";

// A reply's body while it is planned: frames, the pauses between them and how it ends, then the steps
// `bodyStream` plays. plan.ts decides what the body says; this module only shapes how it is handed over.

/** How a body ends: cleanly, with the connection dying, or never. */
export type Terminal = "end" | "cut" | "hang";

/** A body as frames plus pauses inserted before frame i (i = frames.length: before the terminal step). */
export interface Body {
  readonly frames: string[];
  readonly pauses: Map<number, BodyStep[]>;
  /** Index of the first text frame (where slow_ttft and a stall before the first token strike). */
  readonly firstToken: number;
  /** Index of token frame n, for stalls after n tokens. */
  readonly tokenAt: (n: number) => number;
  terminal: Terminal;
}

export function bodyOf(
  frames: string[],
  firstToken: number,
  tokenAt: (n: number) => number,
  terminal: Terminal,
): Body {
  return { frames, pauses: new Map(), firstToken, tokenAt, terminal };
}

export function addPause(body: Body, at: number, step: BodyStep): void {
  const list = body.pauses.get(at) ?? [];
  list.push(step);
  body.pauses.set(at, list);
}

/** Cuts a one-frame JSON body into `pieces` frames so a dribble has gaps to put its pauses in. */
export function spreadBody(body: Body, pieces: number): void {
  const text = body.frames.join("");
  const size = Math.max(1, Math.ceil(text.length / pieces));
  body.frames.length = 0;
  for (let i = 0; i < text.length; i += size) body.frames.push(text.slice(i, i + size));
}

/**
 * The body as steps. With `coalesce`, frames with no pause between them go out as one chunk: the provider
 * wrote them at one instant, and a socket hands a reader what has arrived as one read (the `split_frames`
 * shaper is what segments a stream). Bodies that end in a cut or a hang, and bodies with a malformed frame,
 * keep one chunk per frame: there the client is meant to meet the good frames before the failure (a cut
 * after a coalesced run errors the stream before the client has read its text) and gives up part-way, so
 * how much it was handed depends on where the chunks end.
 */
export function toSteps(body: Body, dribbleMs: number, coalesce: boolean): BodyStep[] {
  const steps: BodyStep[] = [];
  let run = "";
  const flush = (): void => {
    if (run !== "") steps.push({ type: "chunk", data: run });
    run = "";
  };
  body.frames.forEach((data: string, i) => {
    const pauses = body.pauses.get(i);
    const dribble = i > 0 && dribbleMs > 0;
    if (!coalesce || pauses !== undefined || dribble) flush();
    if (pauses !== undefined) steps.push(...pauses);
    if (dribble) steps.push({ type: "sleep", ms: dribbleMs });
    run += data;
  });
  flush();
  steps.push(...(body.pauses.get(body.frames.length) ?? []));
  steps.push({ type: body.terminal });
  return steps;
}

/**
 * Re-cuts every run of adjacent chunks at seeded random byte boundaries (pieces of 1..max bytes), the way
 * TCP segments an SSE stream. Cuts are made on UTF-8 bytes, so a multi-byte character can be split too.
 */
export function resplit(steps: readonly BodyStep[], max: number, random: Random): BodyStep[] {
  const out: BodyStep[] = [];
  let run: Buffer[] = [];
  const flush = (): void => {
    if (run.length === 0) return;
    const bytes = Buffer.concat(run);
    run = [];
    for (let at = 0; at < bytes.length;) {
      const size = 1 + Math.floor(random.next() * max);
      out.push({ type: "chunk", data: new Uint8Array(bytes.subarray(at, at + size)) });
      at += size;
    }
  };
  for (const step of steps) {
    if (step.type === "chunk")
      run.push(typeof step.data === "string" ? Buffer.from(step.data, "utf8") : Buffer.from(step.data));
    else {
      flush();
      out.push(step);
    }
  }
  flush();
  return out;
}

import { readFile, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { z } from "zod";
import { parseJsonFile } from "./parse-json-file.ts";
import type { ScenarioOutcome } from "../runner/run-suite.ts";
import type { Shard } from "../runner/shard.ts";
import type { ReportInputs } from "./assemble-report.ts";
import { scrubText } from "./scrub.ts";

/**
 * A sharded run's outcomes, stored in its report folder for `merge-reports`.
 *
 * The merged report is rebuilt from outcomes, not pasted together from report.json files: the parity matrix,
 * the totals and the HTML timelines are computed from what each scenario observed (checker counts, first
 * violations, fleet calls, audit lines), much of which report.json summarises away. Storing the outcomes
 * and rebuilding with the run's own functions is what makes the merged report identical to an unsharded one.
 */
export const SHARD_FILE = "shard-outcomes.json";

const FORMAT = "fallback-harness-shard";

/** What a shard file holds besides its outcomes. */
export interface ShardHeader {
  readonly shard: Shard;
  /** Ids of the whole suite's selection in run order: every shard of one suite holds the same list. */
  readonly selection: readonly string[];
  /** What the report is built from (engine, seed, corpus evidence, and the property section in shard 1). */
  readonly inputs: ReportInputs;
  /**
   * The run's options that change results (seed, transport, tags, tier, clock…), as given: shards that
   * differ in any of them cannot be merged. Folders, job counts and the shard itself are left out.
   */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Scenarios of this shard that were skipped (`--clock real` past its budget): accounted for, not run. */
  readonly skipped?: readonly { readonly id: string; readonly reason: string }[];
}

/** A parsed shard file. */
export interface ShardFile extends ShardHeader {
  readonly outcomes: readonly ScenarioOutcome[];
}

// JSON has no undefined, NaN, ±Infinity, Map, Set or Date; outcomes may hold any of them (a judge config of
// `Infinity` ms, an optional field set to undefined). Tagged objects keep them; a plain object that itself
// has a "$" key is wrapped so it cannot be taken for a tag.
type Tagged =
  | { $: "undefined" }
  | { $: "number"; v: string }
  | { $: "map"; v: [unknown, unknown][] }
  | { $: "set"; v: unknown[] }
  | { $: "date"; v: string }
  | { $: "object"; v: Record<string, unknown> };

function isPlain(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** `value` as JSON-safe data, every string scrubbed: a shard file is a CI artifact like the report. */
function encode(value: unknown, path: string): unknown {
  if (typeof value === "string") return scrubText(value);
  if (typeof value === "number")
    return Number.isFinite(value) ? value : ({ $: "number", v: String(value) } satisfies Tagged);
  if (value === null || typeof value === "boolean") return value;
  if (value === undefined) return { $: "undefined" } satisfies Tagged;
  if (Array.isArray(value)) return value.map((item: unknown, i) => encode(item, `${path}[${i}]`));
  if (value instanceof Map)
    return {
      $: "map",
      v: [...(value as Map<unknown, unknown>)].map(([k, v], i) => [
        encode(k, `${path}.key${i}`),
        encode(v, `${path}.value${i}`),
      ]),
    } satisfies Tagged;
  if (value instanceof Set)
    return {
      $: "set",
      v: [...(value as Set<unknown>)].map((v, i) => encode(v, `${path}[${i}]`)),
    } satisfies Tagged;
  if (value instanceof Date) return { $: "date", v: value.toISOString() } satisfies Tagged;
  if (typeof value === "object" && isPlain(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = encode(item, `${path}.${key}`);
    return "$" in value ? ({ $: "object", v: out } satisfies Tagged) : out;
  }
  // Outcomes are data that crossed a worker boundary; anything else is a harness bug, said where it is.
  throw new Error(`cannot store ${path} in a shard file: ${Object.prototype.toString.call(value)}`);
}

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  if (!("$" in record)) return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, decode(v)]));
  const tagged = record as Tagged;
  switch (tagged.$) {
    case "undefined":
      return undefined;
    case "number":
      return Number(tagged.v);
    case "map":
      return new Map(tagged.v.map(([k, v]) => [decode(k), decode(v)]));
    case "set":
      return new Set(tagged.v.map(decode));
    case "date":
      return new Date(tagged.v);
    case "object":
      return Object.fromEntries(Object.entries(tagged.v).map(([k, v]) => [k, decode(v)]));
    default: {
      const unknownTag: never = tagged;
      throw new Error(`unknown tag in shard file: ${JSON.stringify(unknownTag)}`);
    }
  }
}

/** Writes `dir/shard-outcomes.json`; scenario files are stored relative to `cwd` so runners may differ. */
export async function writeShardFile(
  dir: string,
  cwd: string,
  header: ShardHeader,
  outcomes: readonly ScenarioOutcome[],
): Promise<void> {
  const body = {
    format: FORMAT,
    version: 1,
    ...header,
    outcomes: outcomes.map((o) => ({ ...o, file: relative(cwd, o.file) })),
  };
  await writeFile(join(dir, SHARD_FILE), `${JSON.stringify(encode(body, "shard"))}\n`);
}

const HeaderSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  shard: z.object({ index: z.number().int().min(1), count: z.number().int().min(1) }),
  selection: z.array(z.string()),
  inputs: z.looseObject({ engine: z.string(), parityExtra: z.looseObject({}) }),
  settings: z.record(z.string(), z.unknown()),
  skipped: z.array(z.object({ id: z.string(), reason: z.string() })).optional(),
  outcomes: z.array(
    z.looseObject({ file: z.string(), scenario: z.looseObject({ id: z.string() }), run: z.looseObject({}) }),
  ),
});

/** Reads a shard file; scenario files are resolved against `cwd`. A message for `merge-reports` otherwise. */
export async function readShardFile(
  dir: string,
  cwd: string,
): Promise<{ ok: true; file: ShardFile } | { ok: false; message: string }> {
  const path = join(dir, SHARD_FILE);
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), "utf8");
  } catch {
    return {
      ok: false,
      message: `${dir}: no ${SHARD_FILE} here — not the report folder of a sharded run (run --shard i/n writes it)`,
    };
  }
  const parsed = parseJsonFile(path, text, HeaderSchema, "a shard file", decode);
  if (!parsed.ok) return parsed;
  const { raw } = parsed;
  // The schema checked the frame; the outcomes inside are this program's own data, written above.
  const {
    format: _format,
    version: _version,
    ...rest
  } = raw as ShardFile & { format: string; version: number };
  return {
    ok: true,
    file: { ...rest, outcomes: rest.outcomes.map((o) => ({ ...o, file: resolve(cwd, o.file) })) },
  };
}

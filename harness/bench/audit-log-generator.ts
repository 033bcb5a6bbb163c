import {
  createEngine,
  ManualClock,
  MemoryAuditSink,
  parseConfig,
  createRandom,
  type EngineConfig,
  type ModelCaller,
  type ModelCallPart,
} from "../../src/index.ts";
import { FALLBACK, PRIMARY, PROMPT, serverError, STUB_TEXT } from "./chain-calls.ts";

/** One request's lines as the engine wrote them, parsed, with their time offsets from the first line. */
interface Template {
  readonly rows: readonly Record<string, unknown>[];
  readonly offsetsMs: readonly number[];
}

/** The config the generated log was written under: breakers off, so template requests are independent. */
export function generatorConfig(): EngineConfig {
  const parsed = parseConfig({
    model: PRIMARY,
    fallback: {
      chains: { default: [PRIMARY, FALLBACK] },
      max_retries: 0,
      promote_on_success: false,
      circuit_breaker: { enabled: false },
    },
  });
  if (!parsed.ok)
    throw new Error(
      `Failed to build the generator config: ${parsed.problems.map((p) => p.message).join("; ")}. Fix generatorConfig.`,
    );
  return parsed.config;
}

/** A caller that fails the primary with a 500 when told to; each call takes 3 ms of the manual clock. */
function templateCaller(clock: ManualClock, failPrimary: () => boolean): ModelCaller {
  return {
    async *call(request): AsyncGenerator<ModelCallPart> {
      await Promise.resolve();
      clock.advance(3);
      if (request.model === PRIMARY && failPrimary()) throw serverError(request.model);
      yield { type: "text", text: STUB_TEXT };
      yield { type: "finish", finishReason: "stop" };
    },
  };
}

/**
 * Records what the reference engine writes for a served request and for a failover (its own writer, so the
 * lines are exactly the engine's format), to be replayed at speed by {@link generateAuditLines}.
 */
export async function recordTemplates(): Promise<readonly Template[]> {
  const clock = new ManualClock();
  let fail = false;
  const sink = new MemoryAuditSink();
  const engine = createEngine(generatorConfig(), {
    clock,
    random: createRandom(1),
    caller: templateCaller(clock, () => fail),
    audit: sink,
  });
  const templates: Template[] = [];
  for (const failPrimary of [false, true]) {
    fail = failPrimary;
    sink.lines.length = 0;
    await engine.run({ agent: "build", prompt: PROMPT, stream: false });
    const rows: Record<string, unknown>[] = sink.events().map((e) => ({ ...e }));
    const first = Date.parse(String(rows[0]?.ts));
    templates.push({ rows, offsetsMs: rows.map((r) => Date.parse(String(r.ts)) - first) });
  }
  return templates;
}

/**
 * Yields `count` valid audit lines (whole requests, so the log may run a few lines over `count`) in chunks:
 * the recorded templates with fresh request ids, a gap-free `seq`, and `ts` moving forward 10 ms per
 * request. Each line is produced the way the writer produces it (`JSON.stringify` of an ordered object).
 */
export function* generateAuditLines(
  templates: readonly Template[],
  count: number,
  chunkLines = 10_000,
): Generator<string[]> {
  const start = Date.UTC(2026, 0, 1);
  let seq = 0;
  let chunk: string[] = [];
  for (let request = 0; seq < count; request++) {
    // One request in three fails over: a mix of short and long requests, like a bad day.
    const template = templates[request % 3 === 2 ? 1 : 0] as Template;
    const id = `req-${String(request + 1).padStart(7, "0")}`;
    template.rows.forEach((row, i) => {
      row.seq = ++seq;
      row.ts = new Date(start + request * 10 + (template.offsetsMs[i] ?? 0)).toISOString();
      row.request_id = id;
      chunk.push(`${JSON.stringify(row)}\n`);
    });
    if (chunk.length >= chunkLines) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

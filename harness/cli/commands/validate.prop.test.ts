import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { propertySeeds, runsFor } from "../../properties/seeds.ts";
import { recordingIo } from "../cli-test-io.ts";
import { main } from "../main.ts";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "fh-validate-prop-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** JSON that reaches the keys the engine owns, not only the root. */
const junk = fc.oneof(
  fc.jsonValue(),
  fc.record(
    {
      model: fc.jsonValue(),
      agent: fc.oneof(
        fc.jsonValue(),
        fc.dictionary(
          fc.string(),
          fc.record(
            { model: fc.jsonValue(), models: fc.jsonValue(), fallback: fc.jsonValue() },
            { requiredKeys: [] },
          ),
        ),
      ),
      fallback: fc.oneof(
        fc.jsonValue(),
        fc.record(
          {
            chains: fc.jsonValue(),
            circuit_breaker: fc.jsonValue(),
            backoff: fc.jsonValue(),
            max_retry: fc.jsonValue(),
            actions: fc.jsonValue(),
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: [] },
  ),
);

/** Text that is JSON, JSONC with comments and trailing commas, or not JSON at all. */
const fileText = fc.oneof(
  junk.map((value) => JSON.stringify(value, null, 2)),
  junk.map((value) => `// opencode.jsonc\n${JSON.stringify(value)}`.replace(/}$/, ",}")),
  fc.string({ maxLength: 200 }),
);

const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

describe.each(propertySeeds())("fallback-harness validate on arbitrary files ($label)", ({ seed }) => {
  it("exits 0 or 2 on any file, never with a stack trace, and reports with the file's name on exit 2", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fileText, async (text) => {
        const file = join(dir, `config-${seed}-${n++}.jsonc`);
        await writeFile(file, text);
        const io = recordingIo({}, dir);
        const code = await main(["validate", file], io);
        expect([0, 2]).toContain(code);
        expect(io.err()).not.toMatch(STACK_FRAME);
        expect(io.out()).not.toMatch(STACK_FRAME);
        if (code === 2) expect(io.err()).toContain(file);
        else expect(() => JSON.parse(io.out()) as unknown).not.toThrow();
      }),
      { seed, numRuns: runsFor(150) },
    );
  });
});

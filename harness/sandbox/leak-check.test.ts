import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { beforeAll, describe, expect, it } from "vitest";

// The check runs in a worker thread (the isolate is one), where a worker's output is what holds its port to
// the parent: so each case runs in a real worker, on the module compiled as it is for the isolate.
let moduleUrl = "";
beforeAll(async () => {
  const esbuild = await import("esbuild");
  const { outputFiles } = await esbuild.build({
    entryPoints: [fileURLToPath(new URL("./leak-check.ts", import.meta.url))],
    bundle: true,
    format: "esm",
    platform: "node",
    write: false,
  });
  const file = join(mkdtempSync(join(tmpdir(), "fh-leak-check-")), "leak-check.mjs");
  writeFileSync(file, outputFiles[0]?.text ?? "");
  moduleUrl = pathToFileURL(file).href;
});

interface Verdicts {
  /** What the list shows right after the case's last act. */
  readonly atOnce: string | null;
  /** What {@link leftRunning} calls left running. */
  readonly settled: string | null;
}

/** Runs `act` in a fresh worker between the check's "before" and its verdicts; `settleMs` bounds the wait. */
async function inWorker(act: string, settleMs: number): Promise<Verdicts> {
  const worker = new Worker(
    `const { parentPort } = require("node:worker_threads");
     import(${JSON.stringify(moduleUrl)}).then(async ({ activeResources, resourcesAdded, leftRunning }) => {
       const before = activeResources();
       ${act}
       const atOnce = resourcesAdded(before);
       const settled = await leftRunning(before, ${settleMs});
       parentPort.postMessage({ atOnce, settled });
     });`,
    { eval: true, stdout: true, stderr: true },
  );
  let printed = "";
  worker.stdout.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  const verdicts = await new Promise<Verdicts>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  // The leaking cases leave the thread running: it ends here.
  await worker.terminate();
  if (act.includes("console.log")) expect(printed).toContain("closing the pool");
  return verdicts;
}

describe("leftRunning (the leak check after close)", () => {
  it("does not call a leak the port held by output the parent has not read yet", async () => {
    const { atOnce, settled } = await inWorker(`console.log("closing the pool");`, 5_000);
    expect(atOnce).toBe("1 MessagePort");
    expect(settled).toBeNull();
  });

  it("does not call a leak a file operation still in flight", async () => {
    const { atOnce, settled } = await inWorker(`require("node:fs").stat(process.execPath, () => {});`, 5_000);
    expect(atOnce).toBe("1 FSReqCallback");
    expect(settled).toBeNull();
  });

  it("calls a leak what is still running once the wait is over", async () => {
    const { atOnce, settled } = await inWorker(`setInterval(() => {}, 60_000);`, 100);
    expect(atOnce).toBe("1 Timeout");
    expect(settled).toBe("1 Timeout");
  });

  it("names every kind left, each with its count", async () => {
    const { settled } = await inWorker(
      `setInterval(() => {}, 60_000); setInterval(() => {}, 60_000);
       require("node:net").createServer().listen(0, "127.0.0.1");`,
      100,
    );
    expect(settled?.split(", ").sort()).toEqual(["1 TCPServerWrap", "2 Timeout"]);
  });
});

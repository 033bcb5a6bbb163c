/* global process */
// Preloaded (`node --import`) into a process the library bench times: as the process exits, writes its CPU
// time, every thread's (getrusage of the process), to the file FH_BENCH_CPU_FILE names. Plain JavaScript so
// it loads before any TypeScript loader.
import { writeFileSync } from "node:fs";

const file = process.env["FH_BENCH_CPU_FILE"];
if (file)
  process.on("exit", () => {
    const { user, system } = process.cpuUsage();
    writeFileSync(file, JSON.stringify({ userUs: user, systemUs: system }));
  });

import { ensureOpencode, opencodeDir } from "./install-opencode.ts";

// `tsx harness/engines/opencode/install-cli.ts`: installs the pinned OpenCode ahead of a run (before entering
// a loopback-only network namespace, where the registry is out of reach).
const installed = await ensureOpencode(opencodeDir(), (line) => process.stderr.write(`${line}\n`));
if (!installed.ok) {
  process.stderr.write(`${installed.message}\n`);
  process.exitCode = 2;
}

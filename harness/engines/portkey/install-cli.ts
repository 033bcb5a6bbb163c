import { ensurePortkey, portkeyDir } from "./install-portkey.ts";

// `tsx harness/engines/portkey/install-cli.ts`: installs the pinned Portkey gateway ahead of a run (CI does
// this before entering a loopback-only network namespace, where the registry is out of reach).
const dir = portkeyDir();
const installed = await ensurePortkey(dir, (line) => process.stderr.write(`${line}\n`));
if (!installed.ok) {
  process.stderr.write(`${installed.message}\n`);
  process.exitCode = 2;
} else {
  process.stderr.write(`Portkey gateway ready: ${installed.server}\n`);
}

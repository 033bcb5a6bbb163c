import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  resolveChain,
  type EngineConfig,
  type EngineUnderTest,
  type EngineUnderTestResult,
  type ModelId,
} from "../../../src/index.ts";
import { loopbackOnlyNetwork } from "../process/engine-process.ts";
import { requestChain } from "../process/request-chain.ts";
import { OPENCODE_VERSION } from "../opencode/install-opencode.ts";
import { splitModelId } from "../opencode/opencode-config.ts";
import { startOpencodeServe } from "../opencode/opencode-launch.ts";
import { OpencodeError, opencodeError } from "../opencode/opencode-reply.ts";
import { promptBody } from "../opencode/serve-client.ts";
import { configSeedExtras } from "./config-seed.ts";
import { configSeedDir, OMO_VERSION, omoDir, omoPackage, omoPluginUrl } from "./install-omo.ts";
import { agentSlot, OMO_CANNOT_EXPRESS, omoDocument, omoJsonc, type SlotChain } from "./omo-config.ts";
import { fallbackVerdict, recoveryMayFollow } from "./omo-fallback-log.ts";
import { isBusy, sessionState, type SessionState } from "./omo-session.ts";

/** How often the session's messages are read while a request is in flight. */
const POLL_MS = 250;

/**
 * How long a stopped message must stay the last one (and the session idle) before the request counts as
 * failed, by what runtime_fallback has logged about it (`omo-fallback-log.ts`): nothing, when it decided not
 * to fall back (the outcome is known: the request ends at once) and no other hook acts on the error (a
 * context overflow is summarized: `recoveryMayFollow`); `SETTLE_MS` otherwise, and while it is deciding or has
 * prepared a fallback (it re-sends the prompt on the next model some seconds later: 6–7 s from "Preparing
 * fallback" to "promptAsync dispatched" measured on a busy 2-core machine); `SILENT_SETTLE_MS` when it
 * logged nothing about an error (an aborted message, or its log not flushed yet: it flushes every 500 ms).
 */
const SETTLE_MS = 15_000;
const SILENT_SETTLE_MS = 5_000;

/** The chain each OpenCode agent starts a session with: `build` for the default, then the config's agents. */
export function slotChains(config: EngineConfig): SlotChain[] {
  const chains: SlotChain[] = [];
  for (const agent of ["build", ...Object.keys(config.agent)]) {
    const resolved = resolveChain(config, { agent });
    if (!("error" in resolved)) chains.push({ slot: agentSlot(agent), chain: resolved.chain });
  }
  return chains;
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  const body = await response.text();
  if (!response.ok)
    throw new OpencodeError(
      `OpenCode answered ${response.status} to ${url}: ${body.slice(0, 300)}`,
      "Http",
      null,
    );
  return JSON.parse(body) as unknown;
}

/** runtime_fallback's log (`$TMPDIR/oh-my-opencode.log`), or "" before it wrote one. */
function readFallbackLog(root: string): string {
  const file = join(root, "tmp", "oh-my-opencode.log");
  return existsSync(file) ? readFileSync(file, "utf8") : "";
}

/** runtime_fallback's log lines about one session: the evidence. */
function fallbackLog(root: string, sessionID: string): string {
  const lines = readFallbackLog(root)
    .split("\n")
    .filter((line) => line.includes("[runtime-fallback]") && line.includes(sessionID))
    .map((line) => line.replace(/\{"sessionID":"[^"]*",?/, "{").slice(0, 200));
  return lines.length === 0
    ? "; runtime_fallback logged nothing for it"
    : `; runtime_fallback: ${lines.slice(-4).join(" | ")}`;
}

/**
 * `--engine opencode+omo` (SPEC §10.4): OpenCode (`opencode-ai`, pinned) with the oh-my-opencode plugin
 * (pinned, loaded by `file://`), its `runtime_fallback` holding the scenario's chain (`omo-config.ts`),
 * driven through `opencode serve` (H1's `opencode-launch.ts`) with the config dir pre-seeded with the plugin
 * SDK (`config-seed.ts`). Each request is a new session with a title (no title request), one `prompt_async`
 * as the OpenCode agent named after the request's agent (`build` by default), then its messages are read
 * until the last one is an answer, or has failed and runtime_fallback logged that it will not fall back, or
 * nothing followed for the settle time. Deltas: OpenCode streams internally, and a fallback adds a second
 * message, so a streamed request gets the answer as one delta when it is known (never the aborted attempt's
 * text).
 */
const omoEngine: EngineUnderTest = {
  name: `opencode ${OPENCODE_VERSION} + oh-my-opencode ${OMO_VERSION}${loopbackOnlyNetwork() ? " (loopback-only netns)" : ""}`,
  cannotExpress: OMO_CANNOT_EXPRESS,
  async create(ctx) {
    const dir = omoDir();
    if (!existsSync(join(omoPackage(dir), "dist", "index.js")))
      throw new Error(
        `oh-my-opencode is not installed in ${dir}: run with --engine opencode+omo (it installs it), or set FH_OMO_DIR`,
      );
    const document = omoDocument(slotChains(ctx.config), ctx.config.fallback);
    const serve = await startOpencodeServe(ctx, {
      plugins: [omoPluginUrl(dir)],
      projectFiles: { ".omo/omo.jsonc": omoJsonc(document) },
      ...configSeedExtras(configSeedDir(dir)),
      // Its telemetry off (the config says so too); the rest of the environment is H1's, from scratch.
      env: { OMO_DISABLE_POSTHOG: "1" },
    });
    const limitMs = ctx.config.fallback.deadline_ms + 2 * SETTLE_MS;
    let requests = 0;

    async function outcome(sessionID: string, signal: AbortSignal | undefined): Promise<SessionState> {
      const until = Date.now() + limitMs;
      let stopped: { id: string; since: number } | null = null;
      for (;;) {
        signal?.throwIfAborted();
        if (Date.now() > until)
          throw new OpencodeError(
            `OpenCode + oh-my-opencode gave no outcome within ${limitMs} ms${fallbackLog(serve.workspace.root, sessionID)}`,
            "Timeout",
            null,
          );
        const state = sessionState(await getJson(`${serve.baseURL}/session/${sessionID}/message`));
        // A turn is over only once OpenCode no longer lists the session as busy: a message that looks
        // finished while the session still runs is a step of a turn that goes on.
        const busy =
          state.kind !== "pending" && isBusy(await getJson(`${serve.baseURL}/session/status`), sessionID);
        if (state.kind === "answered" && !busy) return state;
        if (state.kind === "stopped") {
          if (busy || stopped?.id !== state.messageID) stopped = { id: state.messageID, since: Date.now() };
          if (!busy) {
            const verdict = fallbackVerdict(readFallbackLog(serve.workspace.root), sessionID, state.created);
            if (verdict === "no-fallback" && !recoveryMayFollow(state.error)) return state;
            const settle = verdict === "silent" ? SILENT_SETTLE_MS : SETTLE_MS;
            if (Date.now() - stopped.since >= settle) return state;
          }
        } else stopped = null;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    }

    return {
      async run(request): Promise<EngineUnderTestResult> {
        const { primary } = requestChain(ctx.config, request);
        const sessionID = await serve.client.createSession(`fallback-harness request ${++requests}`);
        const onAbort = (): void => void serve.client.abort(sessionID).catch(() => undefined);
        request.signal?.addEventListener("abort", onAbort, { once: true });
        try {
          const body = {
            ...promptBody(request.prompt, splitModelId(primary)),
            agent: agentSlot(request.agent),
          };
          const sent = await fetch(`${serve.baseURL}/session/${sessionID}/prompt_async`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(body),
          });
          await sent.body?.cancel();
          if (!sent.ok)
            throw new OpencodeError(`OpenCode refused the prompt (${sent.status})`, "Http", sent.status);
          const state = await outcome(sessionID, request.signal);
          if (state.kind === "answered") {
            const { result } = state;
            if (request.stream && result.text !== "")
              request.onDelta?.({ type: "text", text: result.text, model: result.model as ModelId });
            return result;
          }
          if (state.kind === "pending")
            throw new OpencodeError("OpenCode's session never settled", "Pending", null);
          const base =
            state.error === undefined
              ? new OpencodeError(
                  `OpenCode + oh-my-opencode ended the request without an answer: the last attempt (${state.model}) was aborted and nothing followed`,
                  "Aborted",
                  null,
                )
              : opencodeError(state.error);
          throw new OpencodeError(
            `${base.message} (after ${state.attempts} assistant message(s))${fallbackLog(serve.workspace.root, sessionID)}`,
            base.opencodeName,
            base.statusCode,
          );
        } finally {
          request.signal?.removeEventListener("abort", onAbort);
        }
      },
      close: () => serve.stop(),
    };
  },
};

export default omoEngine;

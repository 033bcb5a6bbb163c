import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import {
  MemoryAuditSink,
  referenceEngine,
  systemClock,
  type EngineConfig,
  type EngineUnderTestInstance,
} from "../../../src/index.ts";
import { FLEET_API_KEYS, FLEET_PROVIDERS } from "../../fleet/index.ts";
import { PROVIDER_PROFILES } from "../../fleet/providers/catalog.ts";

/** A running test gateway: its OpenAI base URL and how to stop it. */
export interface ReferenceGateway {
  readonly baseURL: string;
  /** Requests it answered (for the test's own sanity checks). */
  readonly served: () => number;
  close(): Promise<void>;
}

/**
 * A tiny OpenAI-compatible gateway for tests: the REFERENCE engine behind `POST /v1/chat/completions`, its
 * chain from `config`, its upstreams the fleet's fixed URLs on `fleetPort` (as a user's gateway would be
 * configured). It lets `gateway:URL` be tested without installing a real gateway. The body's `model` (a
 * `provider/model` id) picks the request's primary; the answer's `model` is the id that served it.
 */
export async function startReferenceGateway(
  config: EngineConfig,
  fleetPort: number,
): Promise<ReferenceGateway> {
  const endpoints = Object.fromEntries(
    FLEET_PROVIDERS.map((p) => [
      p,
      {
        baseURL: `http://127.0.0.1:${fleetPort}/${p}${PROVIDER_PROFILES[p].basePath}`,
        apiKey: FLEET_API_KEYS[p],
      },
    ]),
  );
  let seed = 1;
  const engine: EngineUnderTestInstance = await referenceEngine.create({
    config,
    clock: systemClock,
    // Jitter only; a fixed sequence keeps the test repeatable.
    random: () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647,
    fetch: (input, init) => fetch(input, init),
    endpoints,
    audit: new MemoryAuditSink(),
  });
  let served = 0;
  const server = createServer((req, res) => {
    void answer(req, res, engine).then(() => served++);
  });
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    served: () => served,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.close?.();
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = "";
  for await (const chunk of req) body += String(chunk);
  return body;
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  engine: EngineUnderTestInstance,
): Promise<void> {
  if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
    res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"message":"not found"}}');
    return;
  }
  const body = JSON.parse(await readBody(req)) as {
    model: string;
    stream?: boolean;
    messages: { role: "user" | "system" | "assistant"; content: string }[];
  };
  const stream = body.stream === true;
  const aborted = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) aborted.abort();
  });
  let started = false;
  try {
    const result = await engine.run({
      agent: "build",
      model: body.model,
      prompt: body.messages,
      stream,
      signal: aborted.signal,
      onDelta: (delta) => {
        if (delta.type !== "text") return;
        if (!started) {
          started = true;
          res.writeHead(200, { "content-type": "text/event-stream" });
        }
        res.write(
          `data: ${JSON.stringify({ model: delta.model, choices: [{ delta: { content: delta.text } }] })}\n\n`,
        );
      },
    });
    if (stream) {
      if (!started) res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(
        `data: ${JSON.stringify({ model: result.model, choices: [{ delta: {} }] })}\n\ndata: [DONE]\n\n`,
      );
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        model: result.model,
        choices: [{ message: { role: "assistant", content: result.text } }],
      }),
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Once the stream has begun, an error can only be an event in it (as OpenAI-compatible gateways do).
    if (started) res.end(`data: ${JSON.stringify({ error: { message } })}\n\n`);
    else
      res.writeHead(502, { "content-type": "application/json" }).end(JSON.stringify({ error: { message } }));
  }
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { GARBAGE_BYTES_HEADER, SOCKET_FAULT_HEADER } from "./respond.ts";

/** Answers a web `Request` (the fleet hands msw's `getResponse` over its one handler); undefined = unhandled. */
export type RequestAnswerer = (request: Request) => Promise<Response | undefined>;

/** A running loopback server. */
export interface LoopbackServer {
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  readonly port: number;
  /** Stops listening and destroys open connections. */
  close(): Promise<void>;
}

/**
 * A `node:http` server bound to 127.0.0.1 on a free port that answers through `answer` and turns the
 * fleet's socket faults into real ones (reference/testing.md §2): `reset` → `socket.resetAndDestroy()`
 * (RST, ECONNRESET), `refuse` → also an RST, since the listening socket has already accepted by the time
 * the request names its model, `empty` → close with no byte, `garbage` → non-HTTP bytes then close, and a
 * body that errors mid-way → the socket destroyed after the bytes already sent (a half-finished body).
 * Nothing is written before `answer` resolves, so a fleet stall before the headers withholds the status
 * line too (a client's header timeout can fire). When the client goes away, the request's signal aborts,
 * which ends the fleet's pauses.
 */
export async function startLoopbackServer(answer: RequestAnswerer, port = 0): Promise<LoopbackServer> {
  const server = createServer((req, res) => {
    void serve(req, res, answer, origin);
  });
  // Keep-alive sockets would hold `close()` open; they are tracked and destroyed on close.
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${bound}`;
  return {
    origin,
    port: bound,
    close: () => closeServer(server, sockets),
  };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  answer: RequestAnswerer,
  origin: string,
): Promise<void> {
  const client = new AbortController();
  const closed = new Promise<void>((resolve) => res.once("close", () => resolve()));
  res.on("close", () => {
    if (!res.writableFinished) client.abort(new Error("The client closed the connection."));
  });
  const socket = req.socket;
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
    }
    const method = req.method ?? "GET";
    const body = method === "GET" || method === "HEAD" || chunks.length === 0 ? null : Buffer.concat(chunks);
    const request = new Request(new URL(req.url ?? "/", origin), {
      method,
      headers,
      body,
      signal: client.signal,
    });
    const response = await answer(request);
    if (response === undefined) {
      res
        .writeHead(404, { "content-type": "text/plain" })
        .end(`The fleet serves nothing at ${req.url ?? "/"}.`);
      return;
    }
    if (response.type === "error") {
      socket.resetAndDestroy();
      return;
    }
    const fault = response.headers.get(SOCKET_FAULT_HEADER);
    if (fault !== null) {
      socketFault(socket, fault, Number(response.headers.get(GARBAGE_BYTES_HEADER) ?? "64"));
      return;
    }
    const outHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      outHeaders[name] = value;
    });
    res.writeHead(response.status, response.statusText, outHeaders);
    res.flushHeaders();
    if (response.body === null) {
      res.end();
      return;
    }
    const reader = response.body.getReader();
    let written: Promise<void> = Promise.resolve();
    try {
      for (;;) {
        const next = await reader.read();
        if (next.done) break;
        if (res.destroyed) {
          void reader.cancel().catch(() => undefined);
          return;
        }
        written = flushedWrite(res, next.value);
      }
      res.end();
    } catch {
      // The body failed mid-way (stream_cut): drop the connection after what was already sent. `res.write`
      // corks the socket until the next tick, and a body that yields its chunks and its failure in one run of
      // microtasks fails before that tick: destroying at once would throw the corked bytes away, so the client
      // would see a cut before the first byte instead of after the partial body the fleet logged.
      await Promise.race([written, closed]);
      socket.destroy();
    }
  } catch {
    socket.destroy();
  }
}

/** Writes `chunk`; resolves once it has been handed to the socket (or failed to be). */
function flushedWrite(res: ServerResponse, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    res.write(chunk, () => resolve());
  });
}

function socketFault(socket: Socket, fault: string, garbageBytes: number): void {
  switch (fault) {
    case "reset":
    case "refuse":
      socket.resetAndDestroy();
      return;
    case "garbage": {
      // Bytes that can never start an HTTP status line, so the client's parser fails at once.
      const garbage = Buffer.alloc(garbageBytes, 0);
      for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 37 + 11) % 256;
      socket.end(garbage, () => socket.destroy());
      return;
    }
    default:
      socket.destroy();
  }
}

async function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

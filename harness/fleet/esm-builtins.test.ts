import { request } from "node:https";
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/index.ts";
import { DEFAULT_CANONICAL_TEXT } from "./content.ts";
import { createFleet, type Fleet } from "./fleet.ts";

// An engine written as an ES module may call the fleet through a named import of node:https, a binding of
// the builtin's ES namespace (as this file's `request` is), not a property read of its CommonJS exports.

let open: Fleet | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

/** POSTs a chat completion with node:https's `request` as this module imported it; the status and body. */
function post(url: string, apiKey: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const call = request(
      url,
      { method: "POST", headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" } },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
        response.on("error", reject);
      },
    );
    call.on("error", reject);
    call.end(JSON.stringify({ model: "gpt-4.1", messages: [{ role: "user", content: "hi" }] }));
  });
}

describe("the in-process fleet and ES modules' named imports of node:https", () => {
  it("answers a request made through the named import, as through the module's exports", async () => {
    open = await createFleet({
      seed: 1,
      transport: "inproc",
      content: "canonical",
      canonicalText: DEFAULT_CANONICAL_TEXT,
      clock: systemClock,
    });
    const { baseURL, apiKey } = open.endpoints.openai;
    const answer = await post(`${baseURL}/chat/completions`, apiKey);
    expect(answer.status).toBe(200);
    expect(answer.body).toContain(DEFAULT_CANONICAL_TEXT);
    expect(open.log.map((entry) => entry.model)).toEqual(["openai/gpt-4.1"]);
  });
});

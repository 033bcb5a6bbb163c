import type { ErrorParams, WireResponse } from "./types.ts";
import { retryHeaders, statusText } from "./types.ts";

/**
 * Pages that come from something in front of the provider, not from the provider's API: a Cloudflare
 * gateway page (OpenAI and Anthropic sit behind Cloudflare; reference/providers.md §2 "502 / 504"), Google's
 * front-end error page, and a proxy's 407. Clients cannot parse them as JSON, so the AI SDK falls back to
 * the status text; the classifier must decide on the status alone.
 */

/** A Cloudflare gateway page for 502, 503 or 504, as OpenAI's edge sends it. */
export function cloudflarePage(
  status: number,
  params: Pick<ErrorParams, "nowMs" | "requestId">,
): WireResponse {
  const title = `${status}: ${statusText(status)}`;
  const body =
    `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n` +
    `<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n`;
  return {
    status,
    statusText: statusText(status),
    headers: {
      "content-type": "text/html",
      server: "cloudflare",
      "cf-ray": `${params.requestId.replace(/\W/g, "")}-SJC`,
    },
    body,
  };
}

/** Google's front-end error page ("502. That's an error."). */
export function googlePage(status: number): WireResponse {
  const body =
    `<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n  <title>Error ${status} (Server Error)!!1</title>\n` +
    `  <p><b>${status}.</b> <ins>That’s an error.</ins>\n  <p>The server encountered a temporary error and could not complete your request.<p>Please try again in 30 seconds.  <ins>That’s all we know.</ins>\n`;
  return {
    status,
    statusText: statusText(status),
    headers: { "content-type": "text/html; charset=UTF-8" },
    body,
  };
}

/** A forward proxy refusing the request (HTTP 407), which SPEC §3 classifies as NetworkPermanent `proxy`. */
export function proxyPage(params: ErrorParams): WireResponse {
  const status = params.status ?? 407;
  return {
    status,
    statusText: statusText(status),
    headers: {
      "content-type": "text/html",
      "proxy-authenticate": 'Basic realm="fleet-proxy"',
      ...retryHeaders(params),
    },
    body: params.body ?? "<html><body><h1>407 Proxy Authentication Required</h1></body></html>\n",
  };
}

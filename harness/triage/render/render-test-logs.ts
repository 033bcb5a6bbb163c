import { BACKUP, CHAIN, PRIMARY, tripThenProbes, type AuditLogBuilder } from "../triage-test-kit.ts";

/** An agent and a request id that try to break out of HTML and of a Markdown table. */
export const EVIL_AGENT = `<img src=x onerror="alert(1)">`;
/** A request id with a table separator and markup in it. */
export const EVIL_ID = "req|<b>&'1";

/** A log with something for every section: flapping, waits, an error nothing followed, an evil agent. */
export function eventfulLog(): AuditLogBuilder {
  const log = tripThenProbes([false, false, false, true]);
  log
    .advance(1000)
    .request("w", CHAIN)
    .attempt("w", PRIMARY)
    .failure("w", "rate_limit", "retry", { status: 429, delay_ms: 2000 });
  log.advance(2000).attempt("w", PRIMARY).success("w");
  log
    .request(EVIL_ID, CHAIN, { agent: EVIL_AGENT })
    .attempt(EVIL_ID, PRIMARY)
    .failure(EVIL_ID, "server_error", "fallback", { status: 500 });
  log
    .attempt(EVIL_ID, BACKUP)
    .failure(EVIL_ID, "server_error", "fallback", { status: 500 })
    .exhausted(EVIL_ID, "server_error");
  return log;
}

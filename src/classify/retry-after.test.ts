import { describe, expect, it } from "vitest";
import { readRetryAfterMs } from "./retry-after.ts";

const retryInfo = (delay: unknown) => ({
  error: {
    code: 429,
    status: "RESOURCE_EXHAUSTED",
    details: [
      { "@type": "type.googleapis.com/google.rpc.QuotaFailure", violations: [] },
      { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: delay },
    ],
  },
});

describe("readRetryAfterMs: each source", () => {
  it("reads retry-after-ms as milliseconds, fractions rounded up", () => {
    expect(readRetryAfterMs({ headers: { "retry-after-ms": "250" } })).toBe(250);
    expect(readRetryAfterMs({ headers: { "retry-after-ms": "1500.2" } })).toBe(1501);
    expect(readRetryAfterMs({ headers: { "retry-after-ms": "0" } })).toBe(0);
  });

  it("reads retry-after as seconds", () => {
    expect(readRetryAfterMs({ headers: { "retry-after": "20" } })).toBe(20000);
    expect(readRetryAfterMs({ headers: { "retry-after": "1.5" } })).toBe(1500);
  });

  it("reads retry-after as an HTTP date relative to nowMs, and ignores it without nowMs", () => {
    const nowMs = Date.parse("Wed, 21 Oct 2026 07:28:00 GMT");
    expect(readRetryAfterMs({ headers: { "retry-after": "Wed, 21 Oct 2026 07:28:30 GMT" } }, nowMs)).toBe(
      30000,
    );
    expect(readRetryAfterMs({ headers: { "retry-after": "Wed, 21 Oct 2026 07:28:30 GMT" } })).toBeNull();
  });

  it("reads Gemini RetryInfo.retryDelay from the body, parsed or as JSON text", () => {
    expect(readRetryAfterMs({ body: retryInfo("34.4s") })).toBe(34400);
    expect(readRetryAfterMs({ body: JSON.stringify(retryInfo("2s")) })).toBe(2000);
    expect(readRetryAfterMs({ body: retryInfo({ seconds: "3", nanos: 500_000_000 }) })).toBe(3500);
  });

  it("reads the wait from message text in the providers' phrasings", () => {
    expect(readRetryAfterMs({ message: "Please try again in 644ms. Visit https://…" })).toBe(644);
    expect(readRetryAfterMs({ message: "Please try again in 1.5s." })).toBe(1500);
    expect(readRetryAfterMs({ message: "Please try again in 18.403s." })).toBe(18403);
    expect(readRetryAfterMs({ message: "Please retry after 20 seconds." })).toBe(20000);
    expect(readRetryAfterMs({ message: "Please retry in 34.396152627s." })).toBe(34397);
    expect(readRetryAfterMs({ message: "Limit resets soon. Please try again in 6m0s." })).toBe(360000);
    expect(readRetryAfterMs({ message: "try again in 1h 2m" })).toBe(3_720_000);
    expect(readRetryAfterMs({ message: "try again in 2 minutes" })).toBe(120000);
  });

  it("returns null when no source gives a value", () => {
    expect(readRetryAfterMs({})).toBeNull();
    expect(readRetryAfterMs({ message: "Please try again later." })).toBeNull();
    expect(readRetryAfterMs({ message: "try again in 5 more" })).toBeNull();
    expect(
      readRetryAfterMs({
        body: { error: { details: [{ "@type": "type.googleapis.com/google.rpc.Help" }] } },
      }),
    ).toBeNull();
  });
});

describe("readRetryAfterMs: order", () => {
  const all = {
    headers: { "retry-after-ms": "100", "retry-after": "2" },
    body: retryInfo("3s"),
    message: "try again in 4s",
  };

  it("prefers retry-after-ms, then retry-after, then RetryInfo, then the message", () => {
    expect(readRetryAfterMs(all)).toBe(100);
    expect(readRetryAfterMs({ ...all, headers: { "retry-after": "2" } })).toBe(2000);
    expect(readRetryAfterMs({ ...all, headers: {} })).toBe(3000);
    expect(readRetryAfterMs({ ...all, headers: {}, body: {} })).toBe(4000);
  });

  it("skips a negative or unparseable source and falls through to the next", () => {
    expect(readRetryAfterMs({ headers: { "retry-after-ms": "-5", "retry-after": "2" } })).toBe(2000);
    expect(
      readRetryAfterMs({ headers: { "retry-after-ms": "soon", "retry-after": "-1" }, body: retryInfo("3s") }),
    ).toBe(3000);
    expect(readRetryAfterMs({ headers: { "retry-after": "banana" }, message: "try again in 4s" })).toBe(4000);
    expect(readRetryAfterMs({ body: retryInfo("-3s"), message: "try again in 4s" })).toBe(4000);
  });

  it("ignores a date in the past", () => {
    const nowMs = Date.parse("Wed, 21 Oct 2026 07:28:00 GMT");
    expect(
      readRetryAfterMs(
        { headers: { "retry-after": "Wed, 21 Oct 2026 07:27:00 GMT" }, message: "try again in 1s" },
        nowMs,
      ),
    ).toBe(1000);
  });

  it("never reads a negative number as a date", () => {
    expect(readRetryAfterMs({ headers: { "retry-after": "-5" } }, 0)).toBeNull();
  });
});

describe("readRetryAfterMs: header shapes", () => {
  it("accepts a Headers instance", () => {
    expect(readRetryAfterMs({ headers: new Headers({ "Retry-After-Ms": "7" }) })).toBe(7);
  });

  it("accepts a plain record in any case, with number or array values", () => {
    expect(readRetryAfterMs({ headers: { "RETRY-AFTER": "3" } })).toBe(3000);
    expect(readRetryAfterMs({ headers: { "Retry-After": 4 } })).toBe(4000);
    expect(readRetryAfterMs({ headers: { "retry-after": ["5"] } })).toBe(5000);
  });

  it("accepts an array of pairs", () => {
    expect(readRetryAfterMs({ headers: [["Retry-After", "6"]] })).toBe(6000);
  });

  it("treats junk headers as absent", () => {
    expect(readRetryAfterMs({ headers: 42, message: "try again in 1s" })).toBe(1000);
    expect(readRetryAfterMs({ headers: null })).toBeNull();
  });
});

describe("readRetryAfterMs: header values", () => {
  it("allows white space around a number, and nothing else", () => {
    expect(readRetryAfterMs({ headers: { "retry-after": " 12 " } })).toBe(12000);
    expect(readRetryAfterMs({ headers: { "retry-after-ms": " 12 " } })).toBe(12);
    for (const value of ["0x10", "1e3", "12ms", "x12"])
      expect(readRetryAfterMs({ headers: { "retry-after-ms": value } })).toBeNull();
  });

  it("never reads a number-like value as a date, even one Date.parse would take for a year", () => {
    // Date.parse reads "5", "+5", "5." and ".5" as 1 May 2001, which is in the future of nowMs = 0.
    for (const value of ["+5", "5.", ".5", " -5 ", "-.5", "1e3", "-1.5E2"]) {
      expect(readRetryAfterMs({ headers: { "retry-after": value } }, 0), value).toBeNull();
    }
  });

  it("reads a date equal to now as no wait, and ignores a date when nowMs is not finite", () => {
    const nowMs = Date.parse("Wed, 21 Oct 2026 07:28:00 GMT");
    expect(readRetryAfterMs({ headers: { "retry-after": "Wed, 21 Oct 2026 07:28:00 GMT" } }, nowMs)).toBe(0);
    expect(
      readRetryAfterMs({ headers: { "retry-after": "Wed, 21 Oct 2026 07:28:30 GMT" } }, Number.NaN),
    ).toBeNull();
  });
});

describe("readRetryAfterMs: RetryInfo", () => {
  it("finds the details at the top level and inside response.error too", () => {
    const details = [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "5s" }];
    expect(readRetryAfterMs({ body: { details } })).toBe(5000);
    expect(readRetryAfterMs({ body: { response: { error: { details } } } })).toBe(5000);
  });

  it("accepts a detail without @type, skips other types and details without a usable delay", () => {
    expect(readRetryAfterMs({ body: { error: { details: [{ retryDelay: "7s" }] } } })).toBe(7000);
    const body = {
      error: {
        details: [
          { "@type": "type.googleapis.com/google.rpc.Help", retryDelay: "1s" },
          { "@type": "type.googleapis.com/google.rpc.RetryInfo" },
          { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "soon" },
          { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "9s" },
        ],
      },
    };
    expect(readRetryAfterMs({ body })).toBe(9000);
  });

  it("reads a duration string with white space around it, and only whole `<number>s` strings", () => {
    expect(readRetryAfterMs({ body: retryInfo(" 3.25s ") })).toBe(3250);
    for (const delay of ["3", "x3s", "3sx", "3ms", "s"])
      expect(readRetryAfterMs({ body: retryInfo(delay) }), delay).toBeNull();
  });

  it("reads the object form with seconds only, nanos only, or both", () => {
    expect(readRetryAfterMs({ body: retryInfo({ seconds: 4 }) })).toBe(4000);
    expect(readRetryAfterMs({ body: retryInfo({ nanos: 250_000_000 }) })).toBe(250);
    expect(readRetryAfterMs({ body: retryInfo({ seconds: 1, nanos: 1_000_000 }) })).toBe(1001);
  });

  it("ignores an object form without seconds and nanos, or with values that are not numbers", () => {
    expect(readRetryAfterMs({ body: retryInfo({}) })).toBeNull();
    expect(readRetryAfterMs({ body: retryInfo({ seconds: "soon" }) })).toBeNull();
    expect(readRetryAfterMs({ body: retryInfo({ seconds: 1, nanos: "x" }) })).toBeNull();
  });
});

describe("readRetryAfterMs: message phrasings", () => {
  it("knows every unit spelling", () => {
    const cases: [string, number][] = [
      ["try again in 1 millisecond", 1],
      ["try again in 500 milliseconds", 500],
      ["try again in 1 min", 60_000],
      ["try again in 5 mins", 300_000],
      ["try again in 1 minute", 60_000],
      ["try again in 1 sec", 1000],
      ["try again in 30 secs", 30_000],
      ["try again in 1 second", 1000],
      ["try again in 1 hour", 3_600_000],
      ["try again in 2 hours", 7_200_000],
      ["try again in 1 hr", 3_600_000],
      ["try again in 3 hrs", 10_800_000],
      ["try again in 2h", 7_200_000],
    ];
    for (const [message, ms] of cases) expect(readRetryAfterMs({ message }), message).toBe(ms);
  });

  it("matches in any case and across runs of white space", () => {
    expect(readRetryAfterMs({ message: "RETRY IN 5S" })).toBe(5000);
    expect(readRetryAfterMs({ message: "Try  again\tafter  2 s" })).toBe(2000);
  });

  it("needs the phrase to start a word", () => {
    expect(readRetryAfterMs({ message: "autoretry in 5s" })).toBeNull();
  });

  it("scans only the first 4000 characters of a message", () => {
    const filler = "x".repeat(4000);
    expect(readRetryAfterMs({ message: `${filler} try again in 5s` })).toBeNull();
    expect(readRetryAfterMs({ message: `${"x".repeat(3900)} try again in 5s` })).toBe(5000);
  });
});

describe("readRetryAfterMs: values out of range", () => {
  it("ignores a wait too large to be a number, and a negative duration", () => {
    const huge = "9".repeat(400);
    expect(readRetryAfterMs({ headers: { "retry-after-ms": huge }, message: "try again in 2s" })).toBe(2000);
    expect(readRetryAfterMs({ headers: { "retry-after": huge } })).toBeNull();
    expect(readRetryAfterMs({ body: retryInfo({ seconds: -5 }) })).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { NO_HEADERS, readHeaders } from "./headers.ts";

describe("readHeaders", () => {
  it("reads a Headers object, a Map, a record in any case and an array of pairs, names lower-cased", () => {
    const want = new Map([["retry-after", "5"]]);
    expect(readHeaders(new Headers({ "Retry-After": "5" }))).toEqual(want);
    expect(readHeaders(new Map([["Retry-After", "5"]]))).toEqual(want);
    expect(readHeaders({ "RETRY-AFTER": "5" })).toEqual(want);
    expect(readHeaders([["Retry-After", "5"]])).toEqual(want);
  });

  it("turns finite numbers into text and joins string arrays, dropping other values", () => {
    const headers = readHeaders({ a: 7, b: ["x", 1, "y"], c: Number.NaN, d: null, e: [], f: [2] });
    expect(headers.get("a")).toBe("7");
    expect(headers.get("b")).toBe("x, y");
    expect([...headers.keys()]).toEqual(["a", "b"]);
  });

  it("gives the shared empty map for anything that is not a header bag", () => {
    for (const value of [undefined, null, "retry-after: 5", 5, true])
      expect(readHeaders(value)).toBe(NO_HEADERS);
  });

  it("keeps at most 200 headers and skips pairs whose name is not a string", () => {
    const many = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`h${i}`, String(i)]));
    expect(readHeaders(many).size).toBe(200);
    expect(
      readHeaders([
        [1, "x"],
        ["ok", "y"],
      ]),
    ).toEqual(new Map([["ok", "y"]]));
  });

  it("keeps what it read before a hostile header bag threw", () => {
    const hostile = new Map([["first", "1"]]);
    const forEach = hostile.forEach.bind(hostile);
    hostile.forEach = (cb: (v: string, k: string, m: Map<string, string>) => void) => {
      forEach(cb);
      throw new Error("boom");
    };
    expect(readHeaders(hostile)).toEqual(new Map([["first", "1"]]));
  });
});

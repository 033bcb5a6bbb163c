import { afterEach, describe, expect, it, vi } from "vitest";
import {
  hasAiSdkMarker,
  isArray,
  isBag,
  isInstance,
  parseJson,
  preview,
  read,
  readItems,
  readKeys,
  readNumber,
  readString,
} from "./safe-read.ts";

/** A proxy whose every trap throws, the way a hostile thrown value might behave. */
function hostileProxy(): object {
  const boom = (): never => {
    throw new Error("trap");
  };
  return new Proxy(
    {},
    { get: boom, ownKeys: boom, getPrototypeOf: boom, has: boom, getOwnPropertyDescriptor: boom },
  );
}

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

describe("isBag", () => {
  it("accepts objects and functions, and nothing else", () => {
    expect(isBag({})).toBe(true);
    expect(isBag([])).toBe(true);
    expect(isBag(() => 1)).toBe(true);
    for (const value of [null, undefined, "text", 5, true, 5n, Symbol("s")]) expect(isBag(value)).toBe(false);
  });
});

describe("read", () => {
  it("reads a property of an object or a function", () => {
    expect(read({ a: 1 }, "a")).toBe(1);
    expect(
      read(
        Object.assign(() => 0, { code: "x" }),
        "code",
      ),
    ).toBe("x");
  });

  it("never reads properties of primitives, even ones a primitive has", () => {
    expect(read("abc", "length")).toBeUndefined();
    expect(read(5, "toFixed")).toBeUndefined();
  });

  it("gives undefined when a getter or a proxy trap throws", () => {
    const getter = Object.defineProperty({}, "message", {
      get() {
        throw new Error("getter");
      },
    });
    expect(read(getter, "message")).toBeUndefined();
    expect(read(hostileProxy(), "message")).toBeUndefined();
    expect(read(revokedProxy(), "message")).toBeUndefined();
  });
});

describe("readString and readNumber", () => {
  it("keep only values of their own type", () => {
    const bag = { s: "text", n: 7, ns: "7", sn: 7 };
    expect(readString(bag, "s")).toBe("text");
    expect(readString(bag, "sn")).toBeUndefined();
    expect(readNumber(bag, "n")).toBe(7);
    expect(readNumber(bag, "ns")).toBeUndefined();
  });

  it("drop numbers that are not finite", () => {
    for (const n of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
      expect(readNumber({ n }, "n")).toBeUndefined();
  });
});

describe("isArray", () => {
  it("is Array.isArray, except that a revoked proxy is no array instead of a throw", () => {
    expect(isArray([1])).toBe(true);
    expect(isArray({ length: 1 })).toBe(false);
    expect(isArray(revokedProxy())).toBe(false);
  });
});

describe("readItems", () => {
  it("reads up to the limit and no further, nor past the length", () => {
    expect(readItems([1, 2, 3], 2)).toEqual([1, 2]);
    expect(readItems([1, 2, 3], 5)).toEqual([1, 2, 3]);
    expect(readItems([1, 2, 3], 3)).toEqual([1, 2, 3]);
  });

  it("gives no items for a value that is not an array, even an array-like one", () => {
    expect(readItems({ length: 2, 0: "a", 1: "b" }, 10)).toEqual([]);
    expect(readItems("ab", 10)).toEqual([]);
  });

  it("reads each item defensively and treats an unreadable length as zero", () => {
    const throwingItem = [1, 2];
    Object.defineProperty(throwingItem, 1, {
      get() {
        throw new Error("item");
      },
    });
    expect(readItems(throwingItem, 10)).toEqual([1, undefined]);

    const noLength = new Proxy([1, 2], {
      get: (target, key): unknown => (key === "length" ? "2" : (Reflect.get(target, key) as unknown)),
    });
    expect(readItems(noLength, 10)).toEqual([]);
  });
});

describe("readKeys", () => {
  it("lists own enumerable keys up to the limit", () => {
    expect(readKeys({ a: 1, b: 2, c: 3 }, 2)).toEqual(["a", "b"]);
    expect(readKeys({ a: 1 }, 5)).toEqual(["a"]);
  });

  it("lists no keys for primitives, whose characters Object.keys would list", () => {
    expect(readKeys("abc", 5)).toEqual([]);
  });

  it("lists no keys when enumeration throws", () => {
    expect(readKeys(hostileProxy(), 5)).toEqual([]);
    expect(readKeys(revokedProxy(), 5)).toEqual([]);
  });
});

describe("isInstance", () => {
  it("is instanceof for ordinary values", () => {
    expect(isInstance(new TypeError("x"), Error)).toBe(true);
    expect(isInstance({}, Error)).toBe(false);
  });

  it("never asks a constructor's Symbol.hasInstance about a primitive", () => {
    class Anything {
      static [Symbol.hasInstance](): boolean {
        return true;
      }
    }
    expect(isInstance(5, Anything)).toBe(false);
    expect(isInstance({}, Anything)).toBe(true);
  });

  it("is false when the constructor is not a function, even one instanceof would accept", () => {
    const notAFunction = { [Symbol.hasInstance]: () => true };
    expect({} instanceof (notAFunction as unknown as typeof Object)).toBe(true);
    expect(isInstance({}, notAFunction)).toBe(false);
  });

  it("is false instead of a throw when the prototype chain cannot be read", () => {
    expect(isInstance(hostileProxy(), Error)).toBe(false);
  });
});

describe("hasAiSdkMarker", () => {
  it("is true only when the brand symbol of that name is exactly true", () => {
    const apiCallError = { [Symbol.for("vercel.ai.error.AI_APICallError")]: true };
    expect(hasAiSdkMarker(apiCallError, "AI_APICallError")).toBe(true);
    expect(hasAiSdkMarker(apiCallError, "AI_RetryError")).toBe(false);
    expect(hasAiSdkMarker({ [Symbol.for("vercel.ai.error.AI_RetryError")]: "yes" }, "AI_RetryError")).toBe(
      false,
    );
  });
});

describe("parseJson", () => {
  it("parses objects and arrays, surrounding white space allowed", () => {
    expect(parseJson('  {"a":1}\n')).toEqual({ a: 1 });
    expect(parseJson("[1,2]")).toEqual([1, 2]);
  });

  it("gives undefined for empty text, invalid JSON and JSON that is not an object or array", () => {
    for (const text of ["", "   ", "{oops", "5", '"text"', "null", "true"])
      expect(parseJson(text)).toBeUndefined();
  });

  it("parses a text of exactly 256 KiB and refuses one character more", () => {
    const max = 256 * 1024;
    expect(parseJson(`[${" ".repeat(max - 2)}]`)).toEqual([]);
    expect(parseJson(`[${" ".repeat(max - 1)}]`)).toBeUndefined();
  });
});

describe("preview", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("renders each primitive type", () => {
    expect(preview("text")).toBe('"text"');
    expect(preview(5)).toBe("5");
    expect(preview(false)).toBe("false");
    expect(preview(12n)).toBe("12");
    expect(preview(undefined)).toBe("undefined");
    expect(preview(null)).toBe("null");
    expect(preview(Symbol("s"))).toBe("Symbol(s)");
    expect(preview(() => 1)).toBe("[function]");
  });

  it("renders a symbol whose toString throws as a bare Symbol()", () => {
    vi.spyOn(Symbol.prototype, "toString").mockImplementation(() => {
      throw new Error("toString");
    });
    expect(preview(Symbol("s"))).toBe("Symbol()");
  });

  it("renders objects and arrays as compact JSON-like text", () => {
    expect(preview({ a: [1, "x"], b: null })).toBe('{"a":[1,"x"],"b":null}');
  });

  it("cuts strings to 200 characters", () => {
    expect(preview("y".repeat(201))).toBe(JSON.stringify("y".repeat(200)));
  });

  it("stops at depth three", () => {
    expect(preview({ a: { b: { c: { d: 1 } } } })).toBe('{"a":{"b":{"c":{…}}}}');
    expect(preview([[[[1]]]])).toBe("[[[{…}]]]");
  });

  it("marks a value already rendered as circular", () => {
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = cyclic;
    expect(preview(cyclic)).toBe('{"n":1,"self":[circular]}');
  });

  it("renders at most 10 items and 12 keys", () => {
    expect(preview(Array.from({ length: 11 }, (_, i) => i))).toBe("[0,1,2,3,4,5,6,7,8,9]");
    const keys = Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`k${i}`, i]));
    expect(preview(keys)).toBe(`{${Array.from({ length: 12 }, (_, i) => `"k${i}":${i}`).join(",")}}`);
  });

  it("cuts the whole rendering to maxChars, 600 by default", () => {
    const long = Array.from({ length: 10 }, () => "z".repeat(200));
    const full = `[${long.map((s) => JSON.stringify(s)).join(",")}]`;
    expect(preview(long)).toBe(full.slice(0, 600));
    expect(preview(long, 10)).toBe(full.slice(0, 10));
    expect(preview("ab", 4)).toBe('"ab"');
  });

  it("renders hostile values without throwing", () => {
    const getter = Object.defineProperty({}, "a", {
      enumerable: true,
      get() {
        throw new Error("getter");
      },
    });
    expect(preview(getter)).toBe('{"a":undefined}');
    expect(preview(revokedProxy())).toBe("{}");
  });
});

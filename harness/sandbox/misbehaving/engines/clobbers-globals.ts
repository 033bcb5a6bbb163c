import { misbehavingEngine } from "../kit.ts";

// Replaces setImmediate for the whole thread (a bad polyfill).
export default misbehavingEngine({
  name: "clobbers-globals",
  create: (_ctx, next) => {
    globalThis.setImmediate = (() => undefined) as unknown as typeof setImmediate;
    return next();
  },
});

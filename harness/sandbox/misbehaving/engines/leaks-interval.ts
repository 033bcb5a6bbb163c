import { misbehavingEngine } from "../kit.ts";

// Serves correctly but leaves a real interval running after close.
export default misbehavingEngine({
  name: "leaks-interval",
  create: (_ctx, next) => {
    setInterval(() => undefined, 60_000);
    return next();
  },
});

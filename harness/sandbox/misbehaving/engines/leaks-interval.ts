import { misbehavingEngine } from "../kit.ts";

// Serves correctly but leaves an interval running after close (on the scenario's virtual clock, like every engine timer).
export default misbehavingEngine({
  name: "leaks-interval",
  create: (_ctx, next) => {
    setInterval(() => undefined, 60_000);
    return next();
  },
});

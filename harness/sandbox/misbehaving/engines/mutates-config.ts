import { misbehavingEngine } from "../kit.ts";

// Sets max_retries and the circuit breaker off in the config it was given.
export default misbehavingEngine({
  name: "mutates-config",
  create: (ctx, next) => {
    const settings = ctx.config.fallback as { max_retries: number };
    settings.max_retries = 0;
    return next();
  },
});

import { misbehavingEngine } from "../kit.ts";

// Logs megabytes of warnings to stderr.
export default misbehavingEngine({
  name: "floods-stderr",
  run: (_request, next) => {
    for (let i = 0; i < 5_000; i++) console.error("warning: ".repeat(60));
    return next();
  },
});

import { misbehavingEngine } from "../kit.ts";

// Prints megabytes of debug output to stdout.
export default misbehavingEngine({
  name: "floods-stdout",
  run: (_request, next) => {
    const line = `${"debug ".repeat(100)}\n`;
    for (let i = 0; i < 5_000; i++) process.stdout.write(line);
    return next();
  },
});

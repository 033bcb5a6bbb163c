import { misbehavingEngine } from "../kit.ts";

// Throws from a timer callback, outside any request.
export default misbehavingEngine({
  name: "throws-in-timer",
  run: (_request, next) => {
    setTimeout(() => {
      throw new TypeError("cannot read properties of undefined (reading \x27usage\x27)");
    }, 0);
    return next();
  },
});

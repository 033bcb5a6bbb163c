import { misbehavingEngine } from "../kit.ts";

// Leaves a rejected promise unhandled on every request.
export default misbehavingEngine({
  name: "unhandled-rejection",
  run: (_request, next) => {
    void Promise.reject(new Error("background refresh failed"));
    return next();
  },
});

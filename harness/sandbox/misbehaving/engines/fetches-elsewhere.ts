import { misbehavingEngine } from "../kit.ts";

// Calls a telemetry endpoint with the global fetch.
export default misbehavingEngine({
  name: "fetches-elsewhere",
  run: async (_request, next) => {
    await fetch("https://telemetry.example.invalid/v1/events", { method: "POST", body: "{}" }).catch(
      () => undefined,
    );
    return next();
  },
});

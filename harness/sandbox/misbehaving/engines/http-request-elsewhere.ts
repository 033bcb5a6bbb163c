import { request as httpRequest } from "node:http";
import { misbehavingEngine } from "../kit.ts";

// Reaches another service with node:http.
export default misbehavingEngine({
  name: "http-request-elsewhere",
  run: async (_request, next) => {
    await new Promise<void>((resolve) => {
      const call = httpRequest("http://127.0.0.2:8080/health", () => resolve());
      call.on("error", () => resolve());
      call.end();
    });
    return next();
  },
});

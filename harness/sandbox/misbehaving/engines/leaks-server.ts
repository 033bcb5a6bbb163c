import { createServer } from "node:net";
import { misbehavingEngine } from "../kit.ts";

// Serves correctly but leaves a listening server open after close.
export default misbehavingEngine({
  name: "leaks-server",
  create: (_ctx, next) => {
    createServer().listen(0, "127.0.0.1");
    return next();
  },
});

import { connect } from "node:net";
import { misbehavingEngine } from "../kit.ts";

// Opens a raw socket to a loopback address that is not the fleet.
export default misbehavingEngine({
  name: "connects-elsewhere",
  run: (_request, next) => {
    connect(9, "127.0.0.2").on("error", () => undefined);
    return next();
  },
});

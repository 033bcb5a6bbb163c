import { misbehavingEngine } from "../kit.ts";

// close rejects.
export default misbehavingEngine({
  name: "close-throws",
  close: () => Promise.reject(new Error("pool already closed")),
});

import { misbehavingEngine } from "../kit.ts";

// Rejects with a bare string instead of an Error.
export default misbehavingEngine({
  name: "rejects-with-string",
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the misbehaviour under test
  run: () => Promise.reject("upstream said no"),
});

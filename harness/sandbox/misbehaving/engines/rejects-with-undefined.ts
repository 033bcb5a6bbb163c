import { misbehavingEngine } from "../kit.ts";

// Rejects with no value at all.
export default misbehavingEngine({
  name: "rejects-with-undefined",
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the misbehaviour under test
  run: () => Promise.reject(undefined),
});

import { misbehavingEngine } from "../kit.ts";

// Rejects with an Error whose message spans lines.
export default misbehavingEngine({
  name: "rejects-multiline",
  run: () => Promise.reject(new Error("first line\nsecond line\n  at somewhere (file.ts:1:1)")),
});

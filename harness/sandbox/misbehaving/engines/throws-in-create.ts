import { misbehavingEngine } from "../kit.ts";

// create throws synchronously.
export default misbehavingEngine({
  name: "throws-in-create",
  create: () => {
    throw new Error("missing OPENAI_API_KEY");
  },
});

import type { AuditSink, EngineUnderTest } from "../../../src/index.ts";
import reference from "../../../src/node/reference-eut.ts";

const nowhere: AuditSink = { append: () => undefined };

/**
 * Behaves exactly like the reference engine but, though it declares `audit: "spec"`, writes no audit line:
 * a broken promise the conformance tier fails (SPEC §10.2), while its safety tier, judged from the
 * fleet and its results, passes.
 */
const declaredButSilent: EngineUnderTest = {
  name: "declared-but-silent",
  audit: "spec",
  create: (ctx) => reference.create({ ...ctx, audit: nowhere }),
};

export default declaredButSilent;

import type { AuditSink, EngineUnderTest } from "../../../src/index.ts";
import reference from "../../../src/node/reference-eut.ts";

/** Where this engine's audit goes: nowhere, as for a library that has no SPEC §8 audit. */
const nowhere: AuditSink = { append: () => undefined };

/**
 * The reference engine with its audit sent nowhere and no `audit: "spec"` declaration: it behaves exactly
 * right and leaves only its results, its stream and the fleet's record as evidence. The judge must not
 * fail it for what it did not write (SPEC §10.2): audit-based checks are NOT CHECKED, the rest pass.
 */
const referenceWithoutAudit: EngineUnderTest = {
  name: "reference-without-audit",
  create: (ctx) => reference.create({ ...ctx, audit: nowhere }),
};

export default referenceWithoutAudit;

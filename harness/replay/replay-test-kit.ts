import { AuditLogBuilder } from "../check/audit-log-builder.ts";
import { numberedAudit } from "./replay-incident.ts";
import type { NumberedLine } from "./incident-calls.ts";

/** A built audit log as the numbered lines replay works on; throws if the builder wrote a line SPEC §8 rejects. */
export function numbered(builder: AuditLogBuilder): NumberedLine[] {
  const { lines, unparsed } = numberedAudit(builder.lines().join("\n"));
  if (unparsed.length > 0)
    throw new Error(`Failed to build the log: lines ${unparsed.join(", ")} do not fit SPEC §8`);
  return lines;
}

export { AuditLogBuilder };

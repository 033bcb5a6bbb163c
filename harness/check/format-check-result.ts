import type { CheckResult } from "./audit-checker.ts";
import { RULES } from "./rules.ts";
import type { Violation } from "./violation-collector.ts";

function pad(value: number, width: number): string {
  return String(value).padStart(width);
}

function formatViolation(violation: Violation): string[] {
  const width = String(violation.line).length;
  const about = [
    violation.requestId === null ? undefined : `request ${violation.requestId}`,
    violation.model === null ? undefined : `model ${violation.model}`,
  ]
    .filter(Boolean)
    .join(", ");
  const out = [`line ${violation.line} [${violation.rule}]: ${violation.message}`];
  if (about !== "") out.push(`  (${about})`);
  if (violation.context.length > 0) {
    out.push("  lines that led to it:");
    for (const item of violation.context) out.push(`    ${pad(item.line, width)}  ${item.text}`);
  }
  out.push(`  > ${pad(violation.line, width)}  ${violation.text}`);
  return out;
}

/**
 * The checker's verdict for a person: the first violation with the lines that led to it, every kind of
 * violation with its count, then warnings.
 */
export function formatCheckResult(result: CheckResult, file: string): string {
  const out: string[] = [];
  const summary = `${result.lines} line(s), ${result.requests} request(s)`;
  if (result.ok) {
    out.push(`✓ ${file}: ${summary}, no violations.`);
  } else {
    out.push(`✗ ${file}: ${result.violationCount} violation(s) in ${summary}.`, "");
    if (result.firstViolation !== null)
      out.push("First violation:", ...formatViolation(result.firstViolation).map((l) => `  ${l}`), "");
    out.push("Violations by rule:");
    const counts = Object.entries(result.counts) as [keyof typeof RULES, number][];
    const width = Math.max(...counts.map(([rule]) => rule.length));
    for (const [rule, count] of counts) out.push(`  ${rule.padEnd(width)}  ${pad(count, 6)}  ${RULES[rule]}`);
  }
  if (result.warnings.length > 0) {
    out.push("", "Warnings:");
    for (const warning of result.warnings)
      out.push(`  line ${warning.line} [${warning.kind}]: ${warning.message}`);
  }
  return `${out.join("\n")}\n`;
}

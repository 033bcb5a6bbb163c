/* global console, process */
// The end of CI's output, from vitest's JSON report: each failure in a few plain lines (CI shows only the tail
// of a run, where vitest's own diff of a failed assertion has already scrolled away), then the one closing
// line `N passed, N failed` that the CI reader counts.
import { readFileSync } from "node:fs";
import { relative } from "node:path";

const MAX_FAILURES = 10;
const MAX_LINES = 14;
// eslint-disable-next-line no-control-regex -- vitest colours its messages; CI's log is read as plain text
const plain = (text) => text.replace(/\u001b\[[0-9;]*m/g, "");

let report;
try {
  report = JSON.parse(readFileSync("reports/vitest.json", "utf8"));
} catch {
  console.log("0 passed, 1 failed");
  process.exit(0);
}

const failures = report.testResults.flatMap((file) => {
  const name = relative(process.cwd(), file.name);
  const failed = file.assertionResults.filter((test) => test.status === "failed");
  if (failed.length === 0)
    return file.status === "failed"
      ? [{ title: `${name} (the file)`, message: file.message, fileOnly: true }]
      : [];
  return failed.map((test) => ({
    title: `${name} › ${test.fullName}`,
    message: test.failureMessages[0] ?? "",
  }));
});
for (const { title, message } of failures.slice(0, MAX_FAILURES)) {
  console.log(`✗ ${title}`);
  for (const line of plain(message ?? "")
    .split("\n")
    .slice(0, MAX_LINES))
    console.log(`    ${line}`);
}
if (failures.length > MAX_FAILURES) console.log(`… and ${failures.length - MAX_FAILURES} more failures`);
// A file that failed with no test failed (it did not load, a hook threw) counts as one failure, never as none.
const fileOnly = failures.filter((failure) => failure.fileOnly === true).length;
const failed = report.numFailedTests + (report.numRuntimeErrorTests ?? 0) + fileOnly;
console.log(`${report.numPassedTests} passed, ${failed} failed`);

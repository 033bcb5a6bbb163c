/**
 * reports/scorecard/README.md, written with every scorecard so the folder always explains itself (the
 * repository keeps a copy of the same text).
 */
export function scorecardReadme(): string {
  return `# reports/scorecard

Written by \`npm run scorecard\` (\`fallback-harness scorecard\`): the real-time subset of the scenario
library (\`scenarios/failoverbench\`, \`scenarios/errors\`) against the reference engine, the example library
engines (\`ai-fallback\`, \`cockatiel\`, \`plain-fetch-loop\`), the Portkey gateway and OpenCode (core, and
with oh-my-opencode), each on the wall clock with the mocked provider fleet on 127.0.0.1.

- \`scorecard.md\`, \`scorecard.html\`: engine × scenario. The header states the date, the harness commit,
  the machine (cores, load), whether engines ran in a loopback-only network namespace, the budget and the
  real-time tolerances; the engine table states each engine's version.
- \`<engine>/\`: that engine's full report (\`summary.md\`, \`report.json\`, \`index.html\`, \`junit.xml\`,
  \`realtime.md\`, \`scenarios/<id>/fleet.jsonl\`).
- \`<engine>/evidence/<scenario>/\`: the evidence of each FAIL cell — \`checks.md\` (the failed checks with
  their tier and evidence, the checks not made, the requests, the command that re-runs the cell),
  \`fleet.jsonl\` (every provider call: which request it served, what the fleet injected, status and
  Retry-After sent), \`requests.json\` (what the engine returned), \`audit.jsonl\` (if the engine wrote
  one) and \`engine-output.txt\` (what a gateway or agent process printed).

## Re-run the whole scorecard, or some engines

    npm run scorecard
    npm run scorecard -- --engine reference --engine portkey --budget 600

\`--engine\` (repeatable) restricts the columns; \`--budget S\` is each engine's wall-time budget in seconds
(a scenario whose real-time span does not fit what is left is SKIPPED with the reason). An engine that is
not registered or whose install fails is a "not run" column with the reason. Progress lines are printed on
a terminal; with \`CI=true\` only one line per engine.

Slow engines can run at another time, on a quieter machine, and join the table:

    npm run scorecard -- --engine opencode --budget 3600 --keep

\`--keep\` keeps the columns an earlier scorecard left in the folder (\`<engine>/column.json\`) for the
engines not run now. Each column states its own run (date, harness commit, load at its start and end), so
columns of several runs are never passed off as one.

## Re-run one cell

Each FAIL's \`checks.md\` prints its command. In general:

    npx fallback-harness run scenarios/failoverbench/s01-rate-limit-retry-after.yaml \\
      --engine portkey --clock real --seed 1 --report-dir reports/cell

\`--engine\` is \`portkey\`, \`opencode\`, \`opencode+omo\`, an example module
(\`examples/engines/plain-fetch-loop.ts\`) or nothing for the reference engine. \`reports/cell/summary.md\`
then gives the verdict, and \`reports/cell/scenarios/<id>/fleet.jsonl\` the fleet's log. Fault schedules are
deterministic (by call count and scenario time) and the seed is fixed, so a FAIL that depends on the
engine's policy reproduces; a timing FAIL near a bound may need a quieter machine (see the load in the
header).
`;
}

import { Document, isMap, isSeq } from "yaml";
import type { ScenarioDocument } from "./infer-scenario.ts";

/** Lists whose items read best one per line, as `{ … }`. */
const ONE_LINE_ITEMS = [
  ["traffic"],
  ["faults"],
  ["expect", "requests"],
  ["expect", "audit", "present"],
] as const;

/**
 * A scenario as YAML a person can read: one traffic line, fault or expectation per line, and a header
 * comment that says where it came from and how to use it.
 */
export function scenarioYaml(scenario: ScenarioDocument, header: readonly string[]): string {
  const doc = new Document(scenario);
  for (const path of ONE_LINE_ITEMS) {
    const node = doc.getIn([...path], true);
    if (!isSeq(node)) continue;
    for (const item of node.items) if (isMap(item) || isSeq(item)) item.flow = true;
  }
  doc.commentBefore = header.map((line) => ` ${line}`).join("\n");
  return doc.toString({ lineWidth: 0 });
}

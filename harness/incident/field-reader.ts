import { isModelId, type ModelId } from "../../src/core/model-id.ts";
import type { IncidentProblem, IncidentProblemKind } from "./incident-line.ts";
import { INCIDENT_TIME_EXPECTED, parseIncidentTime } from "./incident-time.ts";

/** A problem before the reader knows its line number. */
export type ProblemDraft = Omit<IncidentProblem, "line" | "kind"> & { readonly kind: IncidentProblemKind };

/** A line's text as a problem message quotes it, cut short. */
export function excerpt(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** A value as a problem message quotes it: JSON, cut short. */
export function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

const MODEL_EXPECTED = "a model id provider/model (or providerID and modelID)";

function isPositiveInt(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) > 0;
}

function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

interface ReadSpec<T> {
  /** The SPEC §8 name recorded as carried when the source has the field. */
  readonly field: string;
  readonly aliases: readonly string[];
  readonly expected: string;
  readonly parse: (value: unknown) => T | undefined;
  /** `null` is a value (the field does not apply) rather than an absent field. */
  readonly nullable?: boolean;
  /** Values under an alias that mean something else (a `status: "success"` is no HTTP status). */
  readonly ignore?: (value: unknown) => boolean;
}

/**
 * Reads fields of one decoded line by their aliases, remembering which SPEC fields the source carried and
 * every invalid value as an error with its JSON path. An absent field reads as `undefined`, an invalid one
 * too (and marks the line failed).
 */
export class FieldReader {
  readonly #record: Readonly<Record<string, unknown>>;
  readonly #carried = new Set<string>();
  readonly problems: ProblemDraft[] = [];
  #failed = false;

  constructor(record: Readonly<Record<string, unknown>>) {
    this.#record = record;
  }

  /** True once a field held an invalid value or a required one was missing: the line is skipped. */
  get failed(): boolean {
    return this.#failed;
  }

  /** True when the source carried the SPEC field under some alias. */
  carried(field: string): boolean {
    return this.#carried.has(field);
  }

  /** Records a field as carried although the value came from elsewhere (an event named by `type`). */
  markCarried(field: string): void {
    this.#carried.add(field);
  }

  /** An error: the line cannot be used without this field. */
  required(path: string, expected: string, why: string): void {
    this.#failed = true;
    this.problems.push({ severity: "error", kind: "field-missing", path, expected, message: why });
  }

  /** A warning: the field was missing and the reader put a guess in its place. */
  guessed(path: string, expected: string, why: string): void {
    this.problems.push({ severity: "warning", kind: "field-missing", path, expected, message: why });
  }

  read<T>(spec: ReadSpec<T>): T | null | undefined {
    for (const key of spec.aliases) {
      const value = this.#record[key];
      if (value === undefined || (value === null && spec.nullable !== true)) continue;
      if (spec.ignore?.(value) === true) continue;
      if (value === null) {
        this.#carried.add(spec.field);
        return null;
      }
      const parsed = spec.parse(value);
      if (parsed === undefined) {
        this.#invalid(`$.${key}`, spec.expected, value);
        return undefined;
      }
      this.#carried.add(spec.field);
      return parsed;
    }
    return undefined;
  }

  #invalid(path: string, expected: string, value: unknown): void {
    this.#failed = true;
    this.problems.push({
      severity: "error",
      kind: "field-invalid",
      path,
      expected,
      message: `expected ${expected}, got ${preview(value)}`,
    });
  }

  positiveInt(field: string, aliases: readonly string[]): number | undefined {
    const value = this.read({
      field,
      aliases,
      expected: "a positive integer",
      parse: (v) => (isPositiveInt(v) ? v : undefined),
    });
    return value ?? undefined;
  }

  /** A non-negative integer, or `null` where SPEC §8 allows it (a wait or Retry-After that did not apply). */
  nullableCount(field: string, aliases: readonly string[]): number | null | undefined {
    return this.read({
      field,
      aliases,
      nullable: true,
      expected: "a non-negative integer (milliseconds) or null",
      parse: (v) => (isCount(v) ? v : undefined),
    });
  }

  /** A non-negative integer; `null` reads as absent, so the field is derived. */
  count(field: string, aliases: readonly string[]): number | undefined {
    const value = this.read({
      field,
      aliases,
      expected: "a non-negative integer",
      parse: (v) => (isCount(v) ? v : undefined),
    });
    return value ?? undefined;
  }

  httpStatus(field: string, aliases: readonly string[]): number | null | undefined {
    return this.read({
      field,
      aliases,
      nullable: true,
      expected: "an HTTP status (an integer from 100 to 599) or null",
      parse: (v) =>
        Number.isInteger(v) && (v as number) >= 100 && (v as number) <= 599 ? (v as number) : undefined,
      // `status: "success"` names the outcome (see inferEvent); a digit string would still be a status.
      ignore: (v) => typeof v === "string" && !/^\d+$/.test(v),
    });
  }

  time(field: string, aliases: readonly string[], nullable = false): number | null | undefined {
    return this.read({
      field,
      aliases,
      nullable,
      expected: INCIDENT_TIME_EXPECTED,
      parse: parseIncidentTime,
    });
  }

  oneOf<T extends string>(field: string, aliases: readonly string[], values: readonly T[]): T | undefined {
    const value = this.read({
      field,
      aliases,
      expected: `one of ${values.join(", ")}`,
      parse: (v) => values.find((item) => item === v),
    });
    return value ?? undefined;
  }

  nullableOneOf<T extends string>(
    field: string,
    aliases: readonly string[],
    values: readonly T[],
  ): T | null | undefined {
    return this.read({
      field,
      aliases,
      nullable: true,
      expected: `one of ${values.join(", ")}, or null`,
      parse: (v) => values.find((item) => item === v),
    });
  }

  text(field: string, aliases: readonly string[]): string | undefined {
    const value = this.read({
      field,
      aliases,
      expected: "a non-empty string",
      parse: (v) => (typeof v === "string" && v !== "" ? v : undefined),
    });
    return value ?? undefined;
  }

  boolean(field: string, aliases: readonly string[]): boolean | undefined {
    const value = this.read({
      field,
      aliases,
      expected: "true or false",
      parse: (v) => (typeof v === "boolean" ? v : undefined),
    });
    return value ?? undefined;
  }

  modelList(field: string, aliases: readonly string[]): ModelId[] | undefined {
    const value = this.read({
      field,
      aliases,
      expected: "a non-empty array of model ids provider/model",
      parse: (v) => (Array.isArray(v) && v.length > 0 && v.every(isModelId) ? v : undefined),
    });
    return value ?? undefined;
  }

  modelId(field: string, aliases: readonly string[]): ModelId | undefined {
    const value = this.read({
      field,
      aliases,
      expected: MODEL_EXPECTED,
      parse: (v) => (isModelId(v) ? v : undefined),
    });
    return value ?? undefined;
  }

  /** `model` as `provider/model`, as `{providerID, modelID}`, as a bare name with `providerID`, or `providerID` + `modelID`. */
  model(): ModelId | undefined {
    const { model, providerID, modelID } = this.#record;
    const joined = (provider: unknown, name: unknown): string | undefined =>
      typeof provider === "string" && typeof name === "string" ? `${provider}/${name}` : undefined;
    let id: string | undefined;
    let path = "$.model";
    let shown: unknown = model;
    if (typeof model === "string") {
      id = isModelId(model) ? model : (joined(providerID, model) ?? model);
    } else if (typeof model === "object" && model !== null && !Array.isArray(model)) {
      const parts = model as Record<string, unknown>;
      id = joined(parts.providerID, parts.modelID);
    } else if (model === undefined || model === null) {
      if (providerID === undefined && modelID === undefined) return undefined;
      id = joined(providerID, modelID);
      path = typeof providerID === "string" ? "$.modelID" : "$.providerID";
      shown = { providerID, modelID };
    }
    if (!isModelId(id)) {
      this.#invalid(path, MODEL_EXPECTED, shown);
      return undefined;
    }
    this.#carried.add("model");
    return id;
  }
}

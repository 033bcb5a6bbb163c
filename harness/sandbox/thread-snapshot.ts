// What a warm isolate compares after each scenario to decide whether the next one may run in the same thread
// (supervise-isolate.ts): the global object, the builtins hanging off it and their prototypes, process
// listeners and the environment. A scenario that changed any of them (a polyfill, a patched prototype, a
// listener left on `process`) ends its worker; its own result stands. It is a tripwire against accidents,
// not a proof: state an engine hides in a closure over a builtin is out of its sight, which is why only
// engines whose module is evaluated afresh per scenario are ever run warm.

/** Identity of every watched slot, keyed `global.path`, and the same identities in the order they were read. */
export interface ThreadSnapshot {
  readonly slots: ReadonlyMap<string, unknown>;
  readonly values: readonly unknown[];
}

/** Where the walk puts each slot it reads: `prefix.key` (plus `suffix`), or `prefix` alone when `key` is null. */
interface SlotSink {
  add(prefix: string, key: PropertyKey | null, suffix: string, value: unknown): void;
}

/**
 * Keeps only the identities, in walk order: the check after every scenario, which builds no name (the
 * named walk built ~1,800 strings and a Map entry for each, a few milliseconds per scenario).
 */
class SlotValues implements SlotSink {
  readonly values: unknown[] = [];

  add(_prefix: string, _key: PropertyKey | null, _suffix: string, value: unknown): void {
    this.values.push(value);
  }
}

/** Names every slot as well: what a snapshot keeps, and what a check builds only once something differs. */
class NamedSlots extends SlotValues {
  readonly slots = new Map<string, unknown>();

  override add(prefix: string, key: PropertyKey | null, suffix: string, value: unknown): void {
    super.add(prefix, key, suffix, value);
    this.slots.set(key === null ? prefix : `${prefix}.${String(key)}${suffix}`, value);
  }
}

function record(sink: SlotSink, prefix: string, target: object): void {
  for (const key of Reflect.ownKeys(target)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(target, key);
    if (descriptor === undefined) continue;
    sink.add(prefix, key, "", "value" in descriptor ? descriptor.value : descriptor.get);
    if ("set" in descriptor && descriptor.set !== undefined) sink.add(prefix, key, ":set", descriptor.set);
  }
}

/** Node defines some globals lazily (a getter that replaces itself on first read): read them all once. */
function settleLazyGlobals(): void {
  for (const key of Reflect.ownKeys(globalThis)) {
    try {
      void (globalThis as Record<PropertyKey, unknown>)[key];
    } catch {
      // A getter that throws stays a getter: its identity is still compared.
    }
  }
}

/** Reads every watched slot of this thread into `sink`, always in the same order for an unchanged thread. */
function walk(sink: SlotSink): void {
  settleLazyGlobals();
  record(sink, "globalThis", globalThis);
  for (const key of Reflect.ownKeys(globalThis)) {
    const value = (globalThis as Record<PropertyKey, unknown>)[key];
    if (value === globalThis || (typeof value !== "object" && typeof value !== "function") || value === null)
      continue;
    record(sink, String(key), value);
    const prototype = (value as { prototype?: unknown }).prototype;
    if (typeof prototype === "object" && prototype !== null)
      record(sink, `${String(key)}.prototype`, prototype);
  }
  for (const event of process.eventNames()) {
    sink.add(`process.on(${String(event)})`, null, "", process.listenerCount(event));
  }
  sink.add("process.env", null, "", JSON.stringify(process.env));
}

/** The watched state of this thread now. */
export function threadSnapshot(): ThreadSnapshot {
  const named = new NamedSlots();
  walk(named);
  return { slots: named.slots, values: named.values };
}

/** The first few slots that differ from `before`, or null when the thread is as it was. */
export function threadChanges(before: ThreadSnapshot): string | null {
  const read = new SlotValues();
  walk(read);
  const { values } = read;
  if (
    values.length === before.values.length &&
    values.every((value, i) => Object.is(value, before.values[i]))
  )
    return null;
  // Something differs: walk again with names to say what.
  const now = threadSnapshot().slots;
  const changed: string[] = [];
  for (const [key, value] of now)
    if (!before.slots.has(key) || !Object.is(before.slots.get(key), value)) changed.push(key);
  for (const key of before.slots.keys()) if (!now.has(key)) changed.push(key);
  return changed.length === 0 ? null : changed.slice(0, 5).join(", ");
}

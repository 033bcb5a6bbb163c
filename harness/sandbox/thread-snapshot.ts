// What a warm isolate compares after each scenario to decide whether the next one may run in the same thread
// (supervise-isolate.ts): the global object, the builtins hanging off it and their prototypes, process
// listeners and the environment. A scenario that changed any of them (a polyfill, a patched prototype, a
// listener left on `process`) ends its worker; its own result stands. It is a tripwire against accidents,
// not a proof: state an engine hides in a closure over a builtin is out of its sight, which is why only
// engines whose module is evaluated afresh per scenario are ever run warm.

/** Identity of every watched slot, keyed `global.path`. */
export type ThreadSnapshot = ReadonlyMap<string, unknown>;

type Slots = Map<string, unknown>;

function record(slots: Slots, prefix: string, target: object): void {
  for (const key of Reflect.ownKeys(target)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(target, key);
    if (descriptor === undefined) continue;
    const name = `${prefix}.${String(key)}`;
    slots.set(name, "value" in descriptor ? descriptor.value : descriptor.get);
    if ("set" in descriptor && descriptor.set !== undefined) slots.set(`${name}:set`, descriptor.set);
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

/** The watched state of this thread now. */
export function threadSnapshot(): ThreadSnapshot {
  settleLazyGlobals();
  const slots: Slots = new Map();
  record(slots, "globalThis", globalThis);
  for (const key of Reflect.ownKeys(globalThis)) {
    const value = (globalThis as Record<PropertyKey, unknown>)[key];
    if (value === globalThis || (typeof value !== "object" && typeof value !== "function") || value === null)
      continue;
    record(slots, String(key), value);
    const prototype = (value as { prototype?: unknown }).prototype;
    if (typeof prototype === "object" && prototype !== null)
      record(slots, `${String(key)}.prototype`, prototype);
  }
  for (const event of process.eventNames()) {
    slots.set(`process.on(${String(event)})`, process.listenerCount(event));
  }
  slots.set("process.env", JSON.stringify(process.env));
  return slots;
}

/** The first few slots that differ from `before`, or null when the thread is as it was. */
export function threadChanges(before: ThreadSnapshot): string | null {
  const now = threadSnapshot();
  const changed: string[] = [];
  for (const [key, value] of now)
    if (!before.has(key) || !Object.is(before.get(key), value)) changed.push(key);
  for (const key of before.keys()) if (!now.has(key)) changed.push(key);
  return changed.length === 0 ? null : changed.slice(0, 5).join(", ");
}

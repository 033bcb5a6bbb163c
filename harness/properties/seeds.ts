/**
 * Seeds and depth of the property suite (STYLE habit 9). Every property runs once with a fixed seed, so CI
 * replays exactly, and once more with `FH_SEED` when it is set, so a developer can explore or replay a
 * seed printed by a failure. `FH_DEEP=1` (`npm run test:deep`) multiplies every run count by ten.
 */

/** The fixed CI seed. */
export const FIXED_SEED = 42;

/** How much deeper `FH_DEEP=1` goes. */
export const DEEP_FACTOR = 10;

/** One seed a property runs with, and how its test title shows it. */
export interface PropertySeed {
  readonly seed: number;
  /** `seed=42` or `seed=1234 from FH_SEED`. */
  readonly label: string;
}

/** The seed in `FH_SEED`, or undefined when it is unset or not a non-negative safe integer. */
export function envSeed(env: Readonly<Record<string, string | undefined>> = process.env): number | undefined {
  const raw = env.FH_SEED;
  if (raw === undefined || raw.trim() === "") return undefined;
  const seed = Number(raw);
  return Number.isSafeInteger(seed) && seed >= 0 ? seed : undefined;
}

/** The fixed seed, plus `FH_SEED` when it is set and different. */
export function propertySeeds(
  env: Readonly<Record<string, string | undefined>> = process.env,
): PropertySeed[] {
  const seeds: PropertySeed[] = [{ seed: FIXED_SEED, label: `seed=${FIXED_SEED}` }];
  const extra = envSeed(env);
  if (extra !== undefined && extra !== FIXED_SEED)
    seeds.push({ seed: extra, label: `seed=${extra} from FH_SEED` });
  return seeds;
}

/** True under `FH_DEEP=1`. */
export function isDeep(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return env.FH_DEEP === "1" || env.FH_DEEP === "true";
}

/** `base` runs, or ten times as many under `FH_DEEP=1`. */
export function runsFor(
  base: number,
  env: Readonly<Record<string, string | undefined>> = process.env,
): number {
  return isDeep(env) ? base * DEEP_FACTOR : base;
}

/**
 * Maps `items` through `work` with at most `jobs` in flight, and returns the results in the items' order,
 * whatever order they finish in (report bytes must not depend on scheduling). `onDone` sees completions
 * as they happen, for a progress line.
 */
export async function mapPool<T, R>(
  items: readonly T[],
  jobs: number,
  work: (item: T, index: number) => Promise<R>,
  onDone?: (result: R, index: number) => void,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const result = await work(items[index] as T, index);
      results[index] = result;
      onDone?.(result, index);
    }
  };
  const lanes = Math.max(1, Math.min(Math.floor(jobs), items.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  return results;
}

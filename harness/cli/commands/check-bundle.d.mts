import type { main } from "../main.ts";

/** The content key of a bundle (see check-bundle.mjs); null when an input is gone. */
export declare function bundleKey(
  root: string,
  inputs: readonly string[],
  builderVersion: string,
): string | null;

/** The CLI's `main` from the cached bundle, or null when bundling is off or fails. */
export declare function bundledMain(): Promise<typeof main | null>;

/** `name` under node_modules/.cache when writable, else under the temp directory; created. */
export declare function writableCacheDir(name: string): string;

/** A bundle's content key from its format version, builder version and inputs; null when an input is gone. */
export declare function contentKey(
  formatVersion: string,
  root: string,
  inputs: readonly string[],
  builderVersion: string,
): string | null;

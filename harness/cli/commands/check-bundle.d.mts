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

/** The manifest a cache folder holds, or null when there is none to read. */
export declare function readManifest(dir: string): { key: string; inputs: string[] } | null;

/** Points a cache folder's manifest at `key` atomically. */
export declare function writeManifest(dir: string, key: string, inputs: readonly string[]): void;

/** Moves a bundle folder built in `scratch` to `target`, keeping another run's identical one. */
export declare function publishFolder(scratch: string, target: string): void;

/** Deletes entries of a cache folder other than `keep` unused for ten minutes. */
export declare function pruneStale(dir: string, keep: string, nowMs: number): void;

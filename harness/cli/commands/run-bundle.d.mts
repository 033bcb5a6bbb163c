import type { main } from "../main.ts";

/** The CLI's `main` from `run`'s cached bundle, or null when bundling is off or fails. */
export declare function bundledRunMain(): Promise<typeof main | null>;

/** Imports the engine module at `url` exactly as named (see import-engine.mjs). */
export declare function importEngine(url: string): Promise<{ default?: unknown }>;

/** Imports the engine module at `url` exactly as named (see import-engine.mjs). */
export declare function importEngine(url: string): Promise<{ default?: unknown }>;

/** The `{ default }` of CommonJS exports compiled from `export default`, else undefined (see import-engine.mjs). */
export declare function unwrapCommonJs(exports: unknown): { default: unknown } | undefined;

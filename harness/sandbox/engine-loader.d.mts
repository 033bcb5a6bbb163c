/** The key on `globalThis` of the loader to run before a user's engine is imported (engine-loader.mjs). */
export declare const ENGINE_LOADER: unique symbol;
/** Runs the pending loader once, if there is one. */
export declare function runEngineLoader(): Promise<void>;

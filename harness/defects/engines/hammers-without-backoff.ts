import { miniEngine } from "../kit/mini-engine.ts";

/**
 * Planted defect: hammers without backoff. The engine computes and logs its backoff but never sleeps it
 * (a forgotten `await`), so a rate-limited provider gets the retries back to back (SPEC §4).
 */
export default miniEngine("defect-hammers-without-backoff", { waits: false });

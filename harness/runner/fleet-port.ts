import type { Clock } from "../../src/index.ts";
import type { FaultBinding } from "../fleet/faults.ts";
import type { FleetCall } from "./records.ts";

/** What the runner needs from a provider fleet. */
export interface FleetHandle {
  readonly endpoints: Readonly<Record<string, { readonly baseURL: string; readonly apiKey: string }>>;
  /** A fetch that reaches the fleet (in-process: through msw; loopback: plain fetch). */
  readonly fetch: typeof fetch;
  /**
   * The prose canonical answers share. Deprecated: each model now answers its own text (`answers`); kept
   * until the judge reads `answers`.
   */
  readonly canonicalText: string;
  /** Canonical mode: each served model's answer (`provider/model` → text); empty in faker mode. */
  readonly answers: Readonly<Record<string, string>>;
  /** Provider calls so far, in order. */
  calls(): readonly FleetCall[];
  /** Changes whenever the fleet receives a request or sends bytes (for the virtual-time driver). */
  progress(): string;
  /** The fleet's own request log as JSON Lines. */
  logJsonl(): string;
  /**
   * Starts the scenario's time and fault counts again at this instant (its log is kept): the real-time
   * runner calls it once the engine is up, so that an engine's start-up is not scenario time.
   */
  restartScenario(): void;
  close(): Promise<void>;
}

/** How the runner starts a fleet for one scenario. */
export interface FleetOptions {
  readonly clock: Clock;
  readonly seed: number;
  readonly transport: "inproc" | "loopback";
  readonly faults: readonly FaultBinding[];
  readonly content: "canonical" | "faker";
  /** The models each provider serves (`{ openai: ["gpt-4.1"] }`); any other model gets the provider's 404. */
  readonly models: Readonly<Record<string, readonly string[]>>;
  /** Told of every request the fleet does not own (it is refused either way). */
  readonly onStrayRequest?: (url: string) => void;
  /** Loopback only: a fixed 127.0.0.1 port (a user-started gateway points at it); else a free one. */
  readonly port?: number;
}

/** Starts a fleet. */
export type FleetFactory = (options: FleetOptions) => Promise<FleetHandle>;

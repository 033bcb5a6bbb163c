/**
 * The mocked provider fleet (issue 3): real wire formats, a fault catalogue, two transports and a
 * provider-side request log. Every public name is listed here.
 */
export { createFleet, FleetOptionsError, FLEET_API_KEYS } from "./fleet.ts";
export type { Fleet, FleetOptions, FleetEndpoint } from "./fleet.ts";
export type { FleetTransport } from "./respond.ts";
export type { FleetLogEntry, FleetOutcome } from "./request-log.ts";
export type { RetryAfterSent } from "./injection.ts";

export {
  FaultSchema,
  FaultBindingSchema,
  WhenSchema,
  DurationSchema,
  FAULT_KINDS,
  HTTP_REASONS,
  BODY_REASONS,
  parseFaultBindings,
  formatFaultProblems,
} from "./faults.ts";
export type {
  Fault,
  FaultInput,
  FaultKind,
  FaultBinding,
  FaultBindingInput,
  When,
  HttpReason,
  BodyReason,
  FaultProblem,
  ParseFaultsResult,
} from "./faults.ts";
export { parseDuration, tryParseDuration } from "./duration.ts";

export { FLEET_PROVIDERS, isFleetProvider } from "./providers/types.ts";
export type { FleetProvider, WireApi, ErrorParams, WireResponse, ErrorResponder } from "./providers/types.ts";
export { PROVIDER_PROFILES, errorResponseOf } from "./providers/catalog.ts";
export type { ProviderProfile } from "./providers/catalog.ts";
export { openaiErrorResponse } from "./providers/openai.ts";
export { anthropicErrorResponse } from "./providers/anthropic.ts";
export { googleErrorResponse } from "./providers/google.ts";
export { openrouterErrorResponse } from "./providers/openrouter.ts";
export { azureErrorResponse } from "./providers/azure.ts";

export { DEFAULT_CANONICAL_TEXT, canonicalAnswerFor, tokenize } from "./content.ts";
export { markPrompt, readRequestMarker } from "./request-marker.ts";
export type { ContentMode } from "./content.ts";
export { soakFleet } from "./soak.ts";
export type { SoakOptions, SoakReport } from "./soak.ts";

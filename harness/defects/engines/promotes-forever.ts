import { defectEngine, skewSettings } from "../kit/defect-engine.ts";

/**
 * Planted defect: promotes forever. `sticky_ms` is read as seconds (×1000), so a fallback that served
 * once stays at the head of the chain after the primary has recovered (SPEC §5: the configured order
 * returns after `sticky_ms`).
 */
export default defectEngine({
  name: "defect-promotes-forever",
  config: (config) => skewSettings(config, (s) => ({ ...s, sticky_ms: s.sticky_ms * 1000 })),
});

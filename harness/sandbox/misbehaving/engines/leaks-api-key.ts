import { misbehavingEngine } from "../kit.ts";

// Rejects with an upstream message that carries a credential.
export default misbehavingEngine({
  name: "leaks-api-key",
  run: () =>
    Promise.reject(
      new Error(
        "401 from upstream: Incorrect API key provided: sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 (org org-123)",
      ),
    ),
});

import { isAbsolute, join } from "node:path";

/**
 * Where the audit log goes when `fallback.audit_log` is `true`: next to OpenCode's own logs, following the
 * XDG base-directory spec — `$XDG_DATA_HOME/opencode/log/model-fallback.jsonl`, or
 * `~/.local/share/opencode/log/model-fallback.jsonl` when `XDG_DATA_HOME` is unset, empty or relative (the
 * spec says to ignore a relative value).
 */
export function defaultAuditPath(env: NodeJS.ProcessEnv, home: string): string {
  const xdg = env.XDG_DATA_HOME;
  const dataHome = xdg !== undefined && xdg !== "" && isAbsolute(xdg) ? xdg : join(home, ".local", "share");
  return join(dataHome, "opencode", "log", "model-fallback.jsonl");
}

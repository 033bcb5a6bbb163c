import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";

/** What a path is on disk, without following the question further. */
async function kindOf(path: string): Promise<"dir" | "file" | "missing"> {
  try {
    return (await stat(path)).isDirectory() ? "dir" : "file";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: an ancestor is a regular file; the caller finds which one as it walks up.
    if (code === "ENOENT" || code === "ENOTDIR") return "missing";
    throw error;
  }
}

async function writable(dir: string): Promise<boolean> {
  try {
    await access(dir, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Walks up from `start` to the nearest existing path; `target` is what the message says cannot be made. */
async function problemAbove(target: string, start: string, what: "folder" | "file"): Promise<string | null> {
  let current = start;
  for (;;) {
    const kind = await kindOf(current);
    if (kind === "file") {
      return current === target
        ? `${target} is a file, not a folder`
        : `${current} is a file, so ${target} cannot be a ${what} under it`;
    }
    if (kind === "dir") return (await writable(current)) ? null : `${current} is not writable`;
    const parent = dirname(current);
    if (parent === current) return `no existing folder above ${target}`;
    current = parent;
  }
}

/**
 * Why the folder `path` cannot be created or written to, or null when it can: the nearest existing ancestor
 * must be a folder the user may write to (a regular file there, or a read-only folder, fails only after
 * the whole run otherwise). Nothing is created.
 */
export function checkWritableDir(path: string): Promise<string | null> {
  const wanted = resolve(path);
  return problemAbove(wanted, wanted, "folder");
}

/** Why the file `path` cannot be written, or null when it can: not a folder, and its folder is writable. */
export async function checkWritableFile(path: string): Promise<string | null> {
  const wanted = resolve(path);
  const kind = await kindOf(wanted);
  if (kind === "dir") return `${wanted} is a folder, not a file`;
  if (kind === "file") {
    try {
      await access(wanted, constants.W_OK);
    } catch {
      return `${wanted} exists and is not writable`;
    }
    return null;
  }
  return problemAbove(wanted, dirname(wanted), "file");
}

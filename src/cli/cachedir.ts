// Where the result cache lives by default: the platform's per-user cache directory, never the
// user's repository (a `.leakhound-cache/` there shows up in `git status` and in reviews).
// One subdirectory per scanned project (by the path of its root), so that projects do not
// evict each other's cache files.
import { hash64 } from '../engine/hash.js';
import { homedir, tmpdir, userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** The per-user cache directory, as Go's os.UserCacheDir finds it, with `leakhound` appended. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = safeHome()): string {
  if (platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'leakhound', 'Cache');
  if (platform === 'darwin' && home) return join(home, 'Library', 'Caches', 'leakhound');
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return join(env.XDG_CACHE_HOME, 'leakhound');
  if (home) return join(home, '.cache', 'leakhound');
  // No home directory (a service account): a directory of our own under the temp dir.
  return join(tmpdir(), `leakhound-cache-${safeUser()}`);
}

function safeHome(): string | undefined {
  try {
    return homedir() || undefined;
  } catch {
    return undefined;
  }
}

function safeUser(): string {
  try {
    return String(userInfo().uid);
  } catch {
    return 'user';
  }
}

/** The cache directory of the project rooted at `root`. */
export function projectCacheDir(root: string, base = userCacheDir()): string {
  return join(base, hash64(root));
}

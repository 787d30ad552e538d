/**
 * Wakes the loop when something happens in a watched directory. inotify on the directory, not the file:
 * a watch on the file itself goes silent once logrotate renames it, while the directory reports the
 * rename, the new file and every write. Events only wake the loop; what changed is found out by looking
 * (stat), so a lost or merged event costs latency, never data, and the slow poll covers the rest.
 * While files are busy the loop watches nothing (`update([])`, see wake-policy.ts): a watch on a folder
 * nginx writes to wakes Node for nearly every write.
 */
import { type FSWatcher, watch } from 'node:fs';
import type { Logger } from '../../lib/log/index.ts';

export type WakeKind = 'discover' | 'change';

export interface DirectoryWatcher {
  /** Watch exactly these directories (missing ones are retried on the next call). */
  update(dirs: Iterable<string>): void;
  close(): void;
}

/** Makes a {@link DirectoryWatcher}; the loop takes another one in tests. */
export type WatcherFactory = (onWake: (kind: WakeKind) => void, logger: Logger) => DirectoryWatcher;

export const createDirectoryWatcher: WatcherFactory = (onWake, logger) => {
  const watchers = new Map<string, FSWatcher>();
  const warned = new Set<string>();

  const add = (dir: string) => {
    try {
      // persistent: false: the loop's timers keep the process alive, not the watches.
      const watcher = watch(dir, { persistent: false }, (event) =>
        onWake(event === 'rename' ? 'discover' : 'change'),
      );
      watcher.on('error', (error) => {
        logger.warn('directory watch failed; falling back to polling for it', { dir, error });
        watcher.close();
        watchers.delete(dir);
      });
      watchers.set(dir, watcher);
      warned.delete(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A missing directory is normal (waiting for it); ENOSPC means the inotify watch limit is reached.
      if (code !== 'ENOENT' && !warned.has(dir)) {
        warned.add(dir);
        logger.warn('cannot watch directory; relying on the stat poll for it', {
          dir,
          error,
          hint: code === 'ENOSPC' ? 'raise fs.inotify.max_user_watches' : undefined,
        });
      }
    }
  };

  return {
    update(dirs) {
      const wanted = new Set(dirs);
      for (const [dir, watcher] of watchers) {
        if (!wanted.has(dir)) {
          watcher.close();
          watchers.delete(dir);
        }
      }
      for (const dir of wanted) if (!watchers.has(dir)) add(dir);
    },
    close() {
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
};

// A file another writer replaces through its own `createWritable` (a page, a tab, a device
// folder's commit) is missing for an instant, and a snapshot of it taken before can no longer
// be read: seen here, one try in a dozen while a page rewrote a file in a loop, and the next
// try found it whole.

// How often a try meets such a moment, by its error: a file missing is usually missing, and
// its one more try costs every genuine ENOENT a look (0.2 ms); a snapshot gone stale is tried
// until a whole one is had.
const TRIES = { NotFoundError: 2, NotReadableError: 4 };

/** `run()`, tried again where it met a file mid-replacement. */
export async function unlessReplaced(run) {
  for (let tries = 1; ; tries++) {
    try {
      return await run();
    } catch (e) {
      if (tries >= (TRIES[e?.name] ?? 0)) throw e;
    }
  }
}


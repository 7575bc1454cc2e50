// A file another writer replaces through its own `createWritable` (a page, a tab, a device
// folder's commit) is missing for an instant, and a snapshot of it taken before can no longer
// be read: seen here, one try in a dozen while a page rewrote a file in a loop, and the next
// try found it whole.

// The errors of such a moment.
const REPLACED = new Set(["NotReadableError", "NotFoundError"]);
const TRIES = 4;

/** `run()`, tried again where it met a file mid-replacement. */
export async function unlessReplaced(run) {
  for (let tries = 1; ; tries++) {
    try {
      return await run();
    } catch (e) {
      if (!REPLACED.has(e?.name) || tries >= TRIES) throw e;
    }
  }
}


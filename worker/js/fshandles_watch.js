// Watching a folder (watch.js), as Python's `fshandles.awatch` (in outcomes) and JS's
// `client.watch` (an async iterator) call it: the module fshandles' worker loads the first time
// a program watches, so that none of it weighs on the worker's package otherwise. `cargo xtask
// build` bundles it with watch.js into one file.
import { startWatch } from "./watch.js";
import { outcomeOf } from "./engine.js";


/**
 * A started watch of `root` (its `next()` and `stop()` as outcomes, `how`), as an outcome: the
 * folder is looked at once first, so a folder not there is a NotFoundError now.
 * @param {FileSystemDirectoryHandle} root
 * @param {Parameters<typeof startWatch>[1]} options
 */
export const watch = (root, options) =>
  outcomeOf(async () => {
    const w = await startWatch(root, options);
    return { how: w.how, next: () => outcomeOf(() => w.next()), stop: () => w.stop() };
  });

/** The folder at `path` ("a/b") under `root`: a watch of part of a mount. */
export const folderAt = (root, path) =>
  outcomeOf(async () => {
    let dir = root;
    for (const part of path.split("/").filter(Boolean)) dir = await dir.getDirectoryHandle(part);
    return dir;
  });

const KINDS = [null, "added", "modified", "deleted"];
const HOWS = ["auto", "observer", "poll"];

/** `options` of `client.watch` checked: a wrong one is a DataError now, not a watch that never tells. */
function checked(options) {
  const o = options ?? {};
  const refuse = (what) => {
    throw new DOMException(`watch options: ${what}`, "DataError");
  };
  if (typeof o !== "object") refuse("an object, or nothing");
  if (o.recursive != null && typeof o.recursive !== "boolean") refuse("recursive is true or false");
  for (const key of ["pollMs", "debounceMs", "stepMs"]) {
    if (o[key] != null && !(typeof o[key] === "number" && o[key] >= (key === "pollMs" ? 1 : 0))) refuse(`${key} is a number of milliseconds`);
  }
  if (o.how != null && !HOWS.includes(o.how)) refuse(`how is one of ${HOWS.join(", ")}`);
  const { recursive, pollMs, debounceMs, stepMs, how } = o;
  return Object.fromEntries(Object.entries({ recursive, pollMs, debounceMs, stepMs, how }).filter(([, v]) => v != null));
}

/**
 * A watch of the folder `root` (a handle, or a promise of one), started: the folder is looked
 * at first, so a folder not there is a NotFoundError now. An async iterable of batches of
 * `{type: "added" | "modified" | "deleted", path}` (`client.watch`).
 */
export async function watchFolder(root, options) {
  const folder = await root;
  if (folder?.kind !== "directory") throw new DOMException("watch: a folder's handle, or a stored folder's uid", "DataError");
  return new FolderWatch(await startWatch(folder, checked(options)));
}

class FolderWatch {
  constructor(watcher) {
    this.watcher = watcher;
  }

  /** "observer" or "poll". */
  get how() {
    return this.watcher.how;
  }

  /** Stops watching: the iteration ends. */
  stop() {
    this.watcher.stop();
  }

  async next() {
    try {
      const batch = await this.watcher.next();
      return { done: false, value: batch.map(([kind, path]) => ({ type: KINDS[kind], path })) };
    } catch (e) {
      if (e?.name === "AbortError") return { done: true, value: undefined };
      throw e;
    }
  }

  // `break` out of `for await`.
  async return() {
    this.stop();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

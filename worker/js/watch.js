// Watching a folder for changes, in one file with no imports: the worker crate uses it as a
// wasm-bindgen snippet (`FsClient::watch`); JS's `client.watch` and Python's `awatch` load it
// (through fshandles_watch.js) only when a program watches.
//
// FileSystemObserver where the browser has it (Chromium: an idle watch costs nothing), else
// polling the folder's state every `pollMs` while somebody waits. Changes come in batches, as
// watchfiles (Python) gathers them: what arrives within `stepMs` of the one before, at most
// `debounceMs` after the first. A change is [kind, path under the folder]: 1 added, 2 modified,
// 3 deleted (watchfiles' numbers); a move is deleted (old) and added (new).

/** The kinds of change, watchfiles' numbers. */
const Change = Object.freeze({ added: 1, modified: 2, deleted: 3 });

/** The changes from folder state `before` to `after` (Maps of path -> {dir, size, time}). */
export function diff(before, after) {
  const out = [];
  for (const [path, now] of after) {
    const then = before.get(path);
    if (!then || then.dir !== now.dir) {
      if (then) out.push([Change.deleted, path]);
      out.push([Change.added, path]);
    } else if (!now.dir && (then.size !== now.size || then.time !== now.time)) {
      out.push([Change.modified, path]);
    }
  }
  for (const path of before.keys()) if (!after.has(path)) out.push([Change.deleted, path]);
  return out;
}

/**
 * The changes one FileSystemObserver record says, and whether it says the watch must look
 * again itself ("unknown": changes were lost; "errored": the observation ended).
 */
export function fromRecord(record) {
  const path = record.relativePathComponents.join("/");
  switch (record.type) {
    case "appeared":
      return { changes: [[Change.added, path]] };
    case "modified":
      return { changes: [[Change.modified, path]] };
    case "disappeared":
      return { changes: path ? [[Change.deleted, path]] : [], gone: !path };
    case "moved": {
      const from = record.relativePathMovedFrom?.join("/");
      return { changes: [...(from ? [[Change.deleted, from]] : []), [Change.added, path]] };
    }
    case "errored":
      return { changes: [], rescan: true, errored: true };
    default:
      return { changes: [], rescan: true };
  }
}

/** Changes waiting to be told, each once, in the order they came. */
class Pending {
  constructor(limit) {
    this.limit = limit;
    this.list = new Map(); // "kind path" -> [kind, path]
    this.overflowed = false;
  }

  get size() {
    return this.list.size;
  }

  /** Adds `changes`; past the limit, forgets all (`whole`: a look's, which it keeps all of). */
  add(changes, whole = false) {
    for (const c of changes) {
      if (!whole && this.list.size >= this.limit) {
        // Too many to keep: forget them, and look at the whole folder again instead.
        this.list.clear();
        this.overflowed = true;
        return;
      }
      this.list.set(`${c[0]} ${c[1]}`, c);
    }
  }

  /** The changes waiting, and none after. */
  take() {
    const out = [...this.list.values()];
    this.list.clear();
    return out;
  }
}

/**
 * Path ("a/b.txt") -> {dir, size, time, handle} of everything under `root` (its folders too).
 * The copy mount's sync compares the same states.
 */
export async function scan(root, recursive = true) {
  const out = new Map();
  const walk = async (dir, rel) => {
    const pending = [];
    for await (const [name, handle] of dir.entries()) {
      const path = rel ? `${rel}/${name}` : name;
      if (handle.kind === "directory") {
        out.set(path, { dir: true, handle });
        // A folder removed while it is walked is not there.
        if (recursive) pending.push(walk(handle, path).catch((e) => (e?.name === "NotFoundError" ? out.delete(path) : Promise.reject(e))));
      } else {
        pending.push(
          handle.getFile().then(
            (f) => out.set(path, { dir: false, size: f.size, time: f.lastModified, handle }),
            // Removed between the listing and the look: not there.
            (e) => {
              if (e?.name !== "NotFoundError") throw e;
            },
          ),
        );
      }
    }
    await Promise.all(pending);
  };
  await walk(root, "");
  return out;
}

// The most changes a watch keeps for its reader; past it, it forgets them and looks at the
// whole folder again when next asked, so that nothing is lost and memory stays bounded.
const PENDING_LIMIT = 10000;

class Watcher {
  /**
   * @param {FileSystemDirectoryHandle} root the folder watched
   * @param {{recursive?: boolean, debounceMs?: number, stepMs?: number, pollMs?: number,
   *   how?: "auto" | "observer" | "poll", tick?: ((changes: [number, string][]) => unknown) | null,
   *   tickIdle?: boolean}} options
   *   `tick`: run with each batch before it is told (a mount brings it in, or forgets what it
   *   kept of it); with `tickIdle`, also every pollMs while it waits (a copy mount's sync, which
   *   writes out what Python wrote, for the watch to see)
   */
  constructor(root, { recursive = true, debounceMs = 200, stepMs = 50, pollMs = 1000, how = "auto", tick = null, tickIdle = false } = {}) {
    this.root = root;
    this.recursive = recursive;
    this.debounceMs = debounceMs;
    this.stepMs = stepMs;
    this.pollMs = pollMs;
    this.tick = tick;
    this.tickIdle = tickIdle;
    this.want = how;
    this.how = null; // "observer" or "poll", once started
    this.pending = new Pending(PENDING_LIMIT);
    this.state = null; // the folder as last seen (scan)
    this.ended = null; // the outcome that ends it
    this.wake = null; // resolves the wait of a next() for changes
    this.observer = null;
    this.rescan = false;
  }

  /** Starts watching: the folder's state now is what changes are told against. */
  async start() {
    this.state = await scan(this.root, this.recursive);
    if (this.want !== "poll" && typeof globalThis.FileSystemObserver === "function") {
      try {
        const Observer = /** @type {any} */ (globalThis).FileSystemObserver;
        this.observer = new Observer((records) => this.heard(records));
        await this.observer.observe(this.root, { recursive: this.recursive });
        this.how = "observer";
        return this;
      } catch (e) {
        this.observer = null;
        if (this.want === "observer") throw e;
      }
    }
    if (this.want === "observer") throw new DOMException("this browser has no FileSystemObserver", "NotSupportedError");
    this.how = "poll";
    return this;
  }

  // What the observer said.
  heard(records) {
    for (const record of records) {
      const { changes, rescan, gone } = fromRecord(record);
      this.pending.add(changes);
      if (rescan || gone) this.rescan = true;
    }
    this.wake?.();
  }

  /**
   * The next batch of changes. Once the watch has ended, what it had gathered first, then the
   * same error at every call.
   * @returns {Promise<[number, string][]>}
   */
  async next() {
    for (;;) {
      if (!this.ended && (this.how === "poll" || this.rescan || this.pending.overflowed)) await this.look();
      if (this.pending.size) break;
      if (this.ended) throw this.ended;
      // Polling looks every pollMs; an observer wakes this when it hears something. An idle
      // tick (a copy mount's sync) runs every pollMs either way.
      await this.pause(this.how === "poll" || this.tickIdle ? this.pollMs : Infinity);
      if (this.tickIdle && !this.pending.size && !this.ended) await this.tick?.([]);
    }
    if (this.how === "observer") {
      // What the observer tells of a folder whose permission was taken back is not for this
      // reader (a poll asks at each look).
      if (!(await this.allowed())) {
        this.pending.take();
        throw this.ended;
      }
      // More may come with these: gather what follows within stepMs, for debounceMs at most.
      const until = performance.now() + this.debounceMs;
      for (let size = -1; size !== this.pending.size && !this.ended; ) {
        size = this.pending.size;
        const left = until - performance.now();
        if (left <= 0) break;
        await this.pause(Math.min(this.stepMs, left));
      }
    }
    const batch = this.pending.take();
    if (this.tick && !this.ended) await this.tick(batch);
    return batch;
  }

  // Waits `ms` (Infinity: until woken), or less where the observer hears something or the
  // watch ends.
  pause(ms) {
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(() => this.wake?.(), ms) : null;
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  // Looks at the whole folder: what changed since it was last seen is pending. (Where the
  // observer lost changes, what it told since the last look is told again: more, never less.)
  // Ends the watch where the folder is gone or its permission is.
  async look() {
    this.rescan = false;
    this.pending.overflowed = false;
    if (!(await this.allowed())) return;
    let now;
    try {
      now = await scan(this.root, this.recursive);
    } catch (e) {
      this.end(e?.name === "NotFoundError" ? new DOMException(`"${this.root.name}" was removed`, "NotFoundError") : e);
      return;
    }
    this.pending.add(diff(this.state, now), true);
    this.state = now;
    // An observer that ended ("errored") is made anew.
    if (this.observer) await this.observer.observe(this.root, { recursive: this.recursive }).catch(() => {});
  }

  // Whether the folder may still be read; where not, the watch ends (NotAllowedError).
  async allowed() {
    // (Where the browser has no permissions, as WebKit's, there is nothing to lose.)
    const state = (await /** @type {any} */ (this.root).queryPermission?.({ mode: "read" })) ?? "granted";
    if (state === "granted") return true;
    this.end(new DOMException(`the permission to read "${this.root.name}" is gone`, "NotAllowedError"));
    return false;
  }

  end(error) {
    this.ended ??= error;
    this.observer?.disconnect();
    this.observer = null;
    this.wake?.();
  }

  /** Stops watching: a next() waiting ends with AbortError. */
  stop() {
    this.end(new DOMException("the watch was stopped", "AbortError"));
  }
}

// What others start a watch with. (The file exports functions alone: the build folds it into
// the worker's glue where Rust uses it, and a folded snippet may export nothing else.)

/**
 * A watch of `root`, started: the folder is looked at once first (a folder not there is a
 * NotFoundError now).
 * @param {FileSystemDirectoryHandle} root
 * @param {ConstructorParameters<typeof Watcher>[1]} [options]
 * @returns {Promise<Watcher>}
 */
export function startWatch(root, options) {
  return new Watcher(root, options).start();
}

// Rust's face of a watch (`FsClient::watch`; JS's and Python's are in fshandles_watch.js).

/** A watch of `root` started, told to `done(error, watcher)`. */
export function startThen(root, options, done) {
  startWatch(root, options).then(
    (w) => done(null, w),
    (e) => done(e, null),
  );
}

/** The next batch of `watcher` as [kind, path] pairs, told to `done(error, batch)`; (null, null) once stopped. */
export function nextThen(watcher, done) {
  watcher.next().then(
    (batch) => done(null, batch),
    (e) => (e?.name === "AbortError" ? done(null, null) : done(e, null)),
  );
}

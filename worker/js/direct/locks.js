// The Web Locks of a direct mount, in the I/O worker. One lock a file, shared by every worker
// and tab of the origin: a commit holds it exclusively, a read of a file written in place holds
// it shared (so it sees a commit whole or not at all). A page that writes the folder itself
// takes the same lock (README, "Many writers"). And the locks programs take by name
// (`fshandles.lock`), held here for an interpreter that blocks.

/** The name of the lock of the file `path` ("a/b.txt") of the folder stored under `key`. */
export const fileLock = (key, path) => `fshandles:${key}:${path}`;

/** `run()`'s value, with the Web Lock `name` held in `mode` ("exclusive" or "shared"). */
export const holding = (name, mode, run) => navigator.locks.request(name, { mode }, run);

/** The locks an interpreter holds by name, each until it lets go. */
export class Held {
  constructor() {
    this.held = new Map(); // name -> the function that lets go of it
  }

  /**
   * Waits for the lock `name` (at most `timeoutMs`, when finite) and holds it: "granted", or
   * "timeout" when it was not had in time.
   */
  async take(name, timeoutMs) {
    if (this.held.has(name)) throw new DOMException(`the lock ${name} is held here already`, "InvalidStateError");
    const signal = Number.isFinite(timeoutMs) ? AbortSignal.timeout(timeoutMs) : undefined;
    try {
      await new Promise((granted, failed) => {
        navigator.locks
          .request(name, { signal }, () => {
            granted();
            return new Promise((release) => this.held.set(name, release));
          })
          .catch(failed);
      });
    } catch (e) {
      if (e?.name === "TimeoutError" || e?.name === "AbortError") return "timeout";
      throw e;
    }
    return "granted";
  }

  /** Lets go of the lock `name`; whether it was held. */
  release(name) {
    const release = this.held.get(name);
    this.held.delete(name);
    release?.();
    return !!release;
  }
}

// The contract between the fshandles Python package and its two mount engines,
// fshandles_copy.js and fshandles_direct.js: the same entry points, each answering an Outcome
// and never throwing (a JS exception thrown into MicroPython ends its run). Python reads the
// outcomes in one place (`_outcome`, fshandles/_errors.py); tests/types/engines.ts checks both
// modules against `Engine`.

/** An entry point's answer: its value, or the error's stable `name` and its message. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; name: string; message: string };

/** What a sync did, as paths relative to the mount (a direct mount's: all empty). */
export interface SyncReport {
  /** Brought in from the folder. */
  read: string[];
  /** Written out to the folder. */
  written: string[];
  /** Removed from the folder, because Python removed them. */
  removed: string[];
  /** Changed on both sides: the folder's version kept `path`, Python's is kept as `kept`. */
  conflicts: { path: string; kept: string }[];
}

/** The parts of an interpreter's Emscripten `FS` an engine is given (Pyodide's, MicroPython's). */
export type EmscriptenFS = any;

/** A mount engine: a JS module with these exports. */
export interface Engine {
  /**
   * Mounts `root`, the folder stored under the record key `key` ("/local@pyscript"), at `path`
   * of the interpreter's `FS` (`readOnly`: Python may only read).
   */
  mount(FS: EmscriptenFS, path: string, root: FileSystemDirectoryHandle, readOnly: boolean, key: string): Promise<Outcome<void>>;
  /** Brings the folder and the mount at `path` in step. */
  sync(path: string): Promise<Outcome<SyncReport>>;
  /** Syncs and unmounts `path`. */
  unmount(path: string): Promise<Outcome<SyncReport>>;
  /** Unmounts `path`, its folder revoked. */
  forget(path: string): Promise<Outcome<void>>;
}

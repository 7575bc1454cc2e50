// What the two mount engines share (their contract: engine_types.d.ts).

/**
 * `run`'s value as `{ok: true, value}`, or its error as `{ok: false, name, message}`: every
 * engine entry point answers so and never throws (a JS exception thrown into MicroPython ends
 * its run). An Emscripten ErrnoError that escapes is an UnknownError, its errno in the message.
 * @template T
 * @param {() => T | Promise<T>} run
 * @returns {Promise<import("./engine_types").Outcome<T>>}
 */
export async function outcomeOf(run) {
  try {
    return { ok: true, value: await run() };
  } catch (e) {
    return failure(e);
  }
}

/**
 * `run()`'s value or error as `outcomeOf` says it, at once: for the calls an interpreter's
 * thread waits in (they make blocking calls and never await).
 * @template T
 * @param {() => T} run
 * @returns {import("./engine_types").Outcome<T>}
 */
export function outcomeNow(run) {
  try {
    return { ok: true, value: run() };
  } catch (e) {
    return failure(e);
  }
}

/** @returns {{ok: false, name: string, message: string}} */
function failure(e) {
  const name = e?.name === "ErrnoError" ? "UnknownError" : (e?.name ?? "UnknownError");
  return { ok: false, name, message: e?.message || `${name} (errno ${e?.errno ?? "?"})` };
}

/**
 * A sync that changed nothing: what a direct mount always reports (it has nothing to
 * reconcile), and a copy mount's unmount of a path it does not hold.
 * @returns {import("./engine_types").SyncReport}
 */
export const NO_CHANGES = () => ({ read: [], written: [], removed: [], conflicts: [] });

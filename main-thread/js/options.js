// `new FsHost(options)`'s options, read and checked in one place. The parts read in JS (the
// prompt's words, `onPrompt`, `fallback`) are then read from the plain object this returns.

/**
 * The options as a plain object (given as an object or a Map, as PyScript's Python dicts
 * arrive; undefined for none), or a DataError that names the one that is wrong.
 */
export function hostOptions(given) {
  const fail = (what) => {
    throw new DOMException(`FsHost options: ${what}`, "DataError");
  };
  if (given == null) return undefined;
  if (typeof given !== "object") fail("expected an object like {namespace, permissionTtlMs, dialog, onPrompt, fallback}");
  const o = given instanceof Map ? Object.fromEntries(given) : { ...given };
  const { namespace, permissionTtlMs: ttl, dialog, onPrompt, fallback } = o;
  if (namespace !== undefined && (typeof namespace !== "string" || !namespace)) fail("namespace must be a non-empty string");
  if (ttl !== undefined && !(Number.isInteger(ttl) && ttl >= 0 && ttl < 2 ** 32)) fail("permissionTtlMs must be a whole number of milliseconds, 0 or more");
  if (!["undefined", "function"].includes(typeof onPrompt)) fail("onPrompt must be a function");
  if (dialog !== undefined && (typeof dialog !== "object" || !dialog)) fail("dialog must be an object");
  if (fallback !== undefined && fallback !== "private") fail(`fallback must be "private" or absent, not ${JSON.stringify(fallback)}`);
  return o;
}

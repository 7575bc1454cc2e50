// What the page can tell of the picker's preconditions, read from its globals: from Rust each
// property read was an import, or a key sent across as a string.

/** Whether the page has transient user activation now (a click moments ago). */
export function hasActivation() {
  return globalThis.navigator?.userActivation?.isActive === true;
}

/**
 * Whether the page runs in a frame with an ancestor of another origin, where browsers refuse
 * the directory picker.
 */
export function inCrossOriginFrame() {
  const top = globalThis.top;
  if (!top || top === globalThis) return false;
  const own = location.origin;
  const ancestors = location.ancestorOrigins;
  if (ancestors?.length > 0) return Array.from(ancestors).some((origin) => origin !== own);
  // No ancestorOrigins (Firefox): reading a cross-origin window's document throws.
  try {
    return !top.document;
  } catch {
    return true;
  }
}

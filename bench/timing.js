// Times `batches` batches of `n` calls after one untimed warm-up batch; every answer is checked,
// so a call that does nothing cannot look fast. Sync calls are timed in a plain loop: awaiting
// them would add a microtask to each.
export function timeSync(call, expect, { n, batches }) {
  const batch = () => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const got = call(i);
      if (got !== expect(i)) throw new Error(`call ${i} answered ${got}, not ${expect(i)}`);
    }
    return performance.now() - t0;
  };
  batch();
  return Array.from({ length: batches }, batch);
}

export async function timeAsync(call, expect, { n, batches }) {
  const batch = async () => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const got = await call(i);
      if (got !== expect(i)) throw new Error(`call ${i} answered ${got}, not ${expect(i)}`);
    }
    return performance.now() - t0;
  };
  await batch();
  const times = [];
  for (let b = 0; b < batches; b++) times.push(await batch());
  return times;
}

// Answers the page: {bench, ok, times} or {bench, ok: false, error}.
export function serve(run) {
  self.addEventListener("message", async ({ data }) => {
    if (data?.bench === undefined) return;
    try {
      self.postMessage({ bench: true, ok: true, times: await run(data) });
    } catch (e) {
      self.postMessage({ bench: true, ok: false, error: `${e?.name}: ${e?.message ?? e}` });
    }
  });
}

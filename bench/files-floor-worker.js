// The floors of file speed: the File System Access calls a direct mount makes, made directly
// from a worker with nothing between (a `createWritable` stream written in steps, a file read
// by `File.slice().arrayBuffer()` in steps), on an origin-private folder like the bench's.
self.onmessage = async ({ data: { mib, step } }) => {
  try {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle("bench-floor", { create: true });
    const handle = await dir.getFileHandle("big.bin", { create: true });
    const block = new Uint8Array(step).fill(7);
    let t = performance.now();
    const w = await handle.createWritable();
    for (let i = 0; i < (mib * 2 ** 20) / step; i++) await w.write({ type: "write", position: i * step, data: block });
    await w.close();
    const writeMs = performance.now() - t;
    t = performance.now();
    const file = await handle.getFile();
    let total = 0;
    for (let at = 0; at < file.size; at += step) total += (await file.slice(at, at + step).arrayBuffer()).byteLength;
    const readMs = performance.now() - t;
    if (total !== mib * 2 ** 20) throw new Error(`read ${total} bytes of ${mib * 2 ** 20}`);
    await root.removeEntry("bench-floor", { recursive: true });
    self.postMessage({ ok: true, writeMs, readMs });
  } catch (e) {
    self.postMessage({ ok: false, error: String(e) });
  }
};

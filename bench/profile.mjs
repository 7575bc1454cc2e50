// Scratch: CPU profile of the main thread during one row.
import { openBench } from "./open.mjs";
const row = process.env.ROW ?? "fshandles-sync";
const { browser, page } = await openBench();
const s = await page.context().newCDPSession(page);
await s.send("Profiler.enable");
await s.send("Profiler.setSamplingInterval", { interval: 50 });
await s.send("Profiler.start");
const t = await page.evaluate((r) => globalThis.bench(r, { n: 2000, batches: 3 }), row);
const { profile } = await s.send("Profiler.stop");
console.log(t);
const self = new Map();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const dt = profile.timeDeltas;
const counts = new Map();
profile.samples.forEach((id, i) => counts.set(id, (counts.get(id) ?? 0) + (dt[i] ?? 0)));
for (const [id, us] of counts) {
  const n = byId.get(id);
  const k = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber}:${n.callFrame.columnNumber}`;
  self.set(k, (self.get(k) ?? 0) + us);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log((us / 1000).toFixed(1).padStart(8), "ms", ((100 * us) / total).toFixed(1).padStart(5), "%", k);
await browser.close();

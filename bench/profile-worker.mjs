// Scratch: CPU profile of the benchmark's worker during one row (ROW), through the page's
// CDP session (Target.sendMessageToTarget), printed by self time.
import { openBench } from "./open.mjs";
const row = process.env.ROW ?? "diag-worker-side";
const { browser, page } = await openBench();
const s = await page.context().newCDPSession(page);
let next = 1;
const waiting = new Map();
let started = null;
const workerStarted = new Promise((r) => (started = r));
s.on("Target.receivedMessageFromTarget", ({ sessionId, message }) => {
  const m = JSON.parse(message);
  if (m.id && waiting.has(m.id)) waiting.get(m.id)(m.result ?? m.error);
});
const send = (sessionId, method, params = {}) =>
  new Promise((resolve) => {
    const id = next++;
    waiting.set(id, resolve);
    s.send("Target.sendMessageToTarget", { sessionId, message: JSON.stringify({ id, method, params }) });
  });
s.on("Target.attachedToTarget", async ({ sessionId, targetInfo, waitingForDebugger }) => {
  if (targetInfo.type !== "worker") return;
  await send(sessionId, "Profiler.enable");
  await send(sessionId, "Profiler.setSamplingInterval", { interval: 50 });
  await send(sessionId, "Profiler.start");
  await send(sessionId, "Runtime.runIfWaitingForDebugger");
  started(sessionId);
});
await s.send("Target.setAutoAttach", { autoAttach: true, waitForDebuggerOnStart: true, flatten: false });
const run = page.evaluate((r) => globalThis.bench(r, { n: 20000, batches: 1 }), row);
const sessionId = await workerStarted;
// Stop before the worker ends (20,000 calls take longer than this; STOP_MS to change it).
await new Promise((r) => setTimeout(r, Number(process.env.STOP_MS ?? 400)));
const { profile } = await send(sessionId, "Profiler.stop");
console.log(await run);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
profile.samples.forEach((id, i) => {
  const n = byId.get(id);
  const k = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber}:${n.callFrame.columnNumber}`;
  self.set(k, (self.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40))
  console.log((us / 1000).toFixed(1).padStart(8), "ms", ((100 * us) / total).toFixed(1).padStart(5), "%", k);
await browser.close();

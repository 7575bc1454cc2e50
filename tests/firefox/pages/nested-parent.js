// Makes a nested worker, waits for its hello, ends it; `rounds` times.
const rounds = Number(new URL(import.meta.url).searchParams.get("rounds"));
for (let round = 1; round <= rounds; round++) {
  postMessage(`making ${round}`);
  const child = new Worker(new URL("./nested-child.js", import.meta.url), { type: "module" });
  await new Promise((resolve) => (child.onmessage = resolve));
  child.terminate();
}
postMessage("done");

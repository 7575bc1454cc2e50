// Commands from a test page to its test workers ({test, cmd, args} -> {test, ok, value | error}),
// shared by the pages that drive support/worker.js-style workers.

// The workers of this page, by name: {worker, waiting, loaded}.
export const workers = new Map();
let seq = 0;

// Starts the module worker `url` as `name`; `loaded` resolves when it says it is ready.
export function startWorker(name, url) {
  const worker = new Worker(url, { type: "module" });
  const waiting = new Map();
  const loaded = new Promise((resolve) => waiting.set("loaded", resolve));
  worker.addEventListener("message", ({ data }) => {
    if (data?.test === undefined) return;
    const done = waiting.get(data.test);
    waiting.delete(data.test);
    const { test, ...answer } = data;
    done?.(answer);
  });
  const w = { worker, waiting, loaded };
  workers.set(name, w);
  return w;
}

// Sends a command to a worker; resolves with {ok, value} or {ok: false, error: {name, message}}.
export function call(name, cmd, ...args) {
  const w = workers.get(name);
  const test = ++seq;
  return new Promise((resolve) => {
    w.waiting.set(test, resolve);
    w.worker.postMessage({ test, cmd, args });
  });
}

// Sends a command when the #act button is clicked (the click gives user activation).
export function callOnClick(name, cmd, ...args) {
  const button = document.getElementById("act");
  return new Promise((resolve) => {
    button.addEventListener("click", () => call(name, cmd, ...args).then(resolve), { once: true });
    globalThis.clickArmed = true;
  });
}

// The demo page: one FsHost serving a Rust worker (gloo-worker) and a Python worker (PyScript),
// in sab mode when the page is cross-origin isolated and async mode otherwise.
import { hooks } from "/node_modules/@pyscript/core/dist/core.js";
import { usePyScript } from "/dist/main/pyscript.js";
import initDemo, { RustWorker } from "/dist/demo/fshandles_demo.js";

// Before any await: PyScript may create the page's Python worker at any moment after this
// module starts. usePyScript attaches it (and gives it the fshandles package); we only watch it start.
const hostReady = usePyScript(hooks);
const pythonWorker = new Promise((resolve) => hooks.main.onWorker.add((wrap, xworker) => resolve(xworker)));

// Say which stage a slow start is in, and why a failed one failed, on the page itself.
const pythonStatus = document.querySelector("#python .result");
pythonWorker.then(() => (pythonStatus.textContent = "Worker created; loading the interpreter…"));
const banner = document.getElementById("banner");
let host;
try {
  [host] = await Promise.all([hostReady, initDemo()]);
} catch (e) {
  banner.className = "banner error";
  banner.textContent = `fshandles failed to load: ${e?.message ?? e}`;
  throw e;
}
const isolated = globalThis.crossOriginIsolated === true;

banner.className = `banner ${isolated ? "sab" : "async"}`;
banner.innerHTML = isolated
  ? "Sab mode — SharedArrayBuffer + Atomics<small>This page is cross-origin isolated (served with COOP and COEP), so workers block on a shared buffer while the page prompts.</small>"
  : "Async mode — postMessage<small>This page is not cross-origin isolated (no COOP/COEP headers), so there is no SharedArrayBuffer: workers await promises instead.</small>";
if (!("showDirectoryPicker" in globalThis)) document.getElementById("unsupported").hidden = false;

const log = document.getElementById("log");
function record(worker, op, mode, ok, text, ms) {
  const row = log.insertRow(0);
  row.className = ok ? "" : "error";
  for (const cell of [new Date().toLocaleTimeString(), worker, op, mode || "—", text]) {
    row.insertCell().textContent = cell;
  }
  const rtt = row.insertCell();
  rtt.className = "rtt";
  rtt.textContent = `${ms.toFixed(1)} ms`;
}

// Each worker: a function running an operation, answering {ok, text, mode}.
const workers = {};

// The Rust worker talks to the host over a BroadcastChannel of its own: gloo's bridge owns the
// worker's postMessage channel. No SharedArrayBuffer crosses a BroadcastChannel, so on an
// isolated page RustWorker makes the buffer of sab mode itself and hands it to the worker in
// its first message; the host gets it here.
const channel = new BroadcastChannel(`fshandles-demo-${crypto.randomUUID()}`);
host.attach(channel);
const rust = new RustWorker("/dist/demo/fshandles_demo.js", channel.name);
if (rust.buffer) host.attachBuffer(channel, rust.buffer);
workers.rust = (op, text) => rust.send(op, text);

// The Python worker: the page's <script type="py" worker>, attached by usePyScript.
const python = pythonWorker.then((xworker) => xworker.ready.then(() => xworker));
const PY_OPS = { pick: "pick", list: "list_entries", write: "write", read: "read", regrant: "regrant", revoke: "revoke", open: "open_file", save: "save", drop: "take_drop" };
workers.python = async (op, text) => {
  const { sync } = await python;
  try {
    const reply = await sync[PY_OPS[op]](...(op === "write" || op === "save" ? [text] : []));
    return { ok: true, text: String(reply), mode: await sync.mode() };
  } catch (e) {
    return { ok: false, text: String(e?.message ?? e).split("\n").slice(-2).join(" "), mode: await sync.mode() };
  }
};

async function run(name, op) {
  const card = document.getElementById(name);
  const out = card.querySelector(".result");
  out.textContent = "…";
  const text = card.querySelector("[data-note]").value;
  const started = performance.now();
  let reply;
  try {
    reply = await workers[name](op, text);
  } catch (e) {
    reply = { ok: false, text: String(e?.message ?? e), mode: "" };
  }
  const ms = performance.now() - started;
  out.textContent = reply.text;
  out.classList.toggle("error", !reply.ok);
  record(name, op, reply.mode, reply.ok, reply.text, ms);
  return reply;
}

// What is dropped on the zone is kept for the Python worker's id "demo-drops", which it
// takes once the page tells it (its `dropped` would also wait for the drop itself).
const { acceptDrops } = await import("/dist/main/fshandles_files.js");
const zone = document.getElementById("drop-zone");
acceptDrops(host, zone, { id: "demo-drops" });
zone.addEventListener("dragover", () => zone.classList.add("over"));
zone.addEventListener("dragleave", () => zone.classList.remove("over"));
zone.addEventListener("drop", (event) => {
  zone.classList.remove("over");
  if ([...(event.dataTransfer?.types ?? [])].includes("Files")) run("python", "drop");
});

for (const ops of document.querySelectorAll(".ops")) {
  const name = ops.dataset.worker;
  ops.addEventListener("click", (event) => {
    const op = event.target.closest("button")?.dataset.op;
    if (op) run(name, op);
  });
}

// For scripts and tests: run an operation as a button would, and know when workers are ready.
globalThis.demo = { run, host, ready: { rust: true, python: false }, send: (name, op, text) => workers[name](op, text) };
document.querySelector("#rust .result").textContent = "Ready.";
python.then(
  () => {
    globalThis.demo.ready.python = true;
    document.querySelector("#python .result").textContent = "Ready.";
  },
  (e) => {
    document.querySelector("#python .result").textContent = `Python failed to start: ${e?.message ?? e}`;
  },
);

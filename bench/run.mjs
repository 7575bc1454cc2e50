// `cargo xtask bench`: every row in one headless Chromium, in one run; prints the table and
// writes it, with the browser's version and the date, to bench/RESULTS.md.
import { writeFileSync, readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ISOLATED, PLAIN, launch, waitFor } from "../tests/browser/harness.mjs";
import { fileRows } from "./files.mjs";
import { writerRows } from "./writers.mjs";
import { watchRows } from "./watch.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const N = Number(process.env.FSH_BENCH_N ?? 2000);
const BATCHES = Number(process.env.FSH_BENCH_BATCHES ?? 7);

// Rows in the order of the table; `page` is the origin they need. `kind` says what a row is
// for: "goal" (fshandles, as users meet it: the rows the targets are about), "floor" (the
// least such a call can cost in this browser), "comparison" (what else users have: PyScript's
// path, Comlink), "diagnosis" (a variant that explains a goal row, not one itself).
const ROWS = [
  { row: "floor-sab", kind: "floor", page: "isolated", what: "SAB + Atomics.wait, postMessage wake-up" },
  { row: "floor-sab-wait", kind: "floor", page: "isolated", what: "SAB + Atomics.wait, Atomics.waitAsync wake-up (no message)" },
  { row: "floor-sab-wait-paused", kind: "floor", page: "isolated", what: "the same, the worker busy 2 µs between calls (the main thread falls asleep)" },
  { row: "fshandles-sync", kind: "goal", page: "isolated", what: "fshandles sync store-hit (sab; the host waits on the buffer)" },
  { row: "fshandles-user", kind: "goal", page: "isolated", what: "fshandles sync store-hit as users write it: a fresh options object per call, the worker busy 2 µs between calls" },
  { row: "diag-user-same-options", kind: "diagnosis", page: "isolated", what: "the same, with the bench's one options object" },
  { row: "diag-worker-side", kind: "diagnosis", page: "isolated", what: "the fshandles sab worker against a minimal JS answerer of the frame (no host)" },
  { row: "fshandles-sync-doorbell", kind: "diagnosis", page: "isolated", what: "fshandles sync store-hit, doorbell message (a host without Atomics.waitAsync)" },
  { row: "fshandles-own-loop", kind: "goal", page: "isolated", what: "fshandles sab worker that stored its folder itself, then loops without yielding" },
  { row: "pyscript-sync", kind: "comparison", page: "isolated", what: "PyScript: coincident sync + idb-map has" },
  { row: "floor-post", kind: "floor", page: "plain", what: "postMessage ping-pong" },
  { row: "floor-post-bytes", kind: "floor", page: "plain", what: "postMessage ping-pong carrying 64 bytes" },
  { row: "fshandles-async", kind: "goal", page: "plain", what: "fshandles async store-hit" },
  { row: "pyscript-async", kind: "comparison", page: "plain", what: "PyScript: coincident async + idb-map has" },
  { row: "comlink", kind: "comparison", page: "plain", what: "Comlink async call (returns i + 1)" },
  { row: "fshandles-handshake", kind: "goal", page: "isolated", what: "fshandles mount handshake: store + handle(uid)" },
  { row: "pyscript-handshake", kind: "comparison", page: "isolated", what: "PyScript mount handshake: store + idb-map get + queryPermission" },
];

// The ratios, each graded against its target, or shown for diagnosis only (no target). The
// sync rows were once held to 1.2× the no-message floor, a main thread that never falls
// asleep; that target was restated (issue 13): against the floor whose worker is busy 2 µs
// between calls, as every real worker is, they are shown without a grade.
const RATIOS = [
  { of: "pyscript-sync", to: "fshandles-sync", target: "≥ 10", ok: (r) => r >= 10 },
  { of: "fshandles-async", to: "floor-post", target: "≤ 1.5", ok: (r) => r <= 1.5 },
  { of: "pyscript-handshake", to: "fshandles-handshake", target: "≥ 30", ok: (r) => r >= 30 },
  { of: "fshandles-user", to: "fshandles-sync", target: "≤ 1.3", ok: (r) => r <= 1.3 },
  { of: "fshandles-user", to: "floor-sab-wait-paused", target: "", ok: null },
  { of: "fshandles-sync", to: "floor-sab-wait-paused", target: "", ok: null },
  { of: "fshandles-own-loop", to: "floor-sab-wait", target: "", ok: null },
  { of: "fshandles-sync", to: "floor-sab-wait", target: "", ok: null },
  { of: "fshandles-user", to: "diag-user-same-options", target: "", ok: null },
  { of: "fshandles-sync", to: "floor-sab", target: "", ok: null },
  { of: "diag-worker-side", to: "floor-sab-wait", target: "", ok: null },
  { of: "fshandles-sync", to: "diag-worker-side", target: "", ok: null },
  { of: "fshandles-sync-doorbell", to: "fshandles-sync", target: "", ok: null },
  { of: "fshandles-async", to: "floor-post-bytes", target: "", ok: null },
  { of: "pyscript-async", to: "fshandles-async", target: "", ok: null },
  { of: "comlink", to: "floor-post", target: "", ok: null },
];

// The library packages as `cargo xtask bench` weighed them (wasm and glue, gzip), with the
// budgets `cargo xtask test` enforces.
const BUDGETS = JSON.parse(process.env.FSH_BENCH_BUDGETS ?? "[]");

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function openPage(browser, base) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error(`pageerror: ${e.message}`));
  await page.goto(`${base}/bench/index.html`);
  await waitFor(page, () => globalThis.benchReady === true, null, { timeout: 20000 });
  // Playwright's evaluate carries user activation: the first visit's prompt is allowed.
  if (!(await page.evaluate(() => globalThis.prepare()))) throw new Error(`prepare() failed at ${base}`);
  return page;
}

function sizes() {
  const gz = (path) => {
    const bytes = readFileSync(path);
    return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  };
  const pkg = (dir, names) => names.map((name) => ({ name: `${dir}/${name}`, ...gz(join(ROOT, dir, name)) }));
  const ours = (dir) => pkg(dir, readdirSync(join(ROOT, dir)).filter((f) => /\.(wasm|js)$/.test(f)).sort());
  return [
    ...ours("dist/main"),
    ...ours("dist/worker"),
    ...pkg("node_modules/coincident/dist", ["main.js", "worker.js"]),
    ...pkg("node_modules/@webreflection/idb-map", ["index.js"]),
  ];
}

const browser = await launch();
const version = browser.version();
const pages = { isolated: await openPage(browser, ISOLATED), plain: await openPage(browser, PLAIN) };
// Rounds interleave the rows: each round runs one timed batch of every row (after its own
// warm-up), so a slow spell of this shared machine lands on all rows alike.
// FSH_BENCH_ROWS=a,b runs only those rows (while profiling; "files" for the mount rows,
// "writers" for the small files and commits, "watch" for the watch's);
// RESULTS.md is then left alone.
const only = process.env.FSH_BENCH_ROWS?.split(",");
const rows = ROWS.filter((r) => !only || only.includes(r.row));
const perCall = new Map(rows.map((r) => [r.row, []]));
for (let round = 0; round < BATCHES; round++) {
  for (const { row, page } of rows) {
    const [ms] = await pages[page].evaluate(([r, job]) => globalThis.bench(r, job), [row, { n: N, batches: 1 }]);
    perCall.get(row).push((ms * 1000) / N);
  }
  console.error(`bench: round ${round + 1} of ${BATCHES} done`);
}
const results = new Map();
for (const { row, kind, page, what } of rows) {
  const xs = perCall.get(row);
  const r = { row, kind, what, page, median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
  // The ratios use medians; the min says how fast a row can be when the machine is quiet.
  results.set(row, r);
  console.error(`bench: ${row}: ${r.median.toFixed(2)} µs/call`);
}
const files = !only || only.includes("files") ? await fileRows() : { lines: [], missed: 0 };
console.error(files.lines.join("\n"));
const writers = !only || only.includes("writers") ? await writerRows() : { lines: [], missed: 0 };
console.error(writers.lines.join("\n"));
const watching = !only || only.includes("watch") ? await watchRows() : { lines: [], missed: 0 };
console.error(watching.lines.join("\n"));
await browser.close();
if (only) process.exit(0);

const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(2));
const lines = [];
lines.push("# fshandles benchmark results", "");
lines.push(`${new Date().toISOString().slice(0, 10)}, ${version}, headless, \`cargo xtask bench\`.`);
lines.push(`Median of ${BATCHES} batches of ${N} calls, each after a warm-up batch, the rows interleaved; every answer checked.`, "");
lines.push("| row | kind | page | µs/call median | min | max |", "|---|---|---|---:|---:|---:|");
for (const r of results.values()) lines.push(`| ${r.what} | ${r.kind} | ${r.page} | ${fmt(r.median)} | ${fmt(r.min)} | ${fmt(r.max)} |`);
lines.push("", "Ratios of medians; a ratio with no target is shown for diagnosis only.", "");
lines.push("| ratio | value | target | met |", "|---|---:|---|---|");
let missed = files.missed + writers.missed + watching.missed;
for (const { of, to, target, ok } of RATIOS) {
  const v = results.get(of).median / results.get(to).median;
  const met = ok === null ? "" : ok(v) ? "yes" : "no";
  if (met === "no") missed++;
  lines.push(`| ${of} / ${to} | ${v.toFixed(2)}× | ${target} | ${met} |`);
}
lines.push("", "The packages' wasm and JS glue (gzip) against the budgets `cargo xtask test` enforces:", "");
lines.push("| package | wasm | glue | total | budget | met |", "|---|---:|---:|---:|---|---|");
for (const b of BUDGETS) {
  const total = b.wasm + b.glue;
  if (total > b.budget) missed++;
  lines.push(`| ${b.dir} | ${b.wasm} | ${b.glue} | ${total} | ≤ ${b.budget} (${b.toolchain}) | ${total <= b.budget ? "yes" : "no"} |`);
}
lines.push("", "Every file, for comparison: the JS modules load only where they are used (the dialog at the first prompt, the mount engines at the first mount, the watch at the first watch), outside the budgets.", "");
lines.push("| file | raw bytes | gzip bytes |", "|---|---:|---:|");
for (const f of sizes()) lines.push(`| ${f.name} | ${f.raw} | ${f.gzip} |`);
lines.push(...files.lines, ...writers.lines, ...watching.lines);
const table = lines.join("\n") + "\n";
process.stdout.write(table);
const path = join(ROOT, "bench/RESULTS.md");
const previous = (() => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
})();
// The notes below the generated part are written by people; a run keeps them.
const MARK = "<!-- notes: kept across runs -->";
const notes = previous.includes(MARK) ? previous.slice(previous.indexOf(MARK)) : `${MARK}\n`;
writeFileSync(path, `${table}\n${notes}`);
console.error(`bench: wrote bench/RESULTS.md; ${missed} target(s) missed`);

// The direct mount's rows of `cargo xtask bench` for many small files and for commits:
// - 300 files of 1 KiB written, stat'd, read and listed by Python, each timed per file, against
//   a worker making the same File System Access calls itself (the floor);
// - one append and one 5-byte patch, on a 1 KiB and a 64 MiB file, in place (an origin-private
//   folder: a sync access handle) against a worker's own sync access handle doing the same
//   write, and through writables (as on a folder of the device) against a worker's own
//   createWritable doing it.
// A Pyodide worker on the tests' PyScript page (isolated: sab mode), in a browser of its own.
import { openPage, PRELUDE, helpers } from "../tests/browser/python.mjs";
import { ISOLATED, ev, launch } from "../tests/browser/harness.mjs";
import { reportOf as pythonReport } from "./reports.mjs";

const ROUNDS = 6;
const BATCH = 50; // files a round: ROUNDS × BATCH in all
const REPEATS = 15;
const BIG = 64 << 20;

const PYTHON = `${PRELUDE}
${helpers()}
import fshandles

def now():
    return js.performance.now()

def median(xs):
    return sorted(xs)[len(xs) // 2]

def timed(run):
    times = []
    for i in range(${REPEATS}):
        t = now()
        run()
        times.append(now() - t)
    return median(times)

def write_kib(path):
    with open(path, "w") as f:
        f.write("x" * 1024)

def read(path):
    with open(path) as f:
        f.read()

def append(path):
    with open(path, "a") as f:
        f.write("a line of a log\\n")

def patch(path):
    with open(path, "r+b") as f:
        f.seek(os.stat(path)[6] // 2)
        f.write(b"12345")

rows = {}
try:
    await fshandles.mount("/d")
    os.mkdir("/d/small")
    report(step="mounted")
    # Rounds, each of every operation on its own ${BATCH} files, taken in turn with the floor's.
    for r in range(${ROUNDS}):
        await wait_go()
        names = ["/d/small/f%d-%03d.txt" % (r, i) for i in range(${BATCH})]
        done = {}
        for what, run in (("write", write_kib), ("stat", os.stat), ("read", read)):
            t = now()
            for name in names:
                run(name)
            done[what] = (now() - t) / ${BATCH}
        t = now()
        listed = os.listdir("/d/small")
        done["listdir"] = (now() - t) / len(listed)
        report(step="round-%d" % r, rows=done)
    for how in ("in-place", "writable"):
        await wait_go()
        for size in ("1k", "64m"):
            rows[how + "-append-" + size] = timed(lambda: append("/d/%s.bin" % size))
            rows[how + "-patch-" + size] = timed(lambda: patch("/d/%s.bin" % size))
        report(step=how, rows=rows)
except Exception as e:
    import traceback
    report(step="failed", crashed=traceback.format_exc())
`;

// The floors, in a worker of the page: the same work through the File System Access calls,
// a round at each message ({round}: the small files; "commits": the commit rows), each answered
// with its times.
const FLOOR = `
const root = await navigator.storage.getDirectory();
const top = await root.getDirectoryHandle("bench-floor", { create: true });
const dir = await top.getDirectoryHandle("small", { create: true });
const body = new Uint8Array(1024).fill(120);
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
const timed = async (run) => {
  const times = [];
  for (let i = 0; i < ${REPEATS}; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  return median(times);
};
const line = new TextEncoder().encode("a line of a log\\n");
async function round(r) {
  const names = Array.from({ length: ${BATCH} }, (_, i) => "f" + r + "-" + String(i).padStart(3, "0") + ".txt");
  const perFile = async (run) => {
    const t = performance.now();
    for (const name of names) await run(name);
    return (performance.now() - t) / names.length;
  };
  const rows = {};
  rows.write = await perFile(async (name) => {
    const h = await (await dir.getFileHandle(name, { create: true })).createSyncAccessHandle();
    h.truncate(0);
    h.write(body, { at: 0 });
    h.close(); // no flush: a close is no fsync, for the floor as for Python

  });
  rows.stat = await perFile(async (name) => (await (await dir.getFileHandle(name)).getFile()).size);
  rows.read = await perFile(async (name) => (await (await dir.getFileHandle(name)).getFile()).arrayBuffer());
  const t = performance.now();
  let n = 0;
  for await (const _ of dir.keys()) n++;
  rows.listdir = (performance.now() - t) / n;
  return rows;
}
async function commits() {
  const rows = {};
  for (const [size, bytes] of [["1k", 1024], ["64m", ${BIG}]]) {
    const h = await top.getFileHandle(size + ".bin", { create: true });
    const a = await h.createSyncAccessHandle();
    a.truncate(bytes);
    a.close();
    rows["in-place-append-" + size] = await timed(async () => {
      const s = await h.createSyncAccessHandle();
      s.write(line, { at: s.getSize() });
      s.close();
    });
    rows["in-place-patch-" + size] = await timed(async () => {
      const s = await h.createSyncAccessHandle();
      s.write(line.subarray(0, 5), { at: s.getSize() >> 1 });
      s.close();
    });
    rows["writable-append-" + size] = await timed(async () => {
      const size = (await h.getFile()).size;
      const w = await h.createWritable({ keepExistingData: true });
      await w.write({ type: "write", position: size, data: line });
      await w.close();
    });
    rows["writable-patch-" + size] = await timed(async () => {
      const size = (await h.getFile()).size;
      const w = await h.createWritable({ keepExistingData: true });
      await w.write({ type: "write", position: size >> 1, data: line.subarray(0, 5) });
      await w.close();
    });
  }
  await root.removeEntry("bench-floor", { recursive: true });
  return rows;
}
onmessage = async ({ data }) => postMessage(await (data === "commits" ? commits() : round(data)));
postMessage("ready");
`;

// A round of the floor worker (see FLOOR): its times.
const floorDoes = (page, what) =>
  ev(page, (w) => new Promise((resolve) => {
    globalThis.benchFloor.onmessage = ({ data }) => resolve(data);
    globalThis.benchFloor.postMessage(w);
  }), what);

function startFloor(page) {
  return ev(page, (code) => new Promise((resolve, reject) => {
    const w = new Worker(URL.createObjectURL(new Blob([code], { type: "text/javascript" })), { type: "module" });
    w.onmessage = () => resolve(true);
    w.onerror = (e) => reject(new Error(e.message));
    globalThis.benchFloor = w;
  }), FLOOR);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** The rows, in a browser of their own: the lines of their tables, and the targets missed. */
export async function writerRows() {
  const browser = await launch();
  try {
    const context = await browser.newContext();
    const { page } = await openPage(ISOLATED, context);
    await startFloor(page);
    await ev(page, async (bytes) => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle("picked-1", { create: true });
      for (const [name, size] of [["1k.bin", 1024], ["64m.bin", bytes]]) {
        const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
        await w.truncate(size);
        await w.close();
      }
    }, BIG);
    await ev(page, (code) => globalThis.runPy({ type: "py", code }), PYTHON);
    const reportOf = async (step) => (await pythonReport(page, "the writers bench", step, 600000)).rows;
    await reportOf("mounted");
    const ours = [];
    const floors = [];
    for (let r = 0; r < ROUNDS; r++) {
      floors.push(await floorDoes(page, r));
      await ev(page, () => globalThis.go("go"));
      ours.push(await reportOf(`round-${r}`));
    }
    const floorRows = await floorDoes(page, "commits");
    const rows = {};
    for (const what of ["write", "stat", "read", "listdir"]) {
      rows[what] = median(ours.map((o) => o[what]));
      floorRows[what] = median(floors.map((f) => f[what]));
    }
    await ev(page, () => globalThis.go("go"));
    Object.assign(rows, await reportOf("in-place"));
    // As on a folder of the device: the I/O worker's browser has no sync access handles.
    for (const w of page.workers().filter((x) => x.url().includes("fshandles_direct.js"))) {
      await w.evaluate(() => delete FileSystemFileHandle.prototype.createSyncAccessHandle);
    }
    await ev(page, () => globalThis.go("go"));
    Object.assign(rows, await reportOf("writable"));
    await context.close();
    return table(rows, floorRows);
  } finally {
    await browser.close();
  }
}

function table(rows, floorRows) {
  const ms = (x) => x.toFixed(2);
  const lines = ["", "## Many small files, and commits", "", `Python on a direct mount (an origin-private folder), files of 1 KiB timed per file, against a worker making the same File System Access calls itself (a sync access handle to write, closed with no flush as a close is no fsync; \`getFile()\` to stat and read; \`keys()\` to list); the median of ${ROUNDS} rounds of ${BATCH} files, the floor's and Python's taken in turn:`, ""];
  lines.push("| per file | ms | floor ms | ratio | target |", "|---|---:|---:|---:|---|");
  let missed = 0;
  for (const what of ["write", "stat", "read", "listdir"]) {
    const ratio = rows[what] / floorRows[what];
    const met = ratio <= 2;
    if (!met) missed++;
    lines.push(`| ${what} | ${ms(rows[what])} | ${ms(floorRows[what])} | ${ratio.toFixed(2)} | ≤ 2 ${met ? "met" : "missed"} |`);
  }
  lines.push("", `One commit (open, write, close), median of ${REPEATS}: an append of one line and a 5-byte patch in the middle, in place (sync access handles) and through writables (as on a folder of the device), each against a worker doing the same write with the same calls itself:`, "");
  lines.push("| commit | 1 KiB file ms | floor | 64 MiB file ms | floor | 64 MiB / 1 KiB | target |", "|---|---:|---:|---:|---:|---:|---|");
  for (const how of ["in-place", "writable"]) {
    for (const what of ["append", "patch"]) {
      const small = rows[`${how}-${what}-1k`];
      const big = rows[`${how}-${what}-64m`];
      const ratio = big / small;
      const target = how === "in-place" ? `≤ 2 ${ratio <= 2 ? "met" : "missed"}` : "diagnosis: the browser copies the file";
      if (how === "in-place" && ratio > 2) missed++;
      lines.push(`| ${how} ${what} | ${ms(small)} | ${ms(floorRows[`${how}-${what}-1k`])} | ${ms(big)} | ${ms(floorRows[`${how}-${what}-64m`])} | ${ratio.toFixed(2)} | ${target} |`);
    }
  }
  return { lines, missed };
}

// The watch's rows of `cargo xtask bench`: the time from the page's write (the moment it
// closes its writable) to Python's `awatch` telling of it, observed (Chromium's FileSystemObserver) and
// polled (the default poll of 1 s), against a FileSystemObserver of the page's own in a worker
// beside it, which hears the same writes (the floor: the browser's own delay).
// A Pyodide worker on the tests' PyScript page (isolated: sab mode, a direct mount), in a
// browser of its own. Times are `timeOrigin + now()` in each realm: one clock.
import { openPage, PRELUDE, helpers } from "../tests/browser/python.mjs";
import { ISOLATED, ev, waitFor, launch } from "../tests/browser/harness.mjs";
import { reportOf as pythonReport } from "./reports.mjs";

const WRITES = 15;

const PYTHON = `${PRELUDE}
${helpers()}
import fshandles

def now():
    return js.performance.timeOrigin + js.performance.now()

async def watch(w):
    async for changes in w:
        at = now()
        for change, path in changes:
            report(step="seen", path=path, at=at)

try:
    await fshandles.mount("/d")
    for how in ("observer", "poll"):
        w = fshandles.awatch("/d", force_polling=(how == "poll"))
        task = asyncio.create_task(watch(w))
        await asyncio.sleep(0.5)
        report(step="watching-" + how, how=fshandles.watching("/d"))
        await wait_go()
        w.close()
        await task
    report(step="done")
except Exception as e:
    import traceback
    report(step="failed", crashed=traceback.format_exc())
`;

// The floor: a FileSystemObserver of the picked folder in a worker of the page, posting when it
// hears each path.
const FLOOR = `
let observer = null;
onmessage = async ({ data }) => {
  const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(data, { create: true });
  observer = new FileSystemObserver((records) => {
    const at = performance.timeOrigin + performance.now();
    for (const r of records) postMessage({ path: r.relativePathComponents.join("/"), at });
  });
  await observer.observe(dir, { recursive: true });
  postMessage("observing");
};
`;

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** The rows, in a browser of their own: the lines of their table, and the targets missed. */
export async function watchRows() {
  const browser = await launch();
  try {
    const context = await browser.newContext();
    const { page } = await openPage(ISOLATED, context);
    // The files the page will write, made before anyone watches: each timed write is then one
    // change (modified), where the floor and Python hear the same event.
    await ev(page, async (n) => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle("picked-1", { create: true });
      for (const how of ["observer", "poll"]) for (let i = 0; i < n; i++) await dir.getFileHandle(`${how}-${i}.txt`, { create: true });
    }, WRITES);
    await ev(page, (code) => new Promise((resolve) => {
      globalThis.floorHeard = [];
      const w = new Worker(URL.createObjectURL(new Blob([code], { type: "text/javascript" })));
      w.onmessage = ({ data }) => (data === "observing" ? resolve(true) : globalThis.floorHeard.push(data));
      w.postMessage("picked-1");
    }), FLOOR);
    await ev(page, (code) => globalThis.runPy({ type: "py", code }), PYTHON);
    const reportOf = (step) => pythonReport(page, "the watch bench", step, 120000);
    const rows = {};
    for (const how of ["observer", "poll"]) {
      const started = await reportOf(`watching-${how}`);
      if (started.how !== how) throw new Error(`the watch bench: watching ${started.how}, not ${how}`);
      const python = [];
      const floor = [];
      for (let i = 0; i < WRITES; i++) {
        const name = `${how}-${i}.txt`;
        // At a moment of its own: a write just after a poll would wait the whole interval.
        await new Promise((r) => setTimeout(r, Math.random() * 1000));
        const wrote = await ev(page, async (n) => {
          const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle("picked-1");
          const w = await (await dir.getFileHandle(n)).createWritable();
          await w.write("a line");
          const at = performance.timeOrigin + performance.now();
          await w.close();
          return at;
        }, name);
        const heard = await waitFor(page, (n) => {
          const seen = globalThis.reports.find((r) => r.step === "seen" && r.path === `/d/${n}`);
          const floor = globalThis.floorHeard.find((r) => r.path === n);
          return seen && floor ? { python: seen.at, floor: floor.at } : null;
        }, name, { timeout: 30000, what: `Python and the floor to hear ${name}` });
        python.push(heard.python - wrote);
        floor.push(heard.floor - wrote);
      }
      rows[how] = { python: median(python), floor: median(floor), max: Math.max(...python) };
      await ev(page, () => globalThis.go("go"));
    }
    await reportOf("done");
    await context.close();
    return table(rows);
  } finally {
    await browser.close();
  }
}

function table(rows) {
  const ms = (x) => x.toFixed(1);
  const lines = ["", "## Watching", "", `From the page's write (the moment it closes its writable) to Python's \`awatch\` telling of it, on a direct mount, with awatch's defaults (changes gathered for \`step\` = 50 ms after the last; polled every second), against a FileSystemObserver of the page's own in a worker beside it, hearing the same writes; the median of ${WRITES} writes, each at a random moment:`, ""];
  lines.push("| watch | Python ms | max | floor ms (the browser's own observer) | note |", "|---|---:|---:|---:|---|");
  lines.push(`| observer | ${ms(rows.observer.python)} | ${ms(rows.observer.max)} | ${ms(rows.observer.floor)} | diagnosis: the floor, plus the 50 ms step, plus Python's wake |`);
  lines.push(`| poll | ${ms(rows.poll.python)} | ${ms(rows.poll.max)} | ${ms(rows.poll.floor)} | diagnosis: half the poll interval on average, at most one |`);
  return { lines, missed: 0 };
}

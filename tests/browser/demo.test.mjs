// The demo, both pages, driven with real clicks on its buttons and on the dialog;
// what each worker wrote must land in the picked folder. Screenshots go to target/.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, basename } from "node:path";
import { ISOLATED, PLAIN, useBrowser, ev, waitFor, click, clickInDialog, activationLapsed, picker } from "./harness.mjs";

const T = { timeout: 240000 };
const SHOTS = new URL("../../target/", import.meta.url).pathname;

// The demo page in a fresh context, once its Python worker is up.
async function openDemo(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  // The one stand-in: a picker that hands out origin-private folders.
  await context.addInitScript(() => {
    if (location.protocol.startsWith("http")) import(`${location.origin}/tests/browser/support/standin.js`);
  });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  await page.goto(`${base}/demo/`);
  await waitFor(page, () => globalThis.demo?.ready.python, null, { timeout: 60000, what: "the Python worker" }).catch(async (e) => {
    const said = await ev(page, () => ({
      python: document.querySelector("#python .result")?.textContent,
      banner: document.getElementById("banner")?.textContent,
      xworker: Boolean(document.querySelector("script[type=py]")?.xworker),
    }));
    throw new Error(`${e.message}\n  the demo said: ${JSON.stringify(said)}`);
  });
  return { context, page, problems };
}

describe("the demo", () => {
  const browser = useBrowser();
  // A file of the disk, which the test drops on the demo's zone as a person would.
  const dropped = join(mkdtempSync(join(tmpdir(), "fshandles-demo-")), "dropped.txt");
  before(() => {
    mkdirSync(SHOTS, { recursive: true });
    writeFileSync(dropped, "from disk");
  });
  after(() => rmSync(join(dropped, ".."), { recursive: true, force: true }));

  for (const [mode, base] of [["sab", ISOLATED], ["async", PLAIN]]) {
    it(`the ${mode} page: both workers pick, write, read and list one folder`, T, async (t) => {
      const { context, page, problems } = await openDemo(browser(), base);
      const banner = await ev(page, () => document.getElementById("banner").textContent);
      assert.match(banner, mode === "sab" ? /^Sab mode/ : /^Async mode/);

      const rows = () => ev(page, () => document.querySelectorAll("#log tr").length);
      async function press(worker, op) {
        const n = await rows();
        await click(page, `#${worker} [data-op=${op}]`);
        await waitFor(page, (n) => document.querySelectorAll("#log tr").length > n, n, { timeout: 60000, what: `${worker} ${op}` });
        const [cells] = await ev(page, () => [...document.querySelectorAll("#log tr")].slice(0, 1).map((r) => [...r.cells].map((c) => c.textContent)));
        const [, w, o, m, reply, rtt] = cells;
        assert.deepEqual([w, o], [worker, op]);
        assert.match(rtt, /^\d+\.\d ms$/);
        return { mode: m, reply };
      }

      // A click on a demo button is user activation: the picker opens at once.
      // Both workers on the folder first, then each writes: Python's sync must keep what the
      // Rust worker wrote after Python mounted.
      assert.match((await press("rust", "pick")).reply, /picked-1/);
      const py = await press("python", "pick");
      assert.deepEqual(py, { mode, reply: "mounted at /local" }, "the Python worker runs in the page's mode");
      assert.equal((await press("rust", "write")).reply, "wrote note-from-rust.txt");
      assert.equal((await press("rust", "list")).reply, "note-from-rust.txt");
      assert.equal((await press("python", "write")).reply, "wrote /local/note-from-python.txt");
      assert.equal((await press("rust", "list")).reply, "note-from-python.txt, note-from-rust.txt");
      assert.deepEqual(await press("rust", "read"), { mode, reply: "Hello from the Rust worker" }, "the Rust worker runs in the page's mode");
      assert.equal((await press("python", "list")).reply, "note-from-python.txt, note-from-rust.txt");
      assert.equal((await press("python", "read")).reply, "Hello from the Python worker");
      assert.equal((await press("rust", "regrant")).reply, "access granted");
      assert.equal((await picker(page)).calls, 1, "one folder, picked once, shared by both workers");
      for (const [file, text] of [["note-from-rust.txt", "Hello from the Rust worker"], ["note-from-python.txt", "Hello from the Python worker"]]) {
        const got = await ev(page, async (f) => {
          const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle("picked-1");
          return (await (await dir.getFileHandle(f)).getFile()).text();
        }, file);
        assert.equal(got, text, `${file} landed in the folder`);
      }

      // Revoke, then ask without a click: the permission dialog, answered with a real click.
      assert.equal((await press("python", "revoke")).reply, "forgotten");
      await activationLapsed(page);
      const asked = ev(page, () => globalThis.demo.run("python", "pick"));
      await clickInDialog(page, "authorize");
      assert.equal((await asked).text, "mounted at /local");
      assert.equal((await picker(page)).calls, 2);

      if (mode === "sab") {
        // What a Rust program doing file work does: blocking calls, never back to its event loop.
        const burst = await ev(page, () => globalThis.demo.send("rust", "loop", "10000"));
        assert.equal(burst.mode, "sab");
        assert.match(burst.text, /^10000 of 10000 blocking calls granted in \d+ ms$/);
        t.diagnostic(`gloo worker: ${burst.text}`);
      }
      assert.equal((await press("rust", "revoke")).reply, "forgotten");
      assert.equal((await press("rust", "revoke")).reply, "nothing was stored");

      // One file: "Open a file" picks one (a click: the picker at once), "Save result" asks
      // where the first time and saves there again the next; a file dropped on the zone.
      await ev(page, async () => {
        const files = await (await navigator.storage.getDirectory()).getDirectoryHandle("files", { create: true });
        const w = await (await files.getFileHandle("chosen.txt", { create: true })).createWritable();
        await w.write("a file of the user's");
        await w.close();
      });
      assert.equal((await press("python", "open")).reply, `opened chosen.txt (device): 20 bytes, starting b"a file of the user's"`);
      assert.equal((await press("python", "save")).reply, "saved");
      assert.equal((await press("python", "save")).reply, "saved");
      const seen = await picker(page);
      assert.equal(seen.fileCalls, 2, "one picker to open, one for the first save");
      const saved = await ev(page, async () => {
        const files = await (await navigator.storage.getDirectory()).getDirectoryHandle("files");
        return (await (await files.getFileHandle("result.txt")).getFile()).text();
      });
      assert.equal(saved, "Hello from the Python worker\n");
      const n = await rows();
      const box = await ev(page, () => {
        const r = document.getElementById("drop-zone").getBoundingClientRect();
        return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
      });
      const session = await context.newCDPSession(page);
      const data = { items: [], files: [dropped], dragOperationsMask: 1 };
      for (const type of ["dragEnter", "dragOver", "drop"]) await session.send("Input.dispatchDragEvent", { type, ...box, data });
      await waitFor(page, (n) => document.querySelectorAll("#log tr").length > n, n, { timeout: 60000, what: "the drop's reply" });
      const reply = await ev(page, () => document.querySelector("#log tr").cells[4].textContent);
      assert.equal(reply, `dropped file ${basename(dropped)}: 9 bytes, starting b'from disk'`);

      await page.screenshot({ path: `${SHOTS}demo-${mode}.png`, fullPage: true });
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  it("a browser without the File System Access API gets a clear message", T, async () => {
    const context = await browser().newContext();
    await context.addInitScript(() => {
      delete globalThis.showDirectoryPicker;
      delete Window.prototype.showDirectoryPicker;
    });
    const page = await context.newPage();
    await page.goto(`${PLAIN}/demo/`);
    await waitFor(page, () => globalThis.demo, null, { timeout: 60000 });
    assert.equal(await ev(page, () => document.getElementById("unsupported").hidden), false);
    const r = await ev(page, () => globalThis.demo.run("rust", "pick"));
    assert.equal(r.ok, false);
    assert.match(r.text, /NotSupportedError: this browser has no showDirectoryPicker/);
    await context.close();
  });
});

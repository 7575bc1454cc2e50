// Files in and out without the picker (fshandles_files.js): a folder of the device imported
// through the browser's own file dialog (`<input webkitdirectory>`, which Playwright answers
// with a real folder on disk), a file exported as a download. From the page's JS, and from
// Python through `fshandles.import_folder` and `fshandles.export`.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, writeFile, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ISOLATED, PLAIN, useBrowser, openHost, ev, waitFor, call, value, clickInDialog, dialogsOpen, activationLapsed } from "./harness.mjs";
import { PRELUDE } from "./python.mjs";

const T = { timeout: 180000 };
const UID = "/local@pyscript";
const RW = { id: "pyscript", mode: "readwrite" };

describe("files in and out without the picker", () => {
  const browser = useBrowser();
  let disk;
  let chosen;

  before(async () => {
    disk = await mkdtemp(join(tmpdir(), "fshandles-files-"));
    // The folder of the device the person chooses: one file differs from the folder's, one
    // is the same, one is new and deeper.
    chosen = join(disk, "chosen");
    await mkdir(join(chosen, "sub"), { recursive: true });
    await writeFile(join(chosen, "a.txt"), "mine");
    await writeFile(join(chosen, "same.txt"), "same");
    await writeFile(join(chosen, "sub", "b.txt"), "deep");
  });
  after(() => rm(disk, { recursive: true, force: true }));

  // Runs `start` (which opens the host's import dialog), clicks `choice`, and on Authorize
  // answers the browser's file dialog with the chosen folder.
  async function importThroughDialogs(page, start, choice = "authorize", options) {
    const answered = start();
    // Listened for before the click: Playwright takes over the file dialog only while it listens.
    const choosing = choice === "authorize" ? page.waitForEvent("filechooser", { timeout: 15000 }) : null;
    await clickInDialog(page, choice, options);
    if (choosing) {
      const chooser = await choosing;
      assert.equal(chooser.isMultiple(), true);
      await chooser.setFiles(chosen);
    }
    return answered;
  }

  it("JS: an import overwrites nothing, and a file goes out as a download", T, async () => {
    const { page, context, problems } = await openHost(browser(), PLAIN, "?nopicker&fallback");
    await ev(page, () => globalThis.spawn("w"));
    await value(page, "w", "connect", { mode: "async" });
    assert.deepEqual(await call(page, "w", "store", UID, RW), { ok: true, value: true });
    // What the folder holds already, written by the program: it must stay as it is.
    await ev(page, () => globalThis.writeFile("fshandles/pyscript", "a.txt", "theirs"));
    await ev(page, () => globalThis.writeFile("fshandles/pyscript", "same.txt", "same"));

    const r = await importThroughDialogs(page, () => ev(page, (uid) => globalThis.importInto(uid), UID));
    assert.deepEqual(r, { ok: true, value: { written: ["sub/b.txt"], same: ["same.txt"], renamed: [["a.txt", "a (imported 1).txt"]] } });
    const read = (name) => value(page, "w", "readFile", UID, name);
    assert.equal(await read("a.txt"), "theirs", "the folder's own file is untouched");
    assert.equal(await read("a (imported 1).txt"), "mine");
    assert.equal(await ev(page, () => globalThis.readFile("fshandles/pyscript/sub", "b.txt")), "deep");
    assert.equal(await dialogsOpen(page), 0);

    // Cancelled in the host's dialog (once the click above no longer counts as activation:
    // with activation there is no dialog, and the file dialog opens at once).
    await activationLapsed(page);
    const cancelled = await importThroughDialogs(page, () => ev(page, (uid) => globalThis.importInto(uid), UID), "cancel");
    assert.deepEqual(cancelled, { ok: true, value: null });

    const download = page.waitForEvent("download");
    const out = await ev(page, (uid) => globalThis.exportOut(uid, "sub/b.txt"), UID);
    assert.deepEqual(out, { ok: true, value: { name: "b.txt", size: 4 } });
    const got = await download;
    assert.equal(got.suggestedFilename(), "b.txt");
    assert.equal(await readFile(await got.path(), "utf8"), "deep");

    for (const [path, name] of [["../a.txt", "DataError"], ["", "DataError"], ["nope.txt", "NotFoundError"]]) {
      const refused = await ev(page, ([uid, p]) => globalThis.exportOut(uid, p), [UID, path]);
      assert.equal(refused.error?.name, name, `${path}: ${JSON.stringify(refused)}`);
    }
    const none = await ev(page, () => globalThis.importInto("/never@stored"));
    assert.equal(none.error?.name, "NotFoundError", JSON.stringify(none));
    assert.deepEqual(problems, []);
    await context.close();
  });

  for (const [type, mode, base] of [["mpy", "sab", ISOLATED], ["py", "async", PLAIN]]) {
    it(`Python (${type}, ${mode} mode): import_folder brings a folder in, export takes a file out`, T, async () => {
      const context = await browser().newContext();
      const page = await context.newPage();
      await page.goto(`${base}/tests/browser/pages/pyscript.html?nopicker&fallback`);
      await waitFor(page, () => globalThis.hostReady === true, null, { timeout: 30000 });
      const code = `${PRELUDE}
import fshandles
try:
    await fshandles.mount("/local")
    with open("/local/a.txt", "w") as f:
        f.write("theirs")
    await fshandles.sync("/local")
    report(step="mounted", kind=await fshandles.kind("/local"))
    got = await fshandles.import_folder("/local")
    with open("/local/out.txt", "w") as f:
        f.write(read("/local/sub/b.txt") + " and back")
    name = await fshandles.export("/local/out.txt")
    report(step="done", written=got.written, same=got.same, renamed=[list(r) for r in got.renamed],
           a=read("/local/a.txt"), imported=read("/local/a (imported 1).txt"), name=name)
except Exception as e:
    report(step="done", crashed=repr(e))
`;
      const download = page.waitForEvent("download", { timeout: 170000 });
      await ev(page, ([t, c]) => globalThis.runPy({ type: t, code: c }), [type, code]);
      const mounted = await waitFor(page, () => globalThis.reports.find((r) => r.step === "mounted" || r.crashed), null, { timeout: 120000, what: "the mount" });
      assert.equal(mounted.crashed, undefined, mounted.crashed);
      assert.equal(mounted.kind, "private");
      await importThroughDialogs(page, async () => {}, "authorize", { timeout: 30000 });
      const done = await waitFor(page, () => globalThis.reports.find((r) => r.step === "done"), null, { timeout: 60000, what: "the Python report" });
      assert.equal(done.crashed, undefined, `Python failed: ${done.crashed}`);
      assert.deepEqual(done, {
        step: "done",
        written: ["same.txt", "sub/b.txt"],
        same: [],
        renamed: [["a.txt", "a (imported 1).txt"]],
        a: "theirs",
        imported: "mine",
        name: "out.txt",
      });
      const got = await download;
      assert.equal(got.suggestedFilename(), "out.txt");
      assert.equal(await readFile(await got.path(), "utf8"), "deep and back");
      await context.close();
    });
  }
});

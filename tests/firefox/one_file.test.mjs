// One file in and out of a PyScript worker in real Firefox, which has no file pickers: the
// same `fshandles.open_file` opens the browser's own file dialog (after a click on the host's
// dialog, when the page has had none), and `save_file` offers a download. On the tests'
// hand-wired PyScript page, whose workers find fshandles_file.js beside the copy engine.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { readFile, rm } from "node:fs/promises";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PRELUDE } from "../browser/python.mjs";
import { ISOLATED, PLAIN, useBrowser, pyscriptPage, runPython, reportOf, waitFor } from "./harness.mjs";

const T = { timeout: 240000 };

describe("Firefox: one file in and out, through the file dialog and a download", () => {
  const downloads = join(tmpdir(), `fshandles-firefox-downloads-${process.pid}`);
  const browser = useBrowser(() => (mkdirSync(downloads, { recursive: true }), downloads));
  after(() => rm(downloads, { recursive: true, force: true }));

  // Nobody can choose in a headless Firefox's file dialog, so the harness has Firefox close each
  // one as it opens, as a person's cancel (page.dismissFilePickers): the test sees it open
  // (from the worker's call, through the host's dialog's click) and the cancel come back as
  // NotGrantedError, with nothing kept. The Chromium tests choose a file in the
  // same dialog (tests/browser/one_file.test.mjs, "no file pickers").
  for (const [type, mode, base] of [["mpy", "sab", ISOLATED], ["py", "async", PLAIN]]) {
    it(`${type}, ${mode} mode: open_file opens the file dialog (a cancel: NotGrantedError), save_file downloads`, T, async () => {
      const page = await pyscriptPage(browser(), base);
      const saved = `result-${type}-${mode}.txt`;
      // Each file dialog the page opens, seen on its way to the browser's own.
      await page.dismissFilePickers();
      await page.evaluate(() => {
        window.fileDialogs = [];
        const click = HTMLInputElement.prototype.click;
        HTMLInputElement.prototype.click = function () {
          if (this.type === "file") window.fileDialogs.push({ multiple: this.multiple, accept: this.accept });
          return click.call(this);
        };
      });
      await runPython(page, type, `${PRELUDE}
import fshandles
try:
    try:
        await fshandles.open_file("/data/in.csv", id="csv", accept={"text/csv": [".csv"]})
        opened = "opened"
    except fshandles.NotGrantedError:
        opened = "NotGrantedError"
    with open("/out.txt", "w") as f:
        f.write("a,b\\n1,2\\n".upper())
    how = await fshandles.save_file("/out.txt", suggested_name="${saved}", id="out")
    report(step="done", opened=opened, how=how)
except Exception as e:
    report(step="done", crashed=repr(e))
`);
      const first = await waitFor(
        page,
        () => (document.querySelector("dialog.fshandles-dialog[open]") ? "dialog" : globalThis.reports.length ? "reported" : null),
        null,
        { timeout: 180000, what: "the host's dialog or Python's report" },
      );
      if (first === "dialog") await page.click("dialog.fshandles-dialog[open] .fshandles-authorize");
      const report = await reportOf(page, ["done"]);
      assert.equal(report.crashed, undefined, `Python failed: ${report.crashed}`);
      assert.deepEqual(await page.evaluate(() => window.fileDialogs), [{ multiple: false, accept: "text/csv,.csv" }]);
      assert.deepEqual(report, { step: "done", opened: "NotGrantedError", how: "downloaded" });
      const file = join(downloads, saved);
      // A fresh profile's first download starts Firefox's download service. Once in about thirty
      // runs (a clean-clone CI run) no file came within 15 s, and Firefox printed nothing of
      // it: the wait is longer now, and one that runs out lists the folder and Firefox's output.
      const end = Date.now() + 60000;
      while (!existsSync(file) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      assert.ok(existsSync(file), `no ${saved} in 60 s; the downloads folder holds ${JSON.stringify(readdirSync(downloads))}; Firefox said:\n${page.firefox.printed()}`);
      assert.equal(await readFile(file, "utf8"), "A,B\n1,2\n");
      assert.deepEqual(page.problems, []);
      await page.close();
    });
  }
});

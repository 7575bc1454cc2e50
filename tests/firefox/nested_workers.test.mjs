// The way these tests drive Firefox must not change what a page's workers can do: under a
// WebDriver BiDi session, Firefox 153's `new Worker()` in a worker sometimes never returns
// (marionette.mjs), and a direct mount's first mount, which makes its I/O worker so, hung.
// Here a worker makes and ends 300 workers one after the other, which under BiDi hung within
// a few hundred every time it was tried.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ISOLATED, useBrowser, newPage, waitFor } from "./harness.mjs";

describe("Firefox: nested workers", () => {
  const browser = useBrowser();

  it("a worker makes and ends 300 workers, one after the other, and none hangs", { timeout: 120000 }, async () => {
    const page = await newPage(browser());
    await page.goto(`${ISOLATED}/tests/firefox/pages/nested.html?rounds=300`);
    const last = await waitFor(page, () => globalThis.nested?.at(-1) === "done" && "done", null, {
      timeout: 60000,
      what: "the 300th nested worker",
    }).catch(async (e) => {
      throw new Error(`${e.message}\nthe worker got to: ${await page.evaluate(() => globalThis.nested.at(-1))}`);
    });
    assert.equal(last, "done");
    assert.deepEqual(page.problems, []);
    await page.close();
  });
});

// Static hosting, where a page cannot be served with COOP/COEP: coi-serviceworker (npm) at the
// site's root isolates the page, and workers get sab mode on the plain server.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PLAIN, useBrowser, ev, value, call, said, picker, clickInDialog } from "./harness.mjs";

const T = { timeout: 60000 };
const UID = "/local@pyscript";
const RW = { id: "pyscript", mode: "readwrite" };

describe("static hosting: cross-origin isolation by a service worker", () => {
  const browser = useBrowser();

  it("coi-serviceworker isolates a page of the plain server: auto is sab, a store and a write work", T, async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    const problems = [];
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(`${PLAIN}/tests/browser/pages/coi.html`);
    // The first load registers the service worker and reloads once; the second is isolated.
    // (Polled through `ev`, without user activation; an evaluation the reload cuts short is
    // polled again.)
    const end = Date.now() + 20000;
    while (!(await ev(page, () => globalThis.crossOriginIsolated === true && globalThis.hostReady === true).catch(() => false))) {
      if (Date.now() > end) throw new Error(`the page was not isolated by its service worker in 20 s; the page said:\n${said(page)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(await ev(page, () => typeof SharedArrayBuffer), "function");
    await ev(page, () => globalThis.spawn("w"));
    assert.equal(await value(page, "w", "connect", {}), "sab", "auto chose sab");
    const stored = call(page, "w", "store", UID, RW);
    await clickInDialog(page, "authorize");
    assert.deepEqual(await stored, { ok: true, value: true });
    assert.equal((await picker(page)).calls, 1);
    assert.equal(await value(page, "w", "writeFile", UID, "note.txt", "isolated by a service worker"), true);
    assert.equal(await ev(page, () => globalThis.readFile("picked-1", "note.txt")), "isolated by a service worker");
    assert.deepEqual(problems, []);
    await context.close();
  });
});

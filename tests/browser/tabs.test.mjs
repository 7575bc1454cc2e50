// Two tabs of one origin, each with its own FsHost, agree on what is stored.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ISOLATED, PLAIN, useBrowser, openHost, ev, call, value, picker, setPicker, clickInDialog, dialogsOpen, activationLapsed } from "./harness.mjs";

const T = { timeout: 120000 };
const UID = "/local@pyscript";
const RW = { id: "pyscript", mode: "readwrite" };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe("two tabs, one origin", () => {
  const browser = useBrowser();

  // A page of `context` with a host and a connected worker "w".
  async function tab(base, context, mode, folder) {
    const session = await openHost(browser(), base, "", context);
    await ev(session.page, () => globalThis.spawn("w"));
    assert.equal(await value(session.page, "w", "connect", { mode }), mode);
    // Each page's picker stand-in counts on its own: name the folders apart.
    await setPicker(session.page, { folder });
    return session;
  }

  const prompts = async (page) => {
    const p = await picker(page);
    return p.calls + p.dialogs;
  };

  for (const [mode, base] of [["sab", ISOLATED], ["async", PLAIN]]) {
    it(`${mode}: a store and a delete in one tab are seen by the other's next call`, T, async () => {
      const context = await browser().newContext();
      const a = await tab(base, context, mode, "from-a");
      const b = await tab(base, context, mode, "from-b");
      const stored = call(a.page, "w", "store", UID, RW);
      await clickInDialog(a.page, "authorize");
      assert.deepEqual(await stored, { ok: true, value: true });
      assert.equal(await value(b.page, "w", "store", UID, RW), true, "B finds A's folder");
      assert.equal(await prompts(b.page), 0);
      assert.equal(await value(b.page, "w", "handleName", UID), "from-a");

      assert.equal(await value(b.page, "w", "delete", UID), true);
      assert.equal(await ev(a.page, (uid) => globalThis.idbRecord(uid), UID), null);
      // A must not answer from memory: nothing is stored, so it asks (and the person cancels).
      await activationLapsed(a.page);
      const again = call(a.page, "w", "store", UID, RW);
      await clickInDialog(a.page, "cancel");
      assert.deepEqual(await again, { ok: true, value: false });
      assert.equal(await value(a.page, "w", "delete", UID), false, "A and IndexedDB agree");
      await context.close();
    });

    it(`${mode}: B stores another folder; A's worker gets B's folder`, T, async () => {
      const context = await browser().newContext();
      const a = await tab(base, context, mode, "from-a");
      const b = await tab(base, context, mode, "from-b");
      const stored = call(a.page, "w", "store", UID, RW);
      await clickInDialog(a.page, "authorize");
      assert.equal((await stored).value, true);
      assert.equal(await value(a.page, "w", "handleName", UID), "from-a");
      const asked = await prompts(a.page);

      assert.equal(await value(b.page, "w", "delete", UID), true);
      const replaced = call(b.page, "w", "store", UID, RW);
      await clickInDialog(b.page, "authorize");
      assert.equal((await replaced).value, true);

      assert.equal(await value(a.page, "w", "store", UID, RW), true);
      assert.equal(await prompts(a.page), asked, "A asked nothing more");
      assert.equal(await value(a.page, "w", "handleName", UID), "from-b", "A's worker holds B's folder now");
      assert.equal(await value(a.page, "w", "writeFile", UID, "a.txt", "from A"), true);
      assert.equal(await ev(b.page, () => globalThis.readFile("from-b", "a.txt")), "from A");
      await context.close();
    });

    it(`${mode}: a tab opened while another prompts waits for that answer: one picker in all`, T, async () => {
      const context = await browser().newContext();
      const a = await tab(base, context, mode, "from-a");
      const first = call(a.page, "w", "store", UID, RW);
      await ev(a.page, () => new Promise((r) => {
        const t = setInterval(() => document.querySelector("dialog.fshandles-dialog[open]") && (clearInterval(t), r()), 20);
      }));
      const b = await tab(base, context, mode, "from-b");
      const second = call(b.page, "w", "store", UID, RW);
      await sleep(500);
      assert.equal(await dialogsOpen(b.page), 0, "B shows no second prompt");
      await clickInDialog(a.page, "authorize");
      assert.deepEqual(await first, { ok: true, value: true });
      assert.deepEqual(await second, { ok: true, value: true });
      assert.equal(await prompts(b.page), 0);
      assert.equal(await value(b.page, "w", "handleName", UID), "from-a");
      await context.close();
    });
  }
});

// The core scenarios, for one mode on one server: a worker asks, the host prompts (or not),
// the worker gets the folder and writes into it, the page reads it back.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { useBrowser, openHost, reload, ev, waitFor, click, call, value, picker, setPicker, clickInDialog, dialogsOpen, activationLapsed } from "./harness.mjs";

// A browser test that hangs fails instead of stalling the run.
const T = { timeout: 60000 };

const UID = "/local@pyscript";
const RW = { id: "pyscript", mode: "readwrite" };

export function scenarios({ mode, base }) {
  describe(`core scenarios, ${mode} mode`, () => {
    const browser = useBrowser();

    async function withWorker(query = "") {
      const session = await openHost(browser(), base, query);
      await ev(session.page, () => globalThis.spawn("w"));
      assert.equal(await value(session.page, "w", "connect", { mode }), mode);
      return session;
    }

    // Stores UID from worker "w" through the dialog; resolves with the answer.
    async function storeThroughDialog(page, choice = "authorize", uid = UID, options = RW) {
      const answer = call(page, "w", "store", uid, options);
      await clickInDialog(page, choice);
      return answer;
    }

    it("calls return the mode's type: boolean in sab mode, a Promise in async mode", T, async () => {
      const { page, context } = await withWorker();
      // An invalid uid answers at once: thrown in sab mode, a rejected Promise in async mode.
      const r = await call(page, "w", "storeType", "", RW);
      if (mode === "sab") {
        assert.equal(r.ok, false);
        assert.equal(r.error.name, "DataError");
      } else {
        assert.deepEqual(r, { ok: true, value: "promise" });
      }
      const typed = call(page, "w", "storeType", "/typed@x", { mode: "read" });
      if (mode === "sab") await clickInDialog(page, "cancel"); // the worker blocks until answered
      assert.deepEqual(await typed, { ok: true, value: mode === "sab" ? "boolean" : "promise" });
      await context.close();
    });

    it("stores a folder through the dialog; the worker writes a file the page reads back", T, async () => {
      const { page, context, problems } = await withWorker();
      const r = await storeThroughDialog(page);
      assert.deepEqual(r, { ok: true, value: true });
      const p = await picker(page);
      assert.equal(p.calls, 1);
      assert.equal(p.refused, 0, "the picker ran with user activation");
      assert.deepEqual(p.lastOptions, { id: "pyscript", mode: "readwrite" });
      assert.equal(await dialogsOpen(page), 0, "the dialog is gone from the DOM");
      assert.equal(await value(page, "w", "handleName", UID), "picked-1");
      assert.equal(await value(page, "w", "writeFile", UID, "note.txt", "hello from the worker"), true);
      assert.equal(await ev(page, () => globalThis.readFile("picked-1", "note.txt")), "hello from the worker");
      const record = await ev(page, (uid) => globalThis.idbRecord(uid), UID);
      assert.deepEqual(record, {
        bare: false,
        handler: "picked-1",
        handlerKind: "directory",
        options: { id: "pyscript", mode: "readwrite" },
      });
      assert.deepEqual(problems, []);
      await context.close();
    });

    it("a stored folder with permission answers true with no prompt", T, async () => {
      const { page, context } = await withWorker();
      assert.equal((await storeThroughDialog(page)).value, true);
      const before = await picker(page);
      assert.equal(await value(page, "w", "store", UID, RW), true);
      assert.equal(await value(page, "w", "store", UID, { mode: "read" }), true);
      const after = await picker(page);
      assert.equal(after.calls, before.calls);
      assert.equal(after.dialogs, before.dialogs);
      await context.close();
    });

    it("the record persists: after a reload a new host answers from IndexedDB with no prompt", T, async () => {
      const { page, context } = await withWorker();
      assert.equal((await storeThroughDialog(page)).value, true);
      await reload(page);
      await ev(page, () => globalThis.spawn("w"));
      await value(page, "w", "connect", { mode });
      assert.equal(await value(page, "w", "store", UID, RW), true);
      assert.equal(await value(page, "w", "handleName", UID), "picked-1");
      const p = await picker(page);
      assert.equal(p.calls, 0);
      assert.equal(p.dialogs, 0);
      await context.close();
    });

    it("get re-grants permission on the stored folder without a second picker", T, async () => {
      const { page, context } = await withWorker("?permissions");
      assert.equal((await storeThroughDialog(page)).value, true);
      await ev(page, () => globalThis.picker.revoked.add("picked-1"));
      await activationLapsed(page);
      const answer = call(page, "w", "get", UID, RW);
      await clickInDialog(page, "authorize");
      assert.deepEqual(await answer, { ok: true, value: true });
      const p = await picker(page);
      assert.equal(p.calls, 1, "no second picker");
      assert.deepEqual(p.revoked, []);
      assert.equal(await value(page, "w", "handleName", UID), "picked-1");
      await context.close();
    });

    // Stores UID, then has the browser drop its permission and the person refuse the re-grant
    // that `op` asks for; resolves with op's answer.
    async function refusedRegrant(page, op) {
      assert.equal((await storeThroughDialog(page)).value, true);
      await ev(page, () => {
        globalThis.picker.revoked.add("picked-1");
        globalThis.picker.deny = true;
      });
      await activationLapsed(page);
      const answer = call(page, "w", op, UID, RW);
      await clickInDialog(page, "authorize");
      return answer;
    }

    it("get picks anew when the re-grant is refused, and writes the new folder back", T, async () => {
      const { page, context } = await withWorker("?permissions");
      assert.deepEqual(await refusedRegrant(page, "get"), { ok: true, value: true });
      assert.equal((await picker(page)).calls, 2);
      assert.equal((await ev(page, (uid) => globalThis.idbRecord(uid), UID)).handler, "picked-2");
      assert.equal(await value(page, "w", "handleName", UID), "picked-2");
      await context.close();
    });

    it("store answers false when the re-grant is refused", T, async () => {
      const { page, context } = await withWorker("?permissions");
      assert.deepEqual(await refusedRegrant(page, "store"), { ok: true, value: false });
      assert.equal((await picker(page)).calls, 1);
      await context.close();
    });

    it("delete forgets the folder; the next store prompts again", T, async () => {
      const { page, context } = await withWorker();
      assert.equal((await storeThroughDialog(page)).value, true);
      assert.equal(await value(page, "w", "delete", UID), true);
      assert.equal(await value(page, "w", "delete", UID), false);
      assert.equal(await ev(page, (uid) => globalThis.idbRecord(uid), UID), null);
      const r = await call(page, "w", "handleName", UID);
      assert.equal(r.error?.name, "NotFoundError");
      await activationLapsed(page);
      assert.deepEqual(await storeThroughDialog(page), { ok: true, value: true });
      const p = await picker(page);
      assert.equal(p.calls, 2);
      assert.equal(p.dialogs, 2);
      await context.close();
    });

    it("Cancel in the dialog answers false and removes the dialog", T, async () => {
      const { page, context } = await withWorker();
      assert.deepEqual(await storeThroughDialog(page, "cancel"), { ok: true, value: false });
      assert.equal(await dialogsOpen(page), 0);
      assert.equal((await picker(page)).calls, 0);
      await context.close();
    });

    it("Escape closes the dialog and answers false", T, async () => {
      const { page, context } = await withWorker();
      const answer = call(page, "w", "store", UID, RW);
      await waitFor(page, () => document.querySelector("dialog.fshandles-dialog[open]"));
      assert.equal(await ev(page, () => globalThis.activeIsAuthorize()), true, "focus starts on Authorize");
      const named = await ev(page, () => {
        const { name, description } = globalThis.dialogSeen();
        return { name, description };
      });
      assert.deepEqual(
        named,
        {
          name: "Choose a folder?",
          description: "A worker on this page asks for a folder on your device (read and write access). You will choose which one.",
        },
        "a screen reader reads the dialog's title as its name and its text as its description",
      );
      await page.keyboard.press("Escape");
      assert.deepEqual(await answer, { ok: true, value: false });
      assert.equal(await dialogsOpen(page), 0);
      await context.close();
    });

    it("a cancelled picker answers false", T, async () => {
      const { page, context } = await withWorker();
      await setPicker(page, { mode: "cancel" });
      assert.deepEqual(await storeThroughDialog(page), { ok: true, value: false });
      assert.equal((await picker(page)).calls, 1);
      assert.equal(await ev(page, (uid) => globalThis.idbRecord(uid), UID), null);
      await context.close();
    });

    it("with user activation already there, the picker opens at once, with no dialog", T, async () => {
      const { page, context } = await withWorker();
      const answer = ev(page, ([uid, o]) => globalThis.callOnClick("w", "store", uid, o), [UID, RW]);
      await waitFor(page, () => globalThis.clickArmed);
      await click(page, "#act");
      assert.deepEqual(await answer, { ok: true, value: true });
      const p = await picker(page);
      assert.equal(p.calls, 1);
      assert.equal(p.dialogs, 0);
      await context.close();
    });

    it("without showDirectoryPicker, a NotSupportedError that says so", T, async () => {
      const { page, context } = await withWorker("?nopicker");
      const r = await call(page, "w", "store", UID, RW);
      assert.equal(r.ok, false);
      assert.equal(r.error.name, "NotSupportedError");
      assert.match(r.error.message, /showDirectoryPicker/);
      assert.equal(await dialogsOpen(page), 0);
      await context.close();
    });

    it("two workers asking at once for the same uid see one prompt and one answer", T, async () => {
      const { page, context } = await withWorker();
      await ev(page, () => globalThis.spawn("w2"));
      await value(page, "w2", "connect", { mode });
      const a = call(page, "w", "store", UID, RW);
      const b = call(page, "w2", "store", UID, RW);
      await clickInDialog(page, "authorize");
      assert.deepEqual(await a, { ok: true, value: true });
      assert.deepEqual(await b, { ok: true, value: true });
      const p = await picker(page);
      assert.equal(p.calls, 1);
      assert.equal(p.dialogs, 1);
      assert.equal(await value(page, "w2", "handleName", UID), "picked-1");
      await context.close();
    });

    it("prompts for different uids come one at a time", T, async () => {
      const { page, context } = await withWorker();
      await ev(page, () => globalThis.spawn("w2"));
      await value(page, "w2", "connect", { mode });
      await setPicker(page, { delayMs: 300 });
      const a = call(page, "w", "store", "/a@x", RW);
      const b = call(page, "w2", "store", "/b@x", RW);
      await waitFor(page, () => globalThis.host.pendingPrompts === 2 && globalThis.dialogOpen() === 1);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(await dialogsOpen(page), 1, "one dialog while two prompts wait");
      await clickInDialog(page, "authorize");
      // The second prompt gets its turn only once the first is answered; the click's user
      // activation is still fresh then, so it opens its picker without a dialog of its own.
      assert.deepEqual([await a, await b].map((r) => r.value), [true, true]);
      const p = await picker(page);
      assert.equal(p.calls, 2);
      assert.equal(p.dialogs, 1);
      assert.deepEqual(p.picked, ["picked-1", "picked-2"]);
      // Either worker's request may reach the host first; each uid got a folder of its own.
      const names = [await value(page, "w", "handleName", "/a@x"), await value(page, "w2", "handleName", "/b@x")];
      assert.deepEqual(names.sort(), ["picked-1", "picked-2"]);
      await context.close();
    });

    it("invalid input gets a DataError, and the worker keeps working", T, async () => {
      const { page, context } = await withWorker();
      for (const [uid, options, why] of [
        ["", RW, /empty/],
        ["x".repeat(1025), RW, /1025 bytes/],
        [UID, { mode: "write" }, /unknown mode/],
        [UID, { hint: "home" }, /startIn\/hint/],
        [UID, { id: "has space" }, /picker id/],
      ]) {
        const r = await call(page, "w", "store", uid, options);
        assert.equal(r.ok, false);
        assert.equal(r.error.name, "DataError");
        assert.match(r.error.message, why);
      }
      for (const [options, why] of [
        [{ bufferBytes: 1.5 }, /bufferBytes must be a whole number of bytes/],
        [{ bufferBytes: -4 }, /bufferBytes must be a whole number of bytes/],
        [{ timeoutMs: 0 }, /timeoutMs must be a positive number of milliseconds/],
      ]) {
        const r = await call(page, "w", "connect", { mode, ...options });
        assert.deepEqual([r.ok, r.error?.name], [false, "DataError"]);
        assert.match(r.error.message, why);
      }
      assert.equal(await value(page, "w", "delete", "/nothing@here"), false);
      await context.close();
    });

    it("PyScript's hint is passed to the picker as startIn", T, async () => {
      const { page, context } = await withWorker();
      const answer = call(page, "w", "store", UID, { id: "docs", mode: "read", hint: "documents" });
      await clickInDialog(page, "authorize");
      assert.equal((await answer).value, true);
      assert.deepEqual((await picker(page)).lastOptions, { id: "docs", mode: "read", startIn: "documents", hint: "documents" });
      await context.close();
    });

    it("detach mid-session: the call in flight ends with DetachedError, the dialog goes, later calls fail fast until attached again", T, async () => {
      const { page, context } = await withWorker();
      const answer = call(page, "w", "store", UID, RW);
      await waitFor(page, () => document.querySelector("dialog.fshandles-dialog[open]"));
      assert.equal(await ev(page, () => globalThis.detach("w")), true);
      const r = await answer;
      assert.equal(r.ok, false);
      assert.equal(r.error.name, "DetachedError");
      assert.equal(await dialogsOpen(page), 0);
      assert.equal(await ev(page, () => globalThis.host.pendingPrompts), 0);
      // No host now: the next call says the host let go, within timeoutMs, and does not hang.
      const started = Date.now();
      const later = await call(page, "w", "delete", UID);
      assert.equal(later.error?.name, "DetachedError", JSON.stringify(later));
      assert.ok(Date.now() - started < 5000, `answered after ${Date.now() - started} ms`);
      // Attached again: the same client goes on.
      await ev(page, () => globalThis.host.attach(globalThis.workers.get("w").worker));
      assert.equal(await value(page, "w", "delete", UID), false);
      await context.close();
    });

    it("a host dropped mid-session (host.free()): calls end with DetachedError, none hangs", T, async () => {
      const { page, context } = await withWorker();
      const stored = call(page, "w", "store", UID, RW);
      await clickInDialog(page, "authorize");
      assert.deepEqual(await stored, { ok: true, value: true });
      await ev(page, () => globalThis.host.free());
      const r = await call(page, "w", "store", UID, RW);
      assert.equal(r.error?.name, "DetachedError", JSON.stringify(r));
      await context.close();
    });
  });
}

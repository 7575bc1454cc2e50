// The prompt in the page's words and look, or the page's own prompt (`new FsHost({dialog,
// onPrompt})`): the words reach the DOM and the accessibility tree, the look follows the
// colour scheme and gives way to the page's CSS (under a strict CSP too), and an own prompt
// settled by a real click opens the picker as the dialog's Authorize does.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ISOLATED, useBrowser, openHost, ev, waitFor, click, call, value, picker, clickInDialog, dialogsOpen, activationLapsed } from "./harness.mjs";

const T = { timeout: 60000 };
const UID = "/local@pyscript";
const RW = { id: "pyscript", mode: "readwrite" };
const WHITE = "rgb(255, 255, 255)";

describe("the prompt in the page's words and look, or the page's own", () => {
  const browser = useBrowser();

  async function withWorker(query = "", context = null) {
    const session = await openHost(browser(), ISOLATED, query, context);
    await ev(session.page, () => globalThis.spawn("w"));
    assert.equal(await value(session.page, "w", "connect", { mode: "sab" }), "sab");
    return session;
  }

  const dialogSeen = (page) =>
    waitFor(page, () => globalThis.dialogSeen(), null, { what: "the host's dialog, open" });

  it("the page's words for a pick and for a re-grant, {name} and {mode} filled in, name and describe the dialog", T, async () => {
    const { page, context, problems } = await withWorker("?dialog=fr&permissions&ttl=0");
    const stored = call(page, "w", "store", UID, RW);
    const pick = await dialogSeen(page);
    assert.deepEqual([pick.kind, pick.name, pick.description, pick.buttons], [
      "pick", "Choisir un dossier ?", "Un worker demande un dossier (lecture et écriture).", ["Annuler", "Autoriser"],
    ]);
    await clickInDialog(page, "authorize");
    assert.deepEqual(await stored, { ok: true, value: true });
    await ev(page, () => globalThis.picker.revoked.add("picked-1"));
    await activationLapsed(page);
    const again = call(page, "w", "get", UID, { id: "pyscript", mode: "read" });
    const regrant = await dialogSeen(page);
    assert.deepEqual([regrant.kind, regrant.name, regrant.description, regrant.buttons], [
      "regrant", "Autoriser encore ?", "Un worker demande encore « picked-1 » (lecture).", ["Non", "Oui"],
    ]);
    await clickInDialog(page, "authorize");
    assert.deepEqual(await again, { ok: true, value: true });
    assert.equal((await picker(page)).calls, 1, "the re-grant asked again, with no second picker");
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("the built-in look follows the colour scheme: light, and dark on a dark-scheme page", T, async () => {
    for (const [scheme, background] of [["light", WHITE], ["dark", "rgb(30, 34, 43)"]]) {
      const { page, context } = await withWorker("", await browser().newContext({ colorScheme: scheme }));
      const stored = call(page, "w", "store", UID, RW);
      const seen = await dialogSeen(page);
      assert.equal(seen.dialog.background, background, scheme);
      assert.notEqual(seen.dialog.color, background, `${scheme}: text and background differ`);
      assert.equal(seen.dialog.radius, "14px");
      await clickInDialog(page, "cancel");
      assert.deepEqual(await stored, { ok: true, value: false });
      await context.close();
    }
  });

  it("the page's CSS wins over the built-in look with no !important; under a strict CSP the look still applies", T, async () => {
    const { page, context } = await withWorker();
    // Plain rules of lower specificity than the built-in ones: they win by the cascade layer.
    await ev(page, (css) => document.head.append(Object.assign(document.createElement("style"), { textContent: css })),
      ".fshandles-dialog { background-color: rgb(1, 2, 3); border-radius: 0; } .fshandles-authorize { color: rgb(4, 5, 6); }");
    const stored = call(page, "w", "store", UID, RW);
    const seen = await dialogSeen(page);
    assert.deepEqual([seen.dialog.background, seen.dialog.radius, seen.authorize.color], ["rgb(1, 2, 3)", "0px", "rgb(4, 5, 6)"]);
    await clickInDialog(page, "cancel");
    assert.deepEqual(await stored, { ok: true, value: false });
    await context.close();

    const strict = await withWorker("?csp");
    const asked = call(strict.page, "w", "store", UID, RW);
    const styled = await dialogSeen(strict.page);
    assert.deepEqual([styled.dialog.background, styled.dialog.radius], [WHITE, "14px"]);
    await clickInDialog(strict.page, "authorize");
    assert.deepEqual(await asked, { ok: true, value: true });
    assert.deepEqual(strict.problems, [], "no CSP violation reported");
    await strict.context.close();
  });

  it("an own prompt settled by a real click opens the picker; the host shows no dialog; a re-grant says its folder", T, async () => {
    const { page, context, problems } = await withWorker("?ownprompt&permissions&ttl=0");
    const stored = call(page, "w", "store", UID, RW);
    await click(page, "#own-yes");
    assert.deepEqual(await stored, { ok: true, value: true });
    const p = await picker(page);
    assert.deepEqual([p.calls, p.refused], [1, 0], "the picker ran with the click's activation");
    await ev(page, () => globalThis.picker.revoked.add("picked-1"));
    await activationLapsed(page);
    const again = call(page, "w", "get", UID, RW);
    await click(page, "#own-yes");
    assert.deepEqual(await again, { ok: true, value: true });
    assert.deepEqual(await ev(page, () => globalThis.ownPrompts()), [
      { uid: UID, kind: "pick", mode: "readwrite", name: "", aborted: false },
      { uid: UID, kind: "regrant", mode: "readwrite", name: "picked-1", aborted: false },
    ]);
    assert.equal(await dialogsOpen(page), 0);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("an own prompt declined answers false; one settled with no click fails as the picker does; one nobody needs is aborted", T, async () => {
    const { page, context } = await withWorker("?ownprompt");
    const declined = call(page, "w", "store", UID, RW);
    await click(page, "#own-no");
    assert.deepEqual(await declined, { ok: true, value: false });
    assert.equal((await picker(page)).calls, 0);

    await activationLapsed(page);
    const unclicked = call(page, "w", "store", UID, RW);
    await waitFor(page, () => globalThis.ownPrompts().length === 2, null, { what: "the second own prompt" });
    await ev(page, () => globalThis.answerOwnPrompt(true));
    const r = await unclicked;
    assert.equal(r.ok, false, JSON.stringify(r));
    assert.equal(r.error.name, "SecurityError", r.error.message);
    assert.equal((await picker(page)).refused, 1, "the picker refused for want of activation");

    const orphan = call(page, "w", "store", UID, RW);
    await waitFor(page, () => globalThis.ownPrompts().length === 3, null, { what: "the third own prompt" });
    await ev(page, () => globalThis.detach("w"));
    const ended = await orphan;
    assert.equal(ended.error?.name, "DetachedError", JSON.stringify(ended));
    await waitFor(page, () => globalThis.ownPrompts()[2].aborted, null, { what: "the own prompt's signal to abort" });
    await context.close();
  });

  it("malformed prompt options: a DataError from new FsHost, or from the first prompt for words that are not strings", T, async () => {
    const { page, context } = await withWorker("?dialog=bad");
    for (const options of [{ onPrompt: 5 }, { dialog: "words" }, { dialog: null }]) {
      const refused = await ev(page, (o) => globalThis.hostRefuses(o), options);
      assert.equal(refused?.name, "DataError", JSON.stringify(options));
      assert.equal(refused.isError, true);
    }
    assert.equal(await ev(page, () => globalThis.hostRefuses({ dialog: {}, onPrompt: () => true })), null);
    const r = await call(page, "w", "store", UID, RW);
    assert.equal(r.ok, false, JSON.stringify(r));
    assert.equal(r.error.name, "DataError");
    assert.match(r.error.message, /dialog\.pick\.title must be a string/);
    assert.equal(await dialogsOpen(page), 0);
    await context.close();

    // Words given as a string where an object of them goes: said so, at the first prompt.
    const flat = await withWorker("?dialog=flat");
    const f = await call(flat.page, "w", "store", UID, RW);
    assert.equal(f.error?.name, "DataError", JSON.stringify(f));
    assert.match(f.error.message, /dialog\.regrant must be an object/);
    await flat.context.close();
  });
});

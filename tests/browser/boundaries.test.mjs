// Boundaries: the host answers only workers attached to it, and everything runs under a
// Content-Security-Policy that forbids eval and inline script.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ISOLATED, useBrowser, openHost, ev, call, value, clickInDialog } from "./harness.mjs";

const T = { timeout: 60000 };
const UID = "/local@pyscript";

describe("boundaries", () => {
  const browser = useBrowser();

  it("a worker the host was not attached to is not served, in either mode", T, async () => {
    const { page, context, problems } = await openHost(browser(), ISOLATED);
    for (const mode of ["sab", "async"]) {
      const name = `stranger-${mode}`;
      await ev(page, (n) => globalThis.spawn(n, { attach: false }), name);
      await value(page, name, "connect", { mode, timeoutMs: 300 });
      const r = await call(page, name, "store", UID, {});
      assert.equal(r.error?.name, "TimeoutError", mode);
      assert.equal(await ev(page, (n) => globalThis.served(n), name), null);
    }
    assert.equal(await ev(page, () => globalThis.dialogOpen()), 0, "no prompt for a stranger");
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("host and worker work under a CSP with no eval, no inline script and no inline style", T, async () => {
    const { page, context, problems } = await openHost(browser(), ISOLATED, "?csp");
    const csp = await ev(page, async () => (await fetch(location.href)).headers.get("content-security-policy"));
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
    await ev(page, () => globalThis.spawn("w"));
    await value(page, "w", "connect", { mode: "sab" });
    const stored = call(page, "w", "store", UID, {});
    await clickInDialog(page, "authorize");
    assert.deepEqual(await stored, { ok: true, value: true });
    assert.equal(await value(page, "w", "handleName", UID), "picked-1");
    assert.equal(await value(page, "w", "delete", UID), true);
    assert.deepEqual(problems, [], "no CSP violation reported");
    await context.close();
  });
});

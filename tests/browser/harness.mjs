// Drives Debian's Chromium (headless, real input events) through playwright-core.
import { chromium } from "playwright-core";
import assert from "node:assert/strict";

export const ISOLATED = process.env.FSH_ISOLATED_URL;
export const PLAIN = process.env.FSH_PLAIN_URL;
assert.ok(ISOLATED && PLAIN, "run through `cargo xtask test`: it serves the pages and sets FSH_*_URL");

const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: FLAGS,
  });
}

// Playwright's own page.evaluate runs with `userGesture: true`, which would hand the page user
// activation on every call and hide the dialog path. Everything here evaluates through CDP with
// `userGesture: false`; activation comes only from real input events (mouse clicks).
const sessions = new WeakMap();

async function cdp(page) {
  if (!sessions.has(page)) sessions.set(page, await page.context().newCDPSession(page));
  return sessions.get(page);
}

// Evaluates `fn(arg)` in the page, without user activation; resolves with its (JSON) value.
export async function ev(page, fn, arg) {
  const session = await cdp(page);
  const expression = `(${fn.toString()})(${JSON.stringify(arg ?? null)})`;
  const r = await session.send("Runtime.evaluate", {
    expression,
    awaitPromise: true,
    returnByValue: true,
    userGesture: false,
  });
  if (r.exceptionDetails) {
    throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
  }
  return r.result.value;
}

// Polls `fn(arg)` until it is truthy.
export async function waitFor(page, fn, arg, { timeout = 10000, what = fn.toString() } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await ev(page, fn, arg);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// A real mouse click (trusted input: it gives the page user activation) on `selector`.
export async function click(page, selector, options) {
  const box = await waitFor(
    page,
    (sel) => {
      const el = document.querySelector(sel);
      if (!el) return null;
      const r = el.getBoundingClientRect();
      return r.width > 0 ? { x: r.x + r.width / 2, y: r.y + r.height / 2 } : null;
    },
    selector,
    { what: selector, ...options },
  );
  await page.mouse.click(box.x, box.y);
}

// A fresh context (its own IndexedDB and origin-private files) with the host page loaded.
export async function openHost(browser, base, query = "", context = null) {
  context ??= await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.location()?.url?.endsWith("/favicon.ico")) problems.push(`console: ${m.text()}`);
  });
  await page.goto(`${base}/tests/browser/pages/host.html${query}`);
  await waitFor(page, () => globalThis.hostReady === true, null, { timeout: 15000 });
  return { context, page, problems };
}

export async function reload(page) {
  await page.reload();
  await waitFor(page, () => globalThis.hostReady === true, null, { timeout: 15000 });
}

// Runs `cmd` in the page's worker `name`; resolves with {ok, value | error}.
export function call(page, name, cmd, ...args) {
  return ev(page, ([n, c, a]) => globalThis.call(n, c, ...a), [name, cmd, args]);
}

export async function value(page, name, cmd, ...args) {
  const r = await call(page, name, cmd, ...args);
  assert.ok(r.ok, `${cmd}(${JSON.stringify(args).slice(0, 200)}) failed: ${JSON.stringify(r.error)}`);
  return r.value;
}

export const picker = (page) => ev(page, () => ({ ...globalThis.picker, revoked: [...globalThis.picker.revoked] }));

export const setPicker = (page, patch) => ev(page, (p) => void Object.assign(globalThis.picker, p), patch);

// `options.timeout` is for dialogs that wait on something slow, such as an interpreter's boot.
export async function clickInDialog(page, which, options) {
  await click(page, `dialog.fshandles-dialog[open] .fshandles-${which}`, options);
}

export const dialogsOpen = (page) => ev(page, () => globalThis.dialogOpen());

// Waits until the transient activation of an earlier click has lapsed (about 5 s in Chromium),
// so that the next prompt must go through the dialog again.
export const activationLapsed = (page) =>
  waitFor(page, () => !navigator.userActivation.isActive, null, { timeout: 15000, what: "user activation to lapse" });

// Collects garbage, then reads the page's JS heap and the host's wasm memory (support/host.js pages).
export async function memory(page) {
  const s = await page.context().newCDPSession(page);
  await s.send("HeapProfiler.collectGarbage");
  const { usedSize } = await s.send("Runtime.getHeapUsage");
  await s.detach();
  return { heap: usedSize, wasm: await ev(page, () => globalThis.wasmMemory()) };
}

// Drives Debian's Chromium (headless, real input events) through playwright-core.
import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import { before, after } from "node:test";

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

// Every context of a launched browser keeps a journal of what its pages said and fetched, so
// that a wait that runs out can say what the page was doing (see `said`).
// `extraArgs`: more Chromium flags, such as `--js-flags=--expose-gc` (a `gc()` in workers too).
export async function launch(extraArgs = []) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [...FLAGS, ...extraArgs],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args) => journal(await newContext(...args));
  return browser;
}

// A browser with a profile on disk, as a user's is: its one context, journaled like the others.
// A launched browser's contexts are incognito ones, whose storage quota is a share of memory
// (about 2 GB here); a profile on disk gets a share of the disk.
export async function launchWithProfile(dir, extraArgs = []) {
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [...FLAGS, ...extraArgs],
  });
  return journal(context);
}

// One browser for the tests of a `describe` block: launched before them, closed after them.
// Returns a function that gives the browser.
export function useBrowser(extraArgs) {
  let browser;
  before(async () => {
    browser = await launch(extraArgs);
  });
  after(async () => {
    await browser?.close();
  });
  return () => browser;
}

const JOURNAL_LINES = 60;

function journal(context) {
  const lines = [];
  const pending = new Map();
  const started = Date.now();
  const note = (line) => {
    lines.push(`${((Date.now() - started) / 1000).toFixed(1)}s ${line}`);
    if (lines.length > JOURNAL_LINES) lines.splice(0, lines.length - JOURNAL_LINES);
  };
  const short = (url) => url.replace(/^https?:\/\/[^/]+/, "");
  const watch = (page) => {
    page.on("pageerror", (e) => note(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (["error", "warning"].includes(m.type())) note(`console.${m.type()}: ${m.text()}`);
    });
    page.on("crash", () => note("the page crashed"));
    page.on("worker", (w) => {
      note(`worker started: ${short(w.url())}`);
      w.on("close", () => note(`worker closed: ${short(w.url())}`));
    });
  };
  context.pages().forEach(watch);
  context.on("page", watch);
  context.on("request", (r) => pending.set(r, Date.now()));
  context.on("requestfinished", async (r) => {
    pending.delete(r);
    const status = (await r.response().catch(() => null))?.status();
    if (status >= 400 && !r.url().endsWith("/favicon.ico")) note(`HTTP ${status}: ${short(r.url())}`);
  });
  context.on("requestfailed", (r) => {
    pending.delete(r);
    note(`request failed (${r.failure()?.errorText}): ${short(r.url())}`);
  });
  context.said = () => {
    const now = Date.now();
    const open = [...pending].map(([r, at]) => `  pending ${((now - at) / 1000).toFixed(1)}s: ${r.method()} ${short(r.url())}`);
    return [...lines.map((l) => `  ${l}`), ...open].join("\n") || "  (nothing)";
  };
  return context;
}

// What the page's context said and fetched (errors, warnings, failed and pending requests).
export function said(page) {
  return page.context().said?.() ?? "  (no journal: the context was not made by launch())";
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
    if (Date.now() > end) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}; the page said:\n${said(page)}`);
    }
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

// Collects the page's garbage (a full, precise collection: what is unreachable is gone).
export async function collectGarbage(page) {
  const s = await page.context().newCDPSession(page);
  await s.send("HeapProfiler.collectGarbage");
  return s;
}

// Collects garbage, then reads the page's JS heap and the host's wasm memory (support/host.js pages).
export async function memory(page) {
  const s = await collectGarbage(page);
  const { usedSize } = await s.send("Runtime.getHeapUsage");
  await s.detach();
  return { heap: usedSize, wasm: await ev(page, () => globalThis.wasmMemory()) };
}

// The worker of `page` whose script URL contains `part` (a nested worker too), once it runs.
export async function workerOf(page, part, timeout = 10000) {
  const end = Date.now() + timeout;
  for (;;) {
    const found = page.workers().find((w) => w.url().includes(part));
    if (found) return found;
    if (Date.now() > end) {
      throw new Error(`no worker of ${part} in ${timeout} ms (the page has ${page.workers().map((w) => w.url()).join(", ") || "none"}); the page said:\n${said(page)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Gives `worker` the page's simulated permissions (a `?permissions` page, support/standin.js):
// its queryPermission answers "prompt" for the folders the page's picker.revoked holds, as a
// revoked permission does in every realm of the origin.
export async function simulatePermissionsIn(page, worker) {
  const now = await ev(page, () => [...globalThis.picker.revoked]);
  await worker.evaluate((names) => {
    self.standinRevoked = new Set(names);
    new BroadcastChannel("fshandles-standin-permissions").onmessage = ({ data }) => (self.standinRevoked = new Set(data));
    FileSystemHandle.prototype.queryPermission = async function () {
      return self.standinRevoked.has(this.name) ? "prompt" : "granted";
    };
  }, now);
  return {
    // Resolves once the worker's view is the page's again (the channel is async).
    async caughtUp() {
      const want = JSON.stringify((await ev(page, () => [...globalThis.picker.revoked])).sort());
      const end = Date.now() + 5000;
      while (JSON.stringify(await worker.evaluate(() => [...self.standinRevoked].sort())) !== want) {
        if (Date.now() > end) throw new Error(`the worker's simulated permissions never became ${want}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

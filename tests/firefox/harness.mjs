// Drives Debian's Firefox ESR (headless) over WebDriver BiDi through puppeteer-core: the
// browser that has no directory picker and whose folder handles have no permission methods.
import puppeteer from "puppeteer-core";
import assert from "node:assert/strict";
import { before, after } from "node:test";

export const ISOLATED = process.env.FSH_ISOLATED_URL;
export const PLAIN = process.env.FSH_PLAIN_URL;
assert.ok(ISOLATED && PLAIN, "run through `cargo xtask test`: it serves the pages and sets FSH_*_URL");

// `profile`: a profile folder kept on disk, as a user's is (for a second visit after a restart).
// `downloads`: the folder downloads go to, with no question asked.
export function launch(profile, downloads) {
  return puppeteer.launch({
    browser: "firefox",
    protocol: "webDriverBiDi",
    executablePath: process.env.FIREFOX ?? "/usr/bin/firefox-esr",
    headless: true,
    ...(profile ? { userDataDir: profile } : {}),
    ...(downloads ? { extraPrefsFirefox: { "browser.download.dir": downloads, "browser.download.folderList": 2, "browser.download.useDownloadDir": true } } : {}),
  });
}

// One browser for the tests of a `describe` block; returns a function that gives it.
// `downloads()`: as launch's, made before the browser.
export function useBrowser(downloads) {
  let browser;
  before(async () => {
    browser = await launch(undefined, downloads?.());
  });
  after(async () => {
    await browser?.close();
  });
  return () => browser;
}

// A page in a context of its own (its own IndexedDB and origin-private files), which keeps a
// journal of what it said, for a wait that runs out to print. `page.close()` closes both.
// `profile`: in the browser's default context instead, whose storage is the profile's (kept
// on disk for a second visit after a restart).
export async function newPage(browser, { profile = false } = {}) {
  const context = profile ? browser.defaultBrowserContext() : await browser.createBrowserContext();
  const page = await context.newPage();
  if (!profile) page.close = () => context.close();
  const lines = [];
  page.problems = [];
  page.on("console", (m) => {
    lines.push(`console.${m.type()}: ${m.text()}`);
    if (m.type() === "error") page.problems.push(m.text());
  });
  page.on("pageerror", (e) => {
    lines.push(`pageerror: ${e.message}`);
    page.problems.push(e.message);
  });
  page.said = () => lines.slice(-40).join("\n") || "(nothing)";
  return page;
}

// Polls `fn(arg)` in the page until it is truthy.
export async function waitFor(page, fn, arg, { timeout = 15000, what = fn.toString() } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await page.evaluate(fn, arg ?? null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}; the page said:\n${page.said()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The tests' host page (tests/browser/pages/host.html) loaded, its host ready.
export async function openHost(browser, base, query, options) {
  const page = await newPage(browser, options);
  await page.goto(`${base}/tests/browser/pages/host.html${query}`);
  await waitFor(page, () => globalThis.hostReady === true, null, { what: "the host page" });
  return page;
}

// The tests' PyScript page (tests/browser/pages/pyscript.html) with no picker: the host's
// `fallback: "private"` gives each worker an origin-private folder.
export async function pyscriptPage(browser, base) {
  const page = await newPage(browser);
  await page.goto(`${base}/tests/browser/pages/pyscript.html?nopicker&fallback`);
  await waitFor(page, () => globalThis.hostReady === true, null, { timeout: 60000, what: "the PyScript host page" });
  return page;
}

// Runs `code` in a new `type` ("py" or "mpy") worker of a pyscriptPage.
export const runPython = (page, type, code) => page.evaluate((c) => globalThis.runPy({ type: c[0], code: c[1] }), [type, code]);

// Python's first report whose step is one of `steps` (or that says it crashed).
export const reportOf = (page, steps, timeout = 180000) =>
  waitFor(page, (s) => globalThis.reports.find((r) => s.includes(r.step) || r.crashed), steps, { timeout, what: `Python's report ${steps.join(" or ")}` });

// Runs `cmd` in the page's worker `name`: {ok, value | error}.
export const call = (page, name, cmd, ...args) => page.evaluate((n, c, a) => globalThis.call(n, c, ...a), name, cmd, args);

export async function value(page, name, cmd, ...args) {
  const r = await call(page, name, cmd, ...args);
  assert.ok(r.ok, `${cmd}(${JSON.stringify(args)}) failed: ${JSON.stringify(r.error)}`);
  return r.value;
}

// Drives Debian's Firefox ESR (headless) over Marionette (marionette.mjs says why not BiDi):
// the browser that has no directory picker and whose folder handles have no permission methods.
// Each page is a Firefox of its own, with a new profile (its own IndexedDB and origin-private
// files), unless a test keeps a profile for a second visit after a restart.
import assert from "node:assert/strict";
import { after } from "node:test";
import { startFirefox } from "./marionette.mjs";

export const ISOLATED = process.env.FSH_ISOLATED_URL;
export const PLAIN = process.env.FSH_PLAIN_URL;
assert.ok(ISOLATED && PLAIN, "run through `cargo xtask test`: it serves the pages and sets FSH_*_URL");

// `profile`: a profile folder kept on disk, as a user's is (for a second visit after a restart).
// `downloads`: the folder downloads go to, with no question asked. The browser starts with its
// first page; `close()` ends it.
export function launch(profile, downloads) {
  const prefs = downloads
    ? { "browser.download.dir": downloads, "browser.download.folderList": 2, "browser.download.useDownloadDir": true, "browser.download.always_ask_before_handling_new_types": false }
    : {};
  const open = new Set();
  return {
    profile,
    prefs,
    open,
    async close() {
      await Promise.all([...open].map((page) => page.close()));
    },
  };
}

// The browser settings for the tests of a `describe` block; returns a function that gives them.
// `downloads()`: as launch's, made before the first page. Pages left open are closed after.
export function useBrowser(downloads) {
  let browser = null;
  after(() => browser?.close());
  return () => (browser ??= launch(undefined, downloads?.()));
}

// A page in a Firefox of its own, which keeps a journal of what it said (Firefox prints each
// console message and uncaught error; Marionette reports none), for a wait that runs out to
// print. `page.close()` ends that Firefox. `profile`: in the launch's kept profile.
export async function newPage(browser, { profile = false } = {}) {
  const firefox = await startFirefox({ profile: profile ? browser.profile : null, prefs: browser.prefs });
  const lines = [];
  const problems = [];
  firefox.onLine((line) => {
    // The page's and its workers' messages: Firefox's own modules prefix theirs with their
    // name ("console.error: RSLoader: ..."), where a page's string comes quoted.
    if (!/^(console\.\w+: (?![\w.-]+: )|JavaScript (error|warning): https?:)/.test(line)) return;
    lines.push(line);
    if (/^console\.error: |^JavaScript error: https?:/.test(line)) problems.push(line);
  });
  const page = new Page(firefox, lines, problems);
  browser.open.add(page);
  page.closed = () => browser.open.delete(page);
  return page;
}

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

// What the tests ask of a page, as puppeteer's Page answers it.
class Page {
  constructor(firefox, lines, problems) {
    this.firefox = firefox;
    this.client = firefox.client;
    this.lines = lines;
    this.problems = problems;
  }

  said() {
    return this.lines.slice(-40).join("\n") || "(nothing)";
  }

  goto(url) {
    return this.client.send("WebDriver:Navigate", { url });
  }

  reload() {
    return this.client.send("WebDriver:Refresh");
  }

  // `fn(...args)` run in the page (awaited): its value through JSON, or its error thrown.
  async evaluate(fn, ...args) {
    const script = `const done = arguments[arguments.length - 1];
Promise.resolve().then(() => (${fn}).apply(null, JSON.parse(arguments[0])))
  .then((v) => { let json; try { json = JSON.stringify(v); } catch {} done({ json }); },
        (e) => done({ error: String(e && e.stack ? e.name + ": " + e.message + "\\n" + e.stack : e) }));`;
    const { value } = await this.client.send("WebDriver:ExecuteAsyncScript", { script, args: [JSON.stringify(args)] });
    if (value.error !== undefined) throw new Error(`in the page: ${value.error}`);
    return value.json === undefined ? undefined : JSON.parse(value.json);
  }

  // A person's click on the element `selector` (it gives the page user activation).
  async click(selector) {
    const { value } = await this.client.send("WebDriver:FindElement", { using: "css selector", value: selector });
    await this.client.send("WebDriver:ElementClick", { id: value[ELEMENT] });
  }

  // From now on, each file dialog is closed as a person's cancel the moment it opens (headless
  // Firefox would leave it open, with nobody to close it): Firefox's own remote agent's way.
  async dismissFilePickers() {
    await this.client.send("Marionette:SetContext", { value: "chrome" });
    try {
      await this.client.send("WebDriver:ExecuteScript", {
        script: `const { FilePickerHandler } = ChromeUtils.importESModule("chrome://remote/content/shared/webdriver/FilePickerHandler.sys.mjs");
FilePickerHandler.dismissFilePickers(globalThis);`,
        args: [],
      });
    } finally {
      await this.client.send("Marionette:SetContext", { value: "content" });
    }
  }

  async close() {
    this.closed?.();
    await this.firefox.close();
  }
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

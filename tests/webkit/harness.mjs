// Drives Debian's WebKitGTK (its MiniBrowser, under WebKitWebDriver and a virtual X display)
// over classic WebDriver, which needs no client library: a few HTTP calls.
import { spawn } from "node:child_process";
import assert from "node:assert/strict";
import { before, after } from "node:test";

export const ISOLATED = process.env.FSH_ISOLATED_URL;
export const PLAIN = process.env.FSH_PLAIN_URL;
assert.ok(ISOLATED && PLAIN, "run through `cargo xtask test`: it serves the pages and sets FSH_*_URL");

const DRIVER = process.env.WEBKIT_DRIVER ?? "/usr/bin/WebKitWebDriver";
const MINIBROWSER = process.env.WEBKIT_MINIBROWSER ?? "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
const DISPLAY = ":97";
const PORT = 4497;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function webdriver(method, path, body) {
  const r = await fetch(`http://127.0.0.1:${PORT}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body && JSON.stringify(body),
  });
  const answer = await r.json();
  if (answer.value?.error) throw new Error(`WebDriver ${method} ${path}: ${answer.value.error}: ${answer.value.message}`);
  return answer.value;
}

// A WebKit session for the tests of a `describe` block: Xvfb and the driver started before
// them, all stopped after. Returns a function that gives the session.
export function useWebKit() {
  const children = [];
  let session = null;
  before(async () => {
    const started = (cmd, args, env) => {
      const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: "ignore" });
      children.push(child);
      return child;
    };
    started("Xvfb", [DISPLAY, "-screen", "0", "1280x800x24"]);
    started(DRIVER, [`--port=${PORT}`], { DISPLAY });
    const end = Date.now() + 15000;
    for (;;) {
      const ready = await webdriver("GET", "/status").then((s) => s.ready, () => false);
      if (ready) break;
      if (Date.now() > end) throw new Error(`${DRIVER} did not answer on port ${PORT} within 15 s`);
      await sleep(100);
    }
    const made = await webdriver("POST", "/session", {
      capabilities: { alwaysMatch: { "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] } } },
    });
    session = new Session(made.sessionId, made.capabilities);
  });
  after(async () => {
    await session?.close().catch(() => {});
    for (const child of children.reverse()) child.kill();
  });
  return () => session;
}

class Session {
  constructor(id, capabilities) {
    this.id = id;
    this.capabilities = capabilities;
  }

  goto(url) {
    return webdriver("POST", `/session/${this.id}/url`, { url });
  }

  // `fn(arg)` in the page, awaited; its JSON value.
  run(fn, arg) {
    const script = `const done = arguments[arguments.length - 1];
Promise.resolve().then(() => (${fn.toString()})(${JSON.stringify(arg ?? null)})).then(done, (e) => done({ thrown: String(e) }));`;
    return webdriver("POST", `/session/${this.id}/execute/async`, { script, args: [] });
  }

  async waitFor(fn, arg, { timeout = 15000, what = fn.toString() } = {}) {
    const end = Date.now() + timeout;
    for (;;) {
      const v = await this.run(fn, arg).catch(() => null);
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
      await sleep(100);
    }
  }

  close() {
    return webdriver("DELETE", `/session/${this.id}`);
  }
}

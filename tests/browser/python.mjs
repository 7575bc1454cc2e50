// Running Python in PyScript workers of the test pages (pages/pyscript*.html), for the tests.
import assert from "node:assert/strict";
import { ev, waitFor, clickInDialog, said } from "./harness.mjs";

// What every test's Python starts with: `report(**kw)` posts to the page's `reports`.
export const PRELUDE = `
import js
from pyscript import ffi

def report(**kw):
    js.postMessage(ffi.to_js({"pytest": kw}))

async def error_of(awaitable):
    try:
        await awaitable
        return None
    except Exception as e:
        return type(e).__name__

def read(path):
    with open(path) as f:
        return f.read()
`;

// Python's helpers: `wait_go()` until the page's go(); `tree(root)` as the page's tree() reads
// the folder ({"a/b.txt": text, "a": "(folder)"}); `errno_of(f, *args)`, the errno f raises.
export const helpers = (channel = "go") => `
import asyncio
import os
go = []
channel = js.BroadcastChannel.new("${channel}")
channel.onmessage = ffi.create_proxy(lambda event: go.append(1))

async def wait_go():
    while not go:
        await asyncio.sleep(0.02)
    go.clear()

def tree(root):
    out = {}
    def walk(rel):
        for name in sorted(os.listdir(root + "/" + rel if rel else root)):
            path = rel + "/" + name if rel else name
            if os.stat(root + "/" + path)[0] & 0x4000:
                out[path] = "(folder)"
                walk(path)
            else:
                out[path] = read(root + "/" + path)
    walk("")
    return out

def errno_of(f, *args):
    try:
        f(*args)
        return None
    except OSError as e:
        return e.args[0]

def write(path, text, how="w"):
    with open(path, how) as f:
        f.write(text)
`;

// How the page's tree() marks a folder.
export const DIR = "(folder)";

// Starts Python in a new PyScript worker; a crash is reported as `step`'s.
export async function startPython(page, type, body, step) {
  const code = `${PRELUDE}
try:
${body.trim().split("\n").map((l) => `    ${l}`).join("\n")}
except Exception as e:
    report(step="${step}", crashed=repr(e))
`;
  await ev(page, ([t, c]) => globalThis.runPy({ type: t, code: c }), [type, code]);
}

// Runs Python in a new PyScript worker and waits for its report of `step`.
export async function python(page, type, body, step, { answer } = {}) {
  await startPython(page, type, body, step);
  if (answer) {
    // The dialog comes only once the interpreter has booted, which takes Pyodide well over
    // ten seconds in a fresh context on a slow machine; a crash report ends the wait early.
    const first = await waitFor(
      page,
      (s) => (document.querySelector("dialog.fshandles-dialog[open]") ? "dialog" : globalThis.reports.find((r) => r.step === s)),
      step,
      { timeout: 120000, what: `the dialog, or the Python report "${step}"` },
    );
    if (first === "dialog") await clickInDialog(page, answer);
  }
  const report = await waitFor(
    page,
    (s) => globalThis.reports.find((r) => r.step === s),
    step,
    { timeout: 120000, what: `the Python report "${step}"` },
  );
  assert.equal(report.crashed, undefined, `Python failed: ${report.crashed}`);
  return report;
}

export async function openPage(base, context, query = "", file = "pyscript.html") {
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  await page.goto(`${base}/tests/browser/pages/${file}${query}`);
  await waitFor(page, () => globalThis.hostReady === true, null, { timeout: 30000 });
  return { page, problems };
}


// Python's report of `step`, or of the crash that ended the Python before it.
export const report = (page, step, timeout = 60000) =>
  waitFor(page, (s) => globalThis.reports.find((r) => r.step === s || r.crashed), step, { timeout, what: `Python's report "${step}"` });

// The report of `step`, failing the test with what the page said if Python crashed instead.
export async function crashFree(page, step, timeout) {
  const r = await report(page, step, timeout);
  assert.equal(r.crashed, undefined, `Python failed: ${r.crashed}; the page said:\n${said(page)}`);
  return r;
}

// What another program does to a folder, through the page's own handle (pages/pyscript.html):
// `path` is "a/b.txt" under the origin-private folder `folder`.
export const write = (page, path, text, folder = "picked-1") => ev(page, ([f, p, t]) => globalThis.write(f, p, t), [folder, path, text]);
export const remove = (page, path, folder = "picked-1") => ev(page, ([f, p]) => globalThis.remove(f, p), [folder, path]);
// The folder as the page reads it ({"a/b.txt": text, "a": DIR}; with `stamps`, each file's
// lastModified too).
export const tree = (page, { stamps = false, folder = "picked-1" } = {}) => ev(page, ([f, s]) => globalThis.tree(f, s), [folder, stamps]);
// Lets Python's wait_go() return.
export const go = (page, name = "go") => ev(page, (n) => globalThis.go(n), name);

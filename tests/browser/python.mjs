// Running Python in PyScript workers of the test pages (pages/pyscript*.html), for the tests.
import assert from "node:assert/strict";
import { ev, waitFor, clickInDialog } from "./harness.mjs";

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

// Runs Python in a new PyScript worker and waits for its report of `step`.
export async function python(page, type, body, step, { answer } = {}) {
  const code = `${PRELUDE}
try:
${body.trim().split("\n").map((l) => `    ${l}`).join("\n")}
except Exception as e:
    report(step="${step}", crashed=repr(e))
`;
  await ev(page, ([t, c]) => globalThis.runPy({ type: t, code: c }), [type, code]);
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


import { launch, ev, waitFor, clickInDialog } from "./harness.mjs";
const browser = await launch();
const context = await browser.newContext();
const page = await context.newPage();
page.on("console", (m) => console.log("console:", m.type(), m.text().slice(0, 300)));
page.on("pageerror", (e) => console.log("pageerror:", e.stack));
const base = process.argv[2] === "plain" ? process.env.FSH_PLAIN_URL : process.env.FSH_ISOLATED_URL;
await page.goto(`${base}/tests/browser/pages/pyscript.html`);
await waitFor(page, () => globalThis.hostReady);
const code = `
import js
from pyscript import ffi
def report(**kw):
    js.postMessage(ffi.to_js({"pytest": kw}))
try:
    import fshandles
    await fshandles.mount("/local")
    with open("/local/hello.txt", "w") as f:
        f.write("hello from python")
    await fshandles.sync("/local")
    report(step="done", mode=fshandles.mode())
except Exception as e:
    report(step="error", error=repr(e))
`;
await ev(page, ([t, c]) => globalThis.runPy({ type: t, code: c }), [process.argv[3] ?? "py", code]);
await clickInDialog(page, "authorize").catch((e) => console.log("no dialog:", e.message));
console.log(await waitFor(page, () => globalThis.reports.length && globalThis.reports, null, { timeout: 30000 }).catch(e => e.message));
console.log(await ev(page, () => globalThis.readFile("picked-1", "hello.txt")).catch(e => e.message));
await browser.close();

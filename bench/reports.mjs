// Python's reports in a bench page (tests/browser/pages/pyscript.html), for the benches that
// run Python: the report of a step, the folder's first pick authorized on the way.
import { waitFor, clickInDialog, said } from "../tests/browser/harness.mjs";

/**
 * The report `step` of the Python that `bench` ("the watch bench") runs in `page`, waiting
 * `timeout` ms at most; the host's dialog, where it comes first, is authorized. A Python that
 * failed (a report "failed") fails the bench with its traceback and what the page said.
 */
export async function reportOf(page, bench, step, timeout) {
  const r = await waitFor(page, (s) => {
    if (document.querySelector("dialog.fshandles-dialog[open]")) return "dialog";
    return globalThis.reports.find((x) => x.step === s || x.step === "failed") ?? null;
  }, step, { timeout, what: `${bench}'s "${step}"` });
  if (r === "dialog") {
    await clickInDialog(page, "authorize");
    return reportOf(page, bench, step, timeout);
  }
  if (r.crashed) throw new Error(`${bench} failed: ${r.crashed}\n${said(page)}`);
  return r;
}

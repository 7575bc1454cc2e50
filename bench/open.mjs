// The benchmark page, opened and prepared (its records stored), for the profiling scripts.
import { ISOLATED, launch, waitFor } from "../tests/browser/harness.mjs";

export async function openBench() {
  const browser = await launch();
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${ISOLATED}/bench/index.html`);
  await waitFor(page, () => globalThis.benchReady === true, null, { timeout: 20000 });
  await page.evaluate(() => globalThis.prepare());
  return { browser, page };
}

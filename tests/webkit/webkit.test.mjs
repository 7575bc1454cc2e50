// fshandles in WebKitGTK (Debian's), as far as that browser goes: it has no directory picker,
// no origin-private file system and no SharedArrayBuffer, so no worker can get a folder there.
// What is tested is what a user of it gets: the library loads, a worker connects in async
// mode, and every way to a folder ends in a NotSupportedError that says what is missing.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ISOLATED, useWebKit } from "./harness.mjs";

const T = { timeout: 120000 };
const RW = { id: "pyscript", mode: "readwrite" };

describe("WebKitGTK", () => {
  const webkit = useWebKit();

  for (const query of ["?nopicker&fallback", "?nopicker"]) {
    it(`loads, connects in async mode, and says what is missing (${query})`, T, async () => {
      const s = webkit();
      await s.goto(`${ISOLATED}/tests/browser/pages/host.html${query}`);
      await s.waitFor(() => globalThis.hostReady === true, null, { what: "the host page" });
      const seen = await s.run(async () => {
        await globalThis.spawn("w");
        return {
          agent: navigator.userAgent,
          picker: typeof globalThis.showDirectoryPicker,
          opfs: typeof navigator.storage?.getDirectory,
          auto: await globalThis.call("w", "connect", {}),
          sab: await globalThis.call("w", "connect", { mode: "sab" }),
          store: await globalThis.call("w", "store", "/local@pyscript", { id: "pyscript", mode: "readwrite" }),
        };
      });
      assert.match(seen.agent, /AppleWebKit/);
      assert.deepEqual([seen.picker, seen.opfs], ["undefined", "undefined"], "the browser this test means");
      assert.deepEqual(seen.auto, { ok: true, value: "async" });
      assert.equal(seen.sab.error?.name, "NotSupportedError", JSON.stringify(seen.sab));
      assert.equal(seen.store.error?.name, "NotSupportedError", JSON.stringify(seen.store));
      const missing = query.includes("fallback") ? /neither showDirectoryPicker nor the origin-private file system/ : /no showDirectoryPicker/;
      assert.match(seen.store.error.message, missing);
    });
  }
});

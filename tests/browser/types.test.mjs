// The shipped declarations are real TypeScript. A consumer of both packages compiles
// with `tsc --strict` (its `@ts-expect-error` lines are misuses the types must reject), and the
// public classes say `any` nowhere. The mount engines' JS is checked against their contract.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

describe("TypeScript declarations", () => {
  it("a strict TypeScript consumer of both packages compiles, and its misuses do not", () => {
    try {
      execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tests/types"], { cwd: ROOT, encoding: "utf8" });
    } catch (e) {
      assert.fail(`tsc --strict failed:\n${e.stdout}${e.stderr}`);
    }
  });

  it("both mount engines' JS is type-checked, and each is an Engine (worker/js/engine_types.d.ts)", () => {
    try {
      execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tests/types/tsconfig.engines.json"], { cwd: ROOT, encoding: "utf8" });
    } catch (e) {
      assert.fail(`tsc --checkJs failed:\n${e.stdout}${e.stderr}`);
    }
  });

  for (const [file, cls] of [["dist/main/fshandles_main.d.ts", "FsHost"], ["dist/worker/fshandles_worker.d.ts", "FsClient"]]) {
    it(`${cls} in ${file} has no \`any\``, () => {
      const text = readFileSync(`${ROOT}${file}`, "utf8");
      const start = text.indexOf(`export class ${cls} {`);
      assert.ok(start >= 0, `no class ${cls}`);
      const body = text.slice(start, text.indexOf("\n}\n", start));
      const code = body.replace(/\/\*\*[\s\S]*?\*\//g, "");
      assert.deepEqual(code.split("\n").filter((l) => /\bany\b/.test(l)), []);
    });
  }
});

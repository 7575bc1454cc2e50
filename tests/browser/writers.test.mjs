// A direct mount is a disk for many writers: Pyodide and MicroPython workers and the page write
// one folder at once, and nobody's bytes are lost. Appends from two workers and the page (under
// the file's lock) all land; many opens race to make one file; a counter kept under
// fshandles.lock counts every increment; reads while others rewrite a file see old or new,
// never an error; SQLite works in the folder, one database shared by two workers under the
// lock; a worker terminated mid-commit leaves the file whole (written through a writable) or
// with only its own bytes partly written (in place).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ISOLATED, PLAIN, useBrowser, ev, waitFor, said } from "./harness.mjs";
import { python, openPage, helpers, crashFree, write, go } from "./python.mjs";

const T = { timeout: 240000 };

// The lock fshandles' commits of `path` take, for the folder stored under "/d@pyscript".
const lockOf = (path) => `fshandles:/d@pyscript:${path}`;

// Python that mounts /d, reports `name`-mounted, waits for the page's go, runs `body`, and
// reports `name`-done with what `body` left in `result`.
const worker = (name, body) => `${helpers()}
import fshandles
await fshandles.mount("/d")
report(step="${name}-mounted")
await wait_go()
result = None
${body}
report(step="${name}-done", result=result)
`;

// Starts one worker per [name, body] (the first answers the folder's prompt), each mounted.
async function start(page, type, workers) {
  for (const [i, [name, body]] of workers.entries()) {
    await python(page, type, worker(name, body), `${name}-mounted`, i === 0 ? { answer: "authorize" } : {});
  }
}

// Each worker's result, once all are done.
const results = async (page, names) => Promise.all(names.map(async (n) => (await crashFree(page, `${n}-done`, 180000)).result));

// The I/O workers of the page's direct mounts, given a browser whose origin-private files have
// no sync access handles (as a device folder's have none): their commits go through writables.
async function withoutSyncHandles(page) {
  const io = page.workers().filter((w) => w.url().includes("fshandles_direct.js"));
  assert.ok(io.length > 0, "no I/O worker");
  for (const w of io) await w.evaluate(() => delete FileSystemFileHandle.prototype.createSyncAccessHandle);
}

const APPEND = (tag, n) => `
for i in range(${n}):
    with open("/d/log.txt", "a") as f:
        f.write("${tag}%02d\\n" % i)
`;

describe("many writers on one folder (direct mounts)", () => {
  const browser = useBrowser();

  for (const type of ["py", "mpy"]) {
    for (const [start_, how] of [["absent", null], ["present", "the log\n"], ["present, written through writables", "the log\n"]]) {
      it(`${type}: two workers and the page append to one log (${start_} at the start): every line kept`, T, async () => {
        const context = await browser().newContext();
        const { page, problems } = await openPage(ISOLATED, context);
        if (how) await write(page, "log.txt", how);
        await start(page, type, [["a", APPEND("A", 40)], ["b", APPEND("B", 40)]]);
        if (start_.includes("writables")) await withoutSyncHandles(page);
        await go(page);
        // The page appends meanwhile, taking the lock fshandles' commits take.
        await ev(page, async (lock) => {
          for (let i = 0; i < 20; i++) await globalThis.append("picked-1", "log.txt", `P${String(i).padStart(2, "0")}\n`, lock);
        }, lockOf("log.txt"));
        await results(page, ["a", "b"]);
        const text = await ev(page, () => globalThis.readFile("picked-1", "log.txt"));
        const lines = text.split("\n").filter(Boolean);
        const want = [...(how ? ["the log"] : []), ...["A", "B"].flatMap((t) => Array.from({ length: 40 }, (_, i) => `${t}${String(i).padStart(2, "0")}`)), ...Array.from({ length: 20 }, (_, i) => `P${String(i).padStart(2, "0")}`)];
        assert.deepEqual([...lines].sort(), want.sort(), "every line once, none torn");
        if (how) assert.equal(lines[0], "the log", "what was there stays first");
        // Each writer's lines in the order it wrote them.
        for (const t of ["A", "B", "P"]) assert.deepEqual(lines.filter((l) => l[0] === t), want.filter((l) => l[0] === t));
        assert.deepEqual(problems, []);
        await context.close();
      });
    }
  }

  for (const type of ["py", "mpy"]) {
    // MicroPython's open() has no "x" (O_EXCL): its workers race with "a" only.
    const exclusive = type === "py";
    it(`${type}: three workers race to open the same new files: O_CREAT opens what another made${exclusive ? ", O_EXCL makes each once" : ""}`, T, async () => {
      const context = await browser().newContext();
      const { page, problems } = await openPage(ISOLATED, context);
      const race = (tag) => `
errors = []
made = 0
for i in range(30):
    try:
        with open("/d/race/%d.txt" % i, "a") as f:
            f.write("${tag}\\n")
    except OSError as e:
        errors.append(e.args[0])
    if not ${exclusive ? "True" : "False"}:
        continue
    try:
        with open("/d/race/x%d.txt" % i, "x") as f:
            f.write("${tag}")
        made += 1
    except OSError as e:
        if e.args[0] != 20:  # EEXIST: another worker made it
            errors.append(e.args[0])
result = {"errors": errors, "made": made}
`;
      await write(page, "race/.keep", "");
      await start(page, type, [["a", race("a")], ["b", race("b")], ["c", race("c")]]);
      await go(page);
      const [a, b, c] = await results(page, ["a", "b", "c"]);
      assert.deepEqual([a.errors, b.errors, c.errors], [[], [], []], said(page));
      if (exclusive) assert.equal(a.made + b.made + c.made, 30, "each exclusive file made by one worker");
      const files = await ev(page, () => globalThis.tree("picked-1"));
      for (let i = 0; i < 30; i++) {
        assert.deepEqual(files[`race/${i}.txt`].split("\n").filter(Boolean).sort(), ["a", "b", "c"], `race/${i}.txt`);
        if (exclusive) assert.ok(["a", "b", "c"].includes(files[`race/x${i}.txt`]), `race/x${i}.txt: ${files[`race/x${i}.txt`]}`);
      }
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  for (const [type, base, mode] of [["py", ISOLATED, "sab"], ["mpy", ISOLATED, "sab"], ["py", PLAIN, "async"]]) {
    it(`${type}, ${mode} mode: two workers count to 100 in one file under fshandles.lock`, T, async () => {
      const context = await browser().newContext();
      const { page, problems } = await openPage(base, context);
      await write(page, "counter.txt", "0");
      // In sab mode one worker blocks in the lock and one awaits it: the same lock. A copy
      // mount is brought in step inside the lock by sync.
      const count = (blocking) => `
def bump():
    with open("/d/counter.txt") as f:
        n = int(f.read())
    with open("/d/counter.txt", "w") as f:
        f.write(str(n + 1))
copy = fshandles.mounted["/d"].type == "copy"
for i in range(50):
    ${blocking ? `with fshandles.lock("counter"):
        bump()` : `async with fshandles.lock("counter"):
        if copy:
            await fshandles.sync("/d")
        bump()
        if copy:
            await fshandles.sync("/d")`}
result = fshandles.mounted["/d"].type
`;
      await start(page, type, [["a", count(mode === "sab")], ["b", count(false)]]);
      await go(page);
      const types = await results(page, ["a", "b"]);
      assert.deepEqual(types, mode === "sab" ? ["direct", "direct"] : ["copy", "copy"]);
      assert.equal(await ev(page, () => globalThis.readFile("picked-1", "counter.txt")), "100");
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  for (const type of ["py", "mpy"]) {
    it(`${type}: two workers rewrite and read one small file with no lock: every read is a whole value, never an error`, T, async () => {
      const context = await browser().newContext();
      const { page, problems } = await openPage(ISOLATED, context);
      await write(page, "value.txt", "0".repeat(10));
      // Each value is one digit repeated, its length changing: a torn read would mix digits
      // or lengths.
      const churn = (digit) => `
seen = []
errors = []
for i in range(60):
    try:
        with open("/d/value.txt") as f:
            seen.append(f.read())
        with open("/d/value.txt", "w") as f:
            f.write("${digit}" * (1 + i % 20))
    except OSError as e:
        errors.append(e.args[0])
result = {"errors": errors, "seen": seen}
`;
      await start(page, type, [["a", churn("1")], ["b", churn("2")]]);
      await go(page);
      for (const r of await results(page, ["a", "b"])) {
        assert.deepEqual(r.errors, [], said(page));
        for (const v of r.seen) assert.match(v, /^(0{10}|1{1,20}|2{1,20})$/, `a read saw ${JSON.stringify(v)}`);
      }
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  for (const type of ["py", "mpy"]) {
    it(`${type}: a reader at the end of a log sees what the page appends next (tail -f), with the file open`, T, async () => {
      const context = await browser().newContext();
      const { page, problems } = await openPage(ISOLATED, context);
      await write(page, "log.txt", "one\n");
      await python(page, type, `${helpers()}
import fshandles
await fshandles.mount("/d")
f = open("/d/log.txt")
first = f.read()
again = f.read()
report(step="read", first=first, again=again)
await wait_go()
await asyncio.sleep(0.05)
later = f.read()
f.close()
report(step="tail", later=later)
`, "read", { answer: "authorize" });
      assert.deepEqual(await crashFree(page, "read"), { step: "read", first: "one\n", again: "" });
      await ev(page, (lock) => globalThis.append("picked-1", "log.txt", "two\n", lock), lockOf("log.txt"));
      await go(page);
      assert.equal((await crashFree(page, "tail")).later, "two\n");
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  it("py: SQLite in the folder: a transaction a commit; two workers share one database under the lock", T, async () => {
    const context = await browser().newContext();
    const { page, problems } = await openPage(ISOLATED, context);
    const sqlite = (tag) => `
import sqlite3
db = sqlite3.connect("/d/notes.db")
with fshandles.lock("db"):
    db.execute("create table if not exists notes (who text, n integer)")
    db.commit()
for i in range(25):
    with fshandles.lock("db"):
        db.execute("insert into notes values (?, ?)", ("${tag}", i))
        db.commit()
with fshandles.lock("db"):
    check = db.execute("pragma integrity_check").fetchone()[0]
    count = db.execute("select count(*) from notes").fetchone()[0]
db.close()
result = {"check": check, "count": count}
`;
    await start(page, "py", [["a", sqlite("a")], ["b", sqlite("b")]]);
    await go(page);
    const [a, b] = await results(page, ["a", "b"]);
    assert.equal(a.check, "ok");
    assert.equal(b.check, "ok");
    assert.ok(Math.max(a.count, b.count) === 50, `rows seen: ${a.count}, ${b.count}`);
    // A third worker, after both, reads the database whole.
    await python(page, "py", `
import fshandles, sqlite3
await fshandles.mount("/d")
db = sqlite3.connect("/d/notes.db")
rows = db.execute("select who, count(*) from notes group by who order by who").fetchall()
report(step="read", rows=[list(r) for r in rows], check=db.execute("pragma integrity_check").fetchone()[0])
`, "read");
    const read = await crashFree(page, "read");
    assert.deepEqual([read.rows, read.check], [[["a", 25], ["b", 25]], "ok"]);
    assert.deepEqual(problems, []);
    await context.close();
  });

  for (const [path, hint] of [["in place", "only its own bytes, partly"], ["through writables", "whole"]]) {
    it(`py: a worker terminated mid-commit (${path}) leaves the file ${hint}`, T, async () => {
      const context = await browser().newContext();
      const { page } = await openPage(ISOLATED, context);
      const MIB = 12;
      await ev(page, async (mib) => {
        const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle("picked-1", { create: true });
        const w = await (await dir.getFileHandle("big.bin", { create: true })).createWritable();
        await w.write(new Uint8Array(mib << 20).fill(97)); // "a"
        await w.close();
      }, MIB);
      await start(page, "py", [["w", `
with open("/d/big.bin", "r+b") as f:
    f.write(b"b" * (${MIB} << 20))
`]]);
      if (path === "through writables") await withoutSyncHandles(page);
      // The page ends the worker as soon as its commit holds the file's lock.
      const ended = ev(page, async (lock) => {
        const end = Date.now() + 60000;
        while (Date.now() < end) {
          const { held } = await navigator.locks.query();
          if (held.some((l) => l.name === lock && l.mode === "exclusive")) {
            globalThis.workers.at(-1).terminate();
            return true;
          }
          await new Promise((r) => setTimeout(r, 1));
        }
        return false;
      }, lockOf("big.bin"));
      await go(page);
      assert.equal(await ended, true, "the commit never held the lock");
      // The lock goes with the worker; then the file is read as it was left.
      await waitFor(page, async (lock) => !(await navigator.locks.query()).held.some((l) => l.name === lock), lockOf("big.bin"), { timeout: 30000, what: "the terminated commit's lock to go" });
      const left = await ev(page, async () => {
        const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle("picked-1");
        const bytes = new Uint8Array(await (await (await dir.getFileHandle("big.bin")).getFile()).arrayBuffer());
        let a = 0;
        let b = 0;
        for (const x of bytes) (x === 97 ? a++ : x === 98 ? b++ : 0);
        return { size: bytes.length, a, b };
      });
      assert.equal(left.size, MIB << 20);
      assert.equal(left.a + left.b, left.size, "no byte but the old ones and the writer's own");
      if (path === "through writables") assert.ok(left.a === left.size || left.b === left.size, `whole: ${JSON.stringify(left)}`);
      await context.close();
    });
  }
});

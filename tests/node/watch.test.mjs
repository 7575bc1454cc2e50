// The watch (worker/js/watch.js): polled and observed, over a folder in memory with the File
// System Access calls the watch makes, and an observer the test speaks for. Each change is
// told once, in batches; a lost record makes the watch look again and tell what changed; an
// ended observation is made anew; a folder removed or no longer permitted ends the watch
// after what it had gathered; a stopped watch ends.
import { describe, it, afterEach } from "node:test";
import assert from "node:assert/strict";
import { startWatch, startThen, nextThen } from "../../worker/js/watch.js";
import { watchFolder } from "../../worker/js/fshandles_watch.js";

const [added, modified, deleted] = [1, 2, 3]; // watchfiles' numbers

// A folder in memory: name -> Folder | {size, time}.
class Folder {
  constructor(name, parent = null) {
    this.name = name;
    this.parent = parent;
    this.kids = new Map();
    this.kind = "directory";
    this.permission = "granted";
  }
  alive() {
    for (let f = this; f; f = f.parent) if (f.removed) return false;
    return true;
  }
  async *entries() {
    if (!this.alive()) throw new DOMException("gone", "NotFoundError");
    for (const [name, kid] of [...this.kids]) {
      yield [name, kid instanceof Folder ? kid : { kind: "file", getFile: async () => (kid.removed ? Promise.reject(new DOMException("gone", "NotFoundError")) : { size: kid.size, lastModified: kid.time }) }];
    }
  }
  async queryPermission() {
    return this.permission;
  }
  // What the test does to the folder.
  at(path, make = false) {
    let dir = this;
    for (const part of path.split("/").slice(0, -1)) {
      if (!dir.kids.has(part) && make) dir.kids.set(part, new Folder(part, dir));
      dir = dir.kids.get(part);
    }
    return [dir, path.split("/").at(-1)];
  }
  write(path, size, time = Date.now() + Math.random()) {
    const [dir, name] = this.at(path, true);
    dir.kids.set(name, { size, time });
  }
  mkdir(path) {
    const [dir, name] = this.at(path, true);
    dir.kids.set(name, new Folder(name, dir));
  }
  remove(path) {
    const [dir, name] = this.at(path);
    const kid = dir.kids.get(name);
    kid.removed = true;
    dir.kids.delete(name);
  }
  move(from, to) {
    const [a, x] = this.at(from);
    const [b, y] = this.at(to, true);
    b.kids.set(y, a.kids.get(x));
    a.kids.delete(x);
  }
}

// The browser's FileSystemObserver, spoken for by the test: `say(records)`.
class Observer {
  static last = null;
  constructor(callback) {
    this.callback = callback;
    this.observing = 0;
    Observer.last = this;
  }
  async observe() {
    this.observing++;
  }
  disconnect() {
    this.disconnected = true;
  }
  say(...records) {
    this.callback(records.map(([type, path, from]) => ({ type, relativePathComponents: path ? path.split("/") : [], relativePathMovedFrom: from?.split("/") })));
  }
}

const set = (batch) => new Set(batch.map(([k, p]) => `${k} ${p}`));
const ofChanges = (...changes) => new Set(changes.map(([k, p]) => `${k} ${p}`));

afterEach(() => {
  delete globalThis.FileSystemObserver;
});

describe("watching a folder", () => {
  it("polled: what changed between two looks, each once; a move is deleted and added", async () => {
    const root = new Folder("root");
    root.write("a.txt", 1, 1);
    root.write("sub/b.txt", 2, 1);
    const w = await startWatch(root, { how: "poll", pollMs: 5 });
    assert.equal(w.how, "poll");
    root.write("new.txt", 3);
    root.write("a.txt", 9, 2);
    root.move("sub/b.txt", "c.txt");
    assert.deepEqual(set(await w.next()), ofChanges([added, "new.txt"], [modified, "a.txt"], [deleted, "sub/b.txt"], [added, "c.txt"]));
    root.remove("a.txt");
    assert.deepEqual(set(await w.next()), ofChanges([deleted, "a.txt"]));
    w.stop();
    await assert.rejects(w.next(), { name: "AbortError", message: "the watch was stopped" });
  });

  it("observed: records become changes, gathered within a step; nothing is polled", async () => {
    globalThis.FileSystemObserver = Observer;
    const root = new Folder("root");
    const w = await startWatch(root, { stepMs: 20, debounceMs: 500 });
    assert.equal(w.how, "observer");
    const next = w.next();
    const o = Observer.last;
    o.say(["appeared", "a.txt"]);
    setTimeout(() => o.say(["modified", "a.txt"], ["moved", "sub/c.txt", "b.txt"]), 5);
    assert.deepEqual(set(await next), ofChanges([added, "a.txt"], [modified, "a.txt"], [deleted, "b.txt"], [added, "sub/c.txt"]));
    // Changes made with no record are not seen: the observer is trusted, no folder is read.
    root.write("quiet.txt", 1);
    o.say(["disappeared", "a.txt"]);
    assert.deepEqual(set(await w.next()), ofChanges([deleted, "a.txt"]));
  });

  it("observed: a lost record (unknown) makes the watch look again; an ended observation (errored) is made anew", async () => {
    globalThis.FileSystemObserver = Observer;
    const root = new Folder("root");
    root.write("a.txt", 1, 1);
    const w = await startWatch(root, { stepMs: 5 });
    const o = Observer.last;
    root.write("b.txt", 2);
    root.remove("a.txt");
    o.say(["unknown", ""]);
    assert.deepEqual(set(await w.next()), ofChanges([added, "b.txt"], [deleted, "a.txt"]));
    assert.equal(o.observing, 2, "observed again after the look");
    root.write("c.txt", 3);
    o.say(["errored", ""]);
    assert.deepEqual(set(await w.next()), ofChanges([added, "c.txt"]));
    assert.equal(o.observing, 3);
  });

  it("the folder removed: what was gathered, then NotFoundError, every time after", async () => {
    globalThis.FileSystemObserver = Observer;
    const root = new Folder("root");
    root.write("a.txt", 1);
    const w = await startWatch(root, { stepMs: 5 });
    root.removed = true;
    Observer.last.say(["disappeared", "a.txt"], ["disappeared", ""]);
    assert.deepEqual(set(await w.next()), ofChanges([deleted, "a.txt"]));
    await assert.rejects(w.next(), { name: "NotFoundError" });
    await assert.rejects(w.next(), { name: "NotFoundError" });
    assert.ok(Observer.last.disconnected);
  });

  it("polled: the permission gone ends the watch with NotAllowedError; a folder not there fails the start", async () => {
    const root = new Folder("root");
    const w = await startWatch(root, { how: "poll", pollMs: 5 });
    root.permission = "prompt";
    await assert.rejects(w.next(), { name: "NotAllowedError" });
    const gone = new Folder("gone");
    gone.removed = true;
    await assert.rejects(startWatch(gone, { how: "poll" }), { name: "NotFoundError" });
  });

  it("more changes than it keeps: it forgets them and looks at the whole folder instead, losing none", async () => {
    globalThis.FileSystemObserver = Observer;
    const root = new Folder("root");
    const w = await startWatch(root, { stepMs: 5 });
    for (let i = 0; i < 10050; i++) root.write(`f${i}.txt`, 1);
    Observer.last.say(...Array.from({ length: 10050 }, (_, i) => ["appeared", `f${i}.txt`]));
    const batch = await w.next();
    assert.equal(batch.length, 10050);
    assert.ok(batch.every(([k]) => k === added));
  });

  it("a tick (a copy mount's sync) runs before each batch is told, and every pollMs while it waits", async () => {
    globalThis.FileSystemObserver = Observer;
    const root = new Folder("root");
    let ticks = 0;
    const told = [];
    const w = await startWatch(root, { stepMs: 5, pollMs: 10, tickIdle: true, tick: async (batch) => void (ticks++, told.push(batch.length)) });
    const next = w.next();
    await new Promise((r) => setTimeout(r, 35));
    assert.ok(ticks >= 2, `ticks while waiting: ${ticks}`);
    const before = ticks;
    Observer.last.say(["appeared", "x"]);
    await next;
    assert.ok(ticks > before);
    assert.equal(told.at(-1), 1, "the batch goes to the tick before it is told");
  });

  it("JS's face: batches of {type, path}; a break stops the watch; options are checked", async () => {
    const root = new Folder("root");
    const watch = await watchFolder(Promise.resolve(root), { how: "poll", pollMs: 5, recursive: false });
    assert.equal(watch.how, "poll");
    root.write("a.txt", 1);
    root.write("sub/deep.txt", 1);
    const seen = [];
    for await (const changes of watch) {
      seen.push(...changes);
      break;
    }
    assert.deepEqual(seen.sort((a, b) => a.path.localeCompare(b.path)), [{ type: "added", path: "a.txt" }, { type: "added", path: "sub" }]);
    await assert.rejects(watch.watcher.next(), { name: "AbortError" }, "break stopped it");
    assert.deepEqual(await watch.next(), { done: true, value: undefined });
    for (const bad of [{ pollMs: 0 }, { recursive: "yes" }, { how: "inotify" }, { debounceMs: "1" }, 5]) {
      await assert.rejects(watchFolder(root, bad), { name: "DataError" }, JSON.stringify(bad));
    }
  });

  it("Rust's face: told through callbacks, (null, null) once stopped", async () => {
    const root = new Folder("root");
    const watch = await new Promise((resolve, reject) => startThen(root, { how: "poll", pollMs: 5 }, (e, w) => (e ? reject(e) : resolve(w))));
    root.write("a.txt", 1);
    const next = () => new Promise((resolve) => nextThen(watch, (e, batch) => resolve([e?.name ?? null, batch])));
    assert.deepEqual(await next(), [null, [[added, "a.txt"]]]);
    watch.stop();
    assert.deepEqual(await next(), [null, null]);
    const gone = new Folder("gone");
    gone.removed = true;
    const failed = await new Promise((resolve) => startThen(gone, {}, (e) => resolve(e)));
    assert.equal(failed.name, "NotFoundError");
  });
});

// The direct mount's edits (worker/js/direct/edits.js): what a file was asked since its commit
// (writes at positions, appends, size changes), applied onto the file as it is at the commit,
// in place (a sync access handle) and through a writable, gives what applying each edit in
// turn at that moment would: checked on thousands of random sequences against that model, on
// files that other writers grew or shrank meanwhile.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Edits, applyInPlace, applyThrough } from "../../worker/js/direct/edits.js";
import { random } from "./random.mjs";

// A file in memory with the calls of a FileSystemSyncAccessHandle, counting them.
class Handle {
  constructor(bytes) {
    this.bytes = Uint8Array.from(bytes);
    this.calls = 0;
  }
  getSize() {
    this.calls++;
    return this.bytes.length;
  }
  truncate(size) {
    this.calls++;
    this.resize(size);
  }
  resize(size) {
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, size));
    this.bytes = next;
  }
  write(data, { at }) {
    this.calls++;
    if (at + data.length > this.bytes.length) this.resize(at + data.length);
    this.bytes.set(data, at);
    return data.length;
  }
  flush() {}
}

// A FileSystemWritableFileStream over a copy, which replaces the file at close.
class Writable extends Handle {
  constructor(file) {
    super(file.bytes);
    this.file = file;
  }
  async write({ position, data }) {
    super.write(data, { at: position });
  }
  async truncate(size) {
    super.truncate(size);
  }
  async close() {
    this.file.bytes = this.bytes;
  }
}

// The model: each edit applied in turn to the file as the commit finds it.
function model(start, edits) {
  let bytes = Uint8Array.from(start);
  for (const e of edits) {
    if (e.size !== undefined) {
      const next = new Uint8Array(e.size);
      next.set(bytes.subarray(0, e.size));
      bytes = next;
      continue;
    }
    const at = e.append ? bytes.length : e.at;
    const next = new Uint8Array(Math.max(bytes.length, at + e.data.length));
    next.set(bytes);
    next.set(e.data, at);
    bytes = next;
  }
  return bytes;
}

// A random sequence of edits, each of its own bytes (a value a call).
function sequence(pick) {
  const out = [];
  for (let i = 0, n = 1 + pick(6); i < n; i++) {
    const data = new Uint8Array(1 + pick(12)).fill(10 + i);
    const kind = pick(4);
    if (kind === 0) out.push({ append: true, data });
    else if (kind === 1) out.push({ size: pick(40) });
    else out.push({ at: pick(40), data });
  }
  return out;
}

function editsOf(list) {
  const edits = new Edits();
  for (const e of list) {
    if (e.size !== undefined) edits.resize(e.size);
    else edits.write(e.at ?? 0, !!e.append, e.data);
  }
  return edits;
}

describe("the direct mount's edits", () => {
  it("applied in place and through a writable, they give what each edit in turn gives, on the file as the commit finds it", async () => {
    for (let n = 0; n < 5000; n++) {
      const pick = random(0x2545f491 ^ (n * 104729));
      const list = sequence(pick);
      // The file as the commit finds it: what another writer left there meanwhile.
      const start = new Uint8Array(pick(50)).fill(1);
      const want = model(start, list);
      const handle = new Handle(start);
      const after = applyInPlace(handle, editsOf(list), false);
      assert.deepEqual([...handle.bytes], [...want], `in place, case ${n}: ${JSON.stringify(list)} on ${start.length} bytes`);
      if (after !== null) assert.equal(after, want.length);
      const file = { bytes: start };
      assert.equal(await applyThrough(new Writable(file), start.length, editsOf(list)), want.length);
      assert.deepEqual([...file.bytes], [...want], `through a writable, case ${n}`);
    }
  });

  it("in place, the common commits make the fewest calls: a rewrite (\"w\") and a patch ask no size", () => {
    const rewrite = new Handle(new Uint8Array(100).fill(1));
    applyInPlace(rewrite, editsOf([{ size: 0 }, { at: 0, data: new Uint8Array(10).fill(2) }]), false);
    assert.deepEqual([rewrite.bytes.length, rewrite.calls], [10, 2]); // a write, a truncate
    const patch = new Handle(new Uint8Array(100).fill(1));
    assert.equal(applyInPlace(patch, editsOf([{ at: 50, data: new Uint8Array(5).fill(2) }]), false), null);
    assert.equal(patch.calls, 1);
    const append = new Handle(new Uint8Array(100).fill(1));
    assert.equal(applyInPlace(append, editsOf([{ append: true, data: new Uint8Array(5).fill(2) }]), false), 105);
    assert.equal(append.calls, 2); // the size, a write
  });

  it("consecutive writes are one edit, appends apart from writes at positions", () => {
    const edits = new Edits();
    for (let i = 0; i < 100; i++) edits.write(i * 10, false, new Uint8Array(10));
    assert.equal(edits.list.length, 1);
    edits.write(0, true, new Uint8Array(3));
    edits.write(0, true, new Uint8Array(3));
    assert.equal(edits.list.length, 2);
    assert.equal(edits.bytes, 1006);
  });
});

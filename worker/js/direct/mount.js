// One folder mounted in place in an interpreter: the Emscripten filesystem type, its nodes and
// its open files. Each node and stream operation (node_ops.js, stream_ops.js) is a blocking
// call to the I/O worker (link.js).
import { AREA } from "./link.js";
import { E, S } from "../emscripten.js";
import { nodeOps } from "./node_ops.js";
import { streamOps } from "./stream_ops.js";

// How many buffers of closed files a mount keeps for the next ones.
const SPARE_BUFFERS = 4;

const join = (a, b) => (a ? `${a}/${b}` : b);

export class Mount {
  /**
   * @param FS the interpreter's Emscripten FS
   * @param io the I/O worker's link (link.js)
   * @param {number} id the mount's id in the I/O worker
   * @param {boolean} readOnly
   */
  constructor(FS, io, id, readOnly) {
    this.FS = FS;
    this.io = io;
    this.id = id;
    this.readOnly = readOnly;
    this.opened = new Set(); // nodes with an open file
    this.truncated = new Set(); // nodes truncated to 0, not yet told to the folder (see setattr)
    this.made = new Date();
    this.spare = [];
    this.nodeOps = nodeOps(this);
    this.streamOps = streamOps(this);
    this.type = { mount: () => this.node(null, "/", true) };
  }

  call(op, ...args) {
    this.flushTruncations();
    return this.io.call(this.FS, op, args);
  }

  // A node's path from the mount's root: "a/b.txt" ("" for the root).
  pathOf(node) {
    const names = [];
    for (; node !== node.mount.root; node = node.parent) names.push(node.name);
    return names.reverse().join("/");
  }

  // The path of `name` in the folder `parent`.
  pathIn(parent, name) {
    return join(this.pathOf(parent), name);
  }

  node(parent, name, dir) {
    const { FS } = this;
    const access = this.readOnly ? (dir ? S.DIR_RO : S.FILE_RO) : dir ? S.DIR_RW : S.FILE_RW;
    const node = FS.createNode(parent, name, (dir ? S.IFDIR : S.IFREG) | access, 0);
    node.node_ops = this.nodeOps;
    node.stream_ops = this.streamOps;
    node.kids = new Map();
    if (parent) parent.kids.set(name, node);
    return node;
  }

  forgetNode(parent, name) {
    const kid = parent.kids.get(name);
    if (!kid) return;
    parent.kids.delete(name);
    this.FS.destroyNode(kid);
  }

  refuseIfReadOnly() {
    if (this.readOnly) throw new this.FS.ErrnoError(E.ACCES);
  }

  // A buffer of AREA bytes (a read-ahead or a gathering of writes), from the few that files
  // closed before gave back: copying a thousand small files allocates a few, not a thousand.
  borrow() {
    return this.spare.pop() ?? new Uint8Array(AREA);
  }

  giveBack(buffer) {
    if (buffer && this.spare.length < SPARE_BUFFERS) this.spare.push(buffer);
  }

  // Truncation to 0 is held back until the next call: FS.open truncates before it opens, and a
  // file opened with "w" must keep its old content until it is closed (the writable's commit).
  flushTruncations() {
    if (!this.truncated.size || this.flushing) return;
    this.flushing = true;
    try {
      for (const node of this.truncated) {
        this.truncated.delete(node);
        this.io.call(this.FS, "truncate", [this.id, this.pathOf(node), 0]);
      }
    } finally {
      this.flushing = false;
    }
  }

  // The file `node` as open here: {id, refs, fresh, dirty, size, gathered, version}.
  // Writes gather in `gathered` ({position, length, bytes}, a buffer of AREA bytes the file
  // keeps while open) and go out by AREA.
  flush(open) {
    const g = open.gathered;
    if (!g) return;
    open.gathered = null;
    this.send(open, g.position, g.bytes.subarray(0, g.length));
  }

  send(open, position, bytes) {
    try {
      open.size = this.io.call(this.FS, "write", [open.id, position, open.fresh], { payload: bytes });
    } catch (e) {
      // What was written since the last commit is gone (see unlessFailed): start again from
      // the file as the folder holds it.
      open.dirty = false;
      open.size = null;
      open.version++;
      throw e;
    }
    open.fresh = false;
    open.dirty = true;
  }

  // Writes what `node`'s open file gathered and commits it to the folder.
  commitNode(node) {
    const open = node.open;
    if (!open) return;
    this.flush(open);
    if (open.dirty) this.call("commit", open.id);
    open.dirty = false;
    open.size = null;
    open.version++;
  }

  // Sets the size of a file open here; written out at its commit.
  resize(open, size) {
    this.flush(open);
    this.call("setsize", open.id, open.fresh, size);
    open.fresh = false;
    open.dirty = true;
    open.size = size;
    open.version++;
  }

  commitAll() {
    this.flushTruncations();
    for (const node of this.opened) this.commitNode(node);
  }

  // What a file holds now, as Python sees it. Writes not yet sent count without being sent:
  // appending ("a") asks for the size at every write.
  sizeOf(node) {
    if (this.truncated.has(node)) return 0;
    const open = node.open;
    if (!open?.gathered && !open?.dirty) return this.call("stat", this.id, this.pathOf(node)).size;
    // Before any write went out, the file is what the folder holds (or nothing, if truncated).
    open.size ??= open.fresh ? 0 : this.call("stat", this.id, this.pathOf(node)).size;
    const g = open.gathered;
    return g ? Math.max(open.size, g.position + g.length) : open.size;
  }

}

// A direct mount's stream operations: what Emscripten's FS asks of an open file (open, read,
// write, seek, fsync, close). Reads go ahead by AREA; writes gather and go out by AREA.
import { AREA } from "./link.js";
import { E, O, SEEK } from "../emscripten.js";

// The interpreter's heap (an Int8Array) as bytes.
const heapBytes = (heap) => new Uint8Array(heap.buffer, heap.byteOffset, heap.byteLength);

/** The stream operations of `self`, a Mount (mount.js). */
export function streamOps(self) {
  const { FS } = self;
  return {
    open(stream) {
      const node = stream.node;
      if (FS.isDir(node.mode)) {
        // A folder is opened to be listed: its errors belong here, where every libc reports
        // them (MicroPython's listdir takes a failed readdir for the end of the folder).
        self.call("access", self.id, self.pathOf(node));
        return;
      }
      const writes = (stream.flags & O.ACCMODE) !== 0;
      if (writes) self.refuseIfReadOnly();
      // Made by mknod or emptied by FS.open just now: this open makes or empties it.
      const deferred = self.takeDeferred(node);
      // ("w" of a file another writer made since the lookup found none: emptied as well.)
      const truncate = deferred === "truncate" || (deferred === "create" && (self.opening.flags & O.TRUNC) !== 0);
      if (!node.open) {
        const create = deferred === "create" || (stream.flags & O.CREAT) !== 0;
        const exclusive = deferred === "create" && (self.opening.flags & O.EXCL) !== 0;
        const path = self.pathOf(node);
        // An open for reading brings a small file whole: its first read is no call.
        const ahead = !writes && !create;
        if (ahead) stream.buffer ??= self.borrow();
        self.flushDeferred();
        const answer = self.ask("open", [self.id, path, create, exclusive, truncate, ahead], { into: stream.buffer });
        const { id, size, time } = answer.value ?? answer;
        self.remember(path, { dir: false, size: truncate ? 0 : size, time });
        node.open = { id, refs: 0, dirty: truncate, size: truncate ? 0 : size, time: truncate ? null : new Date(time), gathered: null, version: 0 };
        self.opened.add(node);
        if (answer.bytes) stream.cache = { position: 0, bytes: answer.bytes, version: 0, end: true, calls: self.calls, at: performance.now() };
      } else if (truncate) {
        // Emptied while another descriptor has it open.
        self.resize(node.open, 0);
      }
      node.open.refs++;
    },
    dup(stream) {
      // The copy of a stream gets a read-ahead buffer of its own.
      stream.buffer = null;
      stream.cache = null;
      if (stream.node.open) stream.node.open.refs++;
    },
    close(stream) {
      const node = stream.node;
      const open = node.open;
      self.giveBack(stream.buffer);
      stream.buffer = stream.cache = null;
      if (!open || --open.refs > 0) return;
      node.open = null;
      self.opened.delete(node);
      // The last bytes go with the close: one call commits them and closes the file. A file
      // with nothing to commit is forgotten without a wait.
      const g = open.gathered;
      open.gathered = null;
      if (!g && !open.dirty) {
        self.giveBack(open.buffer);
        self.flushDeferred();
        self.io.notify("forgetFile", [open.id]);
        return;
      }
      try {
        const args = g ? [open.id, g.position, g.append] : [open.id, 0, false];
        self.flushDeferred();
        self.ask("close", args, { payload: g ? g.bytes.subarray(0, g.length) : new Uint8Array(0) });
      } finally {
        self.giveBack(open.buffer);
      }
    },
    fsync(stream) {
      self.commitNode(stream.node, true);
      return 0;
    },
    llseek(stream, offset, whence) {
      let position = offset;
      if (whence === SEEK.CUR) position += stream.position;
      else if (whence === SEEK.END && FS.isFile(stream.node.mode)) position += self.sizeOf(stream.node);
      if (position < 0) throw new FS.ErrnoError(E.INVAL);
      return position;
    },
    read(stream, buffer, offset, length, position) {
      const node = stream.node;
      const open = node.open;
      if (self.deferred.get(node) === "truncate") return 0;
      if (open.gathered || open.dirty) self.commitNode(node);
      let done = 0;
      while (done < length) {
        const at = position + done;
        let cache = stream.cache;
        const valid = cache?.version === open.version;
        if (valid && cache.end && at >= cache.position + cache.bytes.byteLength && self.fresh(cache)) break; // still the end
        if (!valid || at < cache.position || at >= cache.position + cache.bytes.byteLength) {
          // The stream's one read-ahead buffer, reused: a file read through leaves no garbage.
          stream.buffer ??= self.borrow();
          self.flushDeferred();
          const bytes = self.ask("read", [open.id, at, AREA], { into: stream.buffer });
          // An answer short of AREA is the file's end, as the folder has it now.
          cache = stream.cache = { position: at, bytes, version: open.version, end: bytes.byteLength < AREA, calls: self.calls, at: performance.now() };
          if (!bytes.byteLength) break;
        }
        const from = at - cache.position;
        const n = Math.min(length - done, cache.bytes.byteLength - from);
        // Through a byte view of the heap: a set between typed arrays of one type is a copy
        // of memory, between Int8Array and Uint8Array a conversion of each element.
        heapBytes(buffer).set(cache.bytes.subarray(from, from + n), offset + done);
        done += n;
        if (cache.end && from + n >= cache.bytes.byteLength) break;
      }
      return done;
    },
    write(stream, buffer, offset, length, position) {
      self.refuseIfReadOnly();
      const open = stream.node.open;
      // Bytes for the end of the file as it is at the commit, not where Python saw it end.
      const append = (stream.flags & O.APPEND) !== 0;
      stream.cache = null;
      open.version++;
      open.time = null; // now
      let g = open.gathered;
      if (g && (g.append !== append || (!append && g.position + g.length !== position))) {
        self.flush(open);
        g = null;
      }
      const heap = heapBytes(buffer);
      let done = 0;
      // Whole steps of AREA go out as they are; the rest is gathered (a copy: the
      // interpreter's memory is reused as soon as this returns).
      for (; !open.gathered && length - done >= AREA; done += AREA) {
        self.send(open, position + done, append, heap.subarray(offset + done, offset + done + AREA));
      }
      while (done < length) {
        g = open.gathered ??= { position: position + done, append, length: 0, bytes: (open.buffer ??= self.borrow()) };
        const n = Math.min(length - done, AREA - g.length);
        g.bytes.set(heap.subarray(offset + done, offset + done + n), g.length);
        g.length += n;
        done += n;
        if (g.length === AREA) self.flush(open);
      }
      open.size = Math.max(self.sizeOf(stream.node), position + length);
      return length;
    },
    mmap() {
      throw new FS.ErrnoError(E.PERM);
    },
  };
}

// A direct mount's node operations: what Emscripten's FS asks of a file or folder by its node
// (attributes, lookups, making, renaming and removing entries, listings).
import { E } from "../emscripten.js";

/** The node operations of `self`, a Mount (mount.js). */
export function nodeOps(self) {
  const { FS } = self;
  return {
    getattr(node) {
      let size = 4096;
      let time = self.made;
      if (FS.isDir(node.mode)) {
        if (!self.stat(self.pathOf(node)).dir) throw new FS.ErrnoError(E.NOTDIR);
      } else if (node.open || self.deferred.has(node)) {
        // Open here: what the open found and Python changed since.
        size = self.sizeOf(node);
        time = node.open?.time ?? new Date();
      } else {
        const st = self.stat(self.pathOf(node));
        if (st.dir) throw new FS.ErrnoError(E.ISDIR);
        size = st.size;
        time = new Date(st.time);
      }
      return {
        dev: 0x6668, ino: node.id, mode: node.mode, nlink: 1, uid: 0, gid: 0, rdev: 0, size,
        atime: time, mtime: time, ctime: time, blksize: 4096, blocks: Math.ceil(size / 4096),
      };
    },
    setattr(node, attr) {
      // Modes and times cannot be set on a folder of the device: accepted and left (as
      // shutil.copy2 expects).
      if (attr.size === undefined) return;
      self.refuseIfReadOnly();
      if (node.open) self.resize(node.open, attr.size);
      // Emptied by FS.open before it opens ("w"): the open takes it, and the old content
      // stays until the commit.
      else if (attr.size === 0) self.defer(node, "truncate");
      else self.call("truncate", self.id, self.pathOf(node), attr.size);
    },
    lookup(parent, name) {
      const listed = parent.listing?.get(name);
      if (listed !== undefined) return self.node(parent, name, listed === 1);
      // A lookup that found nothing is asked again at once by FS.open before it makes the
      // file: the same answer, so that a file another writer made in between is opened, not
      // an EEXIST.
      const st = self.stat(self.pathIn(parent, name));
      return self.node(parent, name, st.dir);
    },
    mknod(parent, name, mode) {
      self.refuseIfReadOnly();
      const dir = FS.isDir(mode);
      if (!dir && !FS.isFile(mode)) throw new FS.ErrnoError(E.PERM);
      const path = self.pathIn(parent, name);
      if (dir) self.call("mkdir", self.id, path);
      const node = self.node(parent, name, dir);
      // A file is made by the open that follows (FS.open makes, then opens), in one call.
      if (!dir) self.defer(node, "create");
      return node;
    },
    rename(node, newDir, newName) {
      self.refuseIfReadOnly();
      self.commitNode(node);
      self.call("rename", self.id, self.pathOf(node), self.pathIn(newDir, newName));
      self.forgetNode(newDir, newName);
      node.parent.kids.delete(node.name);
      newDir.kids.set(newName, node);
      node.name = newName;
    },
    unlink(parent, name) {
      self.refuseIfReadOnly();
      self.call("unlink", self.id, self.pathIn(parent, name));
      const kid = parent.kids.get(name);
      if (kid) self.deferred.delete(kid);
      parent.kids.delete(name);
    },
    rmdir(parent, name) {
      self.refuseIfReadOnly();
      self.call("rmdir", self.id, self.pathIn(parent, name));
      parent.kids.delete(name);
    },
    readdir(node) {
      const entries = self.call("list", self.id, self.pathOf(node));
      node.listing = new Map(entries);
      // Nodes known here that the folder no longer has, or has as the other kind, are
      // forgotten: what changed outside is seen at the next listdir.
      for (const [name, kid] of [...node.kids]) {
        const listed = node.listing.get(name);
        if (kid.open || self.deferred.has(kid)) continue;
        if (listed === undefined || (listed === 1) !== FS.isDir(kid.mode)) self.forgetNode(node, name);
      }
      return [".", "..", ...node.listing.keys()];
    },
    symlink() {
      throw new FS.ErrnoError(E.PERM);
    },
    readlink() {
      throw new FS.ErrnoError(E.INVAL);
    },
  };
}

// A direct mount's node operations: what Emscripten's FS asks of a file or folder by its node
// (attributes, lookups, making, renaming and removing entries, listings).
import { E } from "../emscripten.js";

/** The node operations of `self`, a Mount (mount.js). */
export function nodeOps(self) {
  const { FS } = self;
  return {
    getattr(node) {
      const dir = FS.isDir(node.mode);
      let size = 4096;
      let time = self.made;
      if (dir) {
        if (!self.call("stat", self.id, self.pathOf(node)).dir) throw new FS.ErrnoError(E.NOTDIR);
      } else if (self.truncated.has(node) || node.open?.dirty || node.open?.gathered) {
        size = self.sizeOf(node);
        time = new Date();
      } else {
        const st = self.call("stat", self.id, self.pathOf(node));
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
      const open = node.open;
      if (open) {
        self.resize(open, attr.size);
      } else if (attr.size === 0) {
        self.truncated.add(node);
        // Told to the folder at the next call, or once Python gives the thread back.
        setTimeout(() => {
          try {
            self.flushTruncations();
          } catch (e) {
            console.warn(`fshandles: truncating ${self.FS.getPath(node)} failed (errno ${e?.errno})`);
          }
        }, 0);
      } else {
        self.call("truncate", self.id, self.pathOf(node), attr.size);
      }
    },
    lookup(parent, name) {
      const listed = parent.listing?.get(name);
      if (listed !== undefined) return self.node(parent, name, listed === 1);
      const st = self.call("stat", self.id, self.pathIn(parent, name));
      return self.node(parent, name, st.dir);
    },
    mknod(parent, name, mode) {
      self.refuseIfReadOnly();
      const dir = FS.isDir(mode);
      if (!dir && !FS.isFile(mode)) throw new FS.ErrnoError(E.PERM);
      self.call(dir ? "mkdir" : "create", self.id, self.pathIn(parent, name));
      return self.node(parent, name, dir);
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
      if (kid) self.truncated.delete(kid);
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
        if (kid.open || self.truncated.has(kid)) continue;
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

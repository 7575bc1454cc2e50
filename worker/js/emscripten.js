// Emscripten's numbers that the mounts use: errno values (WASI's, which both interpreters'
// FS.ErrnoError takes), open flags and mode bits (Linux's, as Emscripten's FS passes them).

/** errno values. */
export const E = Object.freeze({
  ACCES: 2,
  BUSY: 10,
  EXIST: 20,
  INVAL: 28,
  IO: 29,
  ISDIR: 31,
  NOENT: 44,
  NOSPC: 51,
  NOTDIR: 54,
  NOTEMPTY: 55,
  PERM: 63,
});

/** open() flags. */
export const O = Object.freeze({
  ACCMODE: 0o3, // O_RDONLY 0, O_WRONLY 1, O_RDWR 2
  CREAT: 0o100,
  EXCL: 0o200,
  TRUNC: 0o1000,
  APPEND: 0o2000,
});

/** A node's type bits and access bits. */
export const S = Object.freeze({
  IFDIR: 0o40000,
  IFREG: 0o100000,
  DIR_RW: 0o777,
  FILE_RW: 0o666,
  DIR_RO: 0o555,
  FILE_RO: 0o444,
});

/** lseek()'s whence. */
export const SEEK = Object.freeze({ SET: 0, CUR: 1, END: 2 });

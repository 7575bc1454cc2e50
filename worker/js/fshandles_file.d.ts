// The JS face of one file in and out of a worker (fshandles_file.js); the page answers with
// `serveFiles(host, worker)` from fshandles/files.

/** The pickers' `accept`: MIME types to lists of extensions, as `{"text/csv": [".csv"]}`. */
export type Accept = Record<string, string[]>;

/** Where the page listens: this worker's own scope (the default), or a `MessagePort`. */
export interface PageEndpoint {
  postMessage(message: unknown, transfer: Transferable[]): void;
}

/** A file opened for a worker. */
export interface OpenedFile {
  name: string;
  /** "handle": a file of the device, kept for its id; "upload": a copy (no file picker). */
  how: "handle" | "upload";
  file: File;
  handle?: FileSystemFileHandle;
}

/** Has the person open a file for `id` (the one kept for `id`, with no picker, unless `pick`). A cancel is a NotAllowedError. */
export function openFile(options?: { id?: string; accept?: Accept; pick?: boolean }, endpoint?: PageEndpoint): Promise<OpenedFile>;

/** Writes `data` to the file kept for `id`, else where the person chooses: "saved"; without a save picker, a download: "downloaded". */
export function saveFile(
  data: BufferSource | Blob | string,
  options?: { id?: string; suggestedName?: string; accept?: Accept; pick?: boolean },
  endpoint?: PageEndpoint,
): Promise<"saved" | "downloaded">;

/** Python's face (fshandles/_files.py): an Outcome, never a throw. */
export function fetchInto(FS: any, path: string, db: string, key: string): Promise<{ ok: true; value: number } | { ok: false; name: string; message: string }>;
export function storeFrom(FS: any, path: string, db: string, key: string, name: string): Promise<{ ok: true; value: "saved" | "download" } | { ok: false; name: string; message: string }>;

import type { FsHost, HostOptions } from "./fshandles_main.js";

/** What an import did: paths in the folder; `renamed` holds `[path, keptAs]` pairs. */
export interface ImportReport {
  written: string[];
  same: string[];
  renamed: [string, string][];
}

/**
 * Copies a folder of the device, chosen in the browser's file dialog, into the folder stored
 * under `uid`, overwriting nothing. Null when the person cancels.
 */
export function importFolder(host: FsHost, uid: string, options?: HostOptions): Promise<ImportReport | null>;

/** Offers the file at `path` of the folder stored under `uid` as a download. */
export function exportFile(host: FsHost, uid: string, path: string): Promise<{ name: string; size: number }>;

type Settled<T> = { ok: true; value: T } | { ok: false; name: string; message: string };

/** The pickers' `accept`: MIME types to lists of extensions, as `{"text/csv": [".csv"]}`. */
export type Accept = Record<string, string[]>;

/**
 * Where a worker finds a file opened or saved for it, in IndexedDB: database `db`, key `key`.
 * `how`: "handle" (a file of the device, kept for its id), "upload" (a copy, where the browser
 * has no open picker) or "download" (where it has no save picker).
 */
export interface FileRecordAt {
  db: string;
  key: string;
  name: string;
  how: "handle" | "upload" | "download";
}

/** Has the person open a file for `id` (the one kept for `id` unless `pick`). A cancel is a NotAllowedError. */
export function openFile(host: FsHost, id: string, options?: { accept?: Accept; pick?: boolean }, hostOptions?: HostOptions): Promise<FileRecordAt>;

/** Has the person choose where `id`'s file is saved (the one kept for `id` unless `pick`). */
export function saveFile(host: FsHost, id: string, options?: { suggestedName?: string; accept?: Accept; pick?: boolean }, hostOptions?: HostOptions): Promise<FileRecordAt>;

/** Offers as a download what a worker saved for `id` where there was no save picker. */
export function offerSaved(host: FsHost, id: string): Promise<{ name: string; size: number }>;

/** What was dropped for an id. */
export interface Dropped {
  kind: "file" | "folder";
  name: string;
}

/** Takes what is dropped on `element` for the workers' `id` (default "default"); answers a function that stops it. */
export function acceptDrops(host: FsHost, element: EventTarget, options?: { id?: string }): () => void;

/** The next drop for `id`, or the last one if nobody awaited it yet. */
export function dropped(host: FsHost, id?: string): Promise<Dropped>;

/** Makes the folder dropped for `id` the one stored under the folder record `uid`; whether one was waiting. */
export function takeDrop(host: FsHost, uid: string, id: string, mode?: "read" | "readwrite"): Promise<boolean>;

/** The main-thread methods of `fshandles.import_folder`, `export`, `open_file`, `save_file` and `dropped` in PyScript workers. */
export function fileMethods(host: FsHost, options?: HostOptions): {
  fshandlesImport(uid: string): Promise<Settled<ImportReport | null>>;
  fshandlesExport(uid: string, path: string): Promise<Settled<{ name: string; size: number }>>;
  /** `json`: `{accept, pick}` as JSON. */
  fshandlesOpenFile(id: string, json?: string): Promise<Settled<FileRecordAt>>;
  /** `json`: `{suggestedName, accept, pick}` as JSON. */
  fshandlesSaveFile(id: string, json?: string): Promise<Settled<FileRecordAt>>;
  fshandlesOfferSaved(id: string): Promise<Settled<{ name: string; size: number }>>;
  fshandlesDropped(id: string): Promise<Settled<Dropped>>;
  fshandlesTakeDrop(uid: string, id: string, mode?: "read" | "readwrite"): Promise<Settled<boolean>>;
};

/** Answers a plain JS worker's `openFile` and `saveFile` (fshandles/worker/fshandles_file.js) on `endpoint`; answers a function that stops. */
export function serveFiles(host: FsHost, endpoint: Worker | MessagePort, options?: HostOptions): () => void;

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

/** The main-thread methods of `fshandles.import_folder` and `fshandles.export` in PyScript workers. */
export function fileMethods(host: FsHost, options?: HostOptions): {
  fshandlesImport(uid: string): Promise<Settled<ImportReport | null>>;
  fshandlesExport(uid: string, path: string): Promise<Settled<{ name: string; size: number }>>;
};

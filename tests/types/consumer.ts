// A TypeScript user of both packages, compiled with `tsc --strict` by tests/browser/types.test.mjs.
// Each `@ts-expect-error` is a misuse the declarations must reject: were a type `any`, the
// directive would be unused, and that is an error too.
import init, { FsHost, type MountOptions, type HostOptions, type SyncMethods } from "../../dist/main/fshandles_main.js";
import { usePyScript, type PyScriptHooks } from "../../dist/main/pyscript.js";
import { importFolder, exportFile, fileMethods, openFile, saveFile, acceptDrops, dropped, serveFiles, type ImportReport, type Dropped } from "../../dist/main/fshandles_files.js";
import * as workerFiles from "../../dist/worker/fshandles_file.js";
import initWorker, {
  FsClient,
  type Answer,
  type ConnectOptions,
  type FsHandlesErrorName,
  type FolderKind,
  type Settled,
  type FolderWatch,
  type FolderChange,
  type WatchOptions,
} from "../../dist/worker/fshandles_worker.js";

export async function onThePage(worker: Worker, channel: BroadcastChannel, buffer: SharedArrayBuffer): Promise<void> {
  await init();
  const options: HostOptions = { namespace: "@pyscript.fs", permissionTtlMs: 0 };
  const host = new FsHost(options);
  new FsHost();
  new FsHost({ fallback: "private" });
  host.attach(worker);
  host.attach(channel);
  host.attachBuffer(channel, buffer);
  const mount: MountOptions = { id: "pyscript", mode: "read", startIn: "documents" };
  const stored: boolean = await host.storeFSHandler("/local@pyscript", mount);
  const regranted: boolean = await host.getFSHandler("/local@pyscript");
  const deleted: boolean = await host.deleteFSHandler("/local@pyscript");
  const folder: FileSystemDirectoryHandle = await host.handle("/local@pyscript");
  const pending: number = host.pendingPrompts;
  const served: number | undefined = host.served(worker);
  const detached: boolean = host.detach(worker);
  const sync: SyncMethods = host.syncMethods();
  const again: boolean = await sync.getFSHandler({ mode: "readwrite" });
  void [stored, regranted, deleted, folder, pending, served, detached, again];

  const report: ImportReport | null = await importFolder(host, "/local@pyscript", options);
  const renamed: [string, string][] = report?.renamed ?? [];
  const exported: { name: string; size: number } = await exportFile(host, "/local@pyscript", "a/b.txt");
  const outcome = await fileMethods(host).fshandlesImport("/local@pyscript");
  void [renamed, exported, outcome.ok];
  // @ts-expect-error: a path is a string
  void exportFile(host, "/local@pyscript", 3);

  const opened = await openFile(host, "doc", { accept: { "text/csv": [".csv"] } }, options);
  const how: "handle" | "upload" | "download" = opened.how;
  const saved = await saveFile(host, "doc", { suggestedName: "out.csv", pick: true });
  const stop: () => void = acceptDrops(host, document.body, { id: "drops" });
  const drop: Dropped = await dropped(host, "drops");
  const folderDropped: boolean = drop.kind === "folder";
  void [how, saved.key, stop, folderDropped];
  // @ts-expect-error: accept lists extensions
  void openFile(host, "doc", { accept: { "text/csv": ".csv" } });
  const unserve: () => void = serveFiles(host, new Worker("w.js"), options);
  const inWorker = await workerFiles.openFile({ id: "doc", pick: true });
  const fileHandle: FileSystemFileHandle | undefined = inWorker.handle;
  const savedHow: "saved" | "downloaded" = await workerFiles.saveFile("text", { id: "doc", suggestedName: "a.txt" });
  void [unserve, fileHandle, savedHow, inWorker.file.size];
  // @ts-expect-error: a file's data is bytes, a Blob or a string
  void workerFiles.saveFile(42);

  // @ts-expect-error: a uid is a string
  void host.storeFSHandler(42);
  // @ts-expect-error: no such access mode
  void host.storeFSHandler("/x", { mode: "write" });
  // @ts-expect-error: no such place for the picker
  void host.getFSHandler("/x", { startIn: "attic" });
  // @ts-expect-error: a namespace is a string
  new FsHost({ namespace: 3 });
  // @ts-expect-error: the one fallback is "private"
  new FsHost({ fallback: "opfs" });
  // @ts-expect-error: a host attaches channels, not strings
  host.attach("worker");
}

export async function inTheWorker(): Promise<void> {
  await initWorker();
  const options: ConnectOptions = { mode: "auto", timeoutMs: 500, promptTimeoutMs: 60000 };
  const client = FsClient.connect(options);
  FsClient.connect();
  const mode: "sab" | "async" = client.mode;
  const answer: Answer = client.storeFSHandler("/local@pyscript", { id: "pyscript" });
  const granted: boolean = await answer;
  const folder: FileSystemDirectoryHandle = await client.handle("/local@pyscript");
  // A lock by name: fn's value comes back typed.
  const counted: number = await client.lock("counter", async () => 41 + 1, { timeoutMs: 1000 });
  const ran: string = await client.lock("counter", () => "ran");
  void [counted, ran];
  // @ts-expect-error a lock's options take a number of milliseconds
  void client.lock("counter", () => 1, { timeoutMs: "soon" });
  // A watch: batches of typed changes, from a handle or a stored folder's uid.
  const watch = await client.watch("/local@pyscript", { recursive: true, pollMs: 500 });
  const how: "observer" | "poll" = watch.how;
  for await (const changes of watch) {
    for (const change of changes) {
      const type: "added" | "modified" | "deleted" = change.type;
      const path: string = change.path;
      void [type, path];
    }
    break;
  }
  (await client.watch(folder)).stop();
  void how;
  // @ts-expect-error a watch's `how` is auto, observer or poll
  void client.watch(folder, { how: "inotify" });
  const settled = await client.settle("storeFSHandler", "/local@pyscript");
  if (settled.ok) {
    const value: boolean | FileSystemDirectoryHandle | FolderKind = settled.value;
    void value;
  } else {
    const name: FsHandlesErrorName = settled.name;
    const message: string = settled.message;
    void [name, message];
  }
  const typed: Settled<boolean> = { ok: false, name: "DetachedError", message: "the host let go" };
  const kind: "device" | "private" = await client.kind("/local@pyscript");
  void [mode, granted, folder, typed, kind];

  // @ts-expect-error: not a mode
  FsClient.connect({ mode: "fast" });
  // @ts-expect-error: a boolean, or a promise of one: not a string
  const text: string = client.deleteFSHandler("/x");
  // @ts-expect-error: settle knows four methods
  void client.settle("mount", "/x");
  // @ts-expect-error: not an error name of fshandles
  const wrong: FsHandlesErrorName = "OopsError";
  void [text, wrong];
}

export async function onAPyScriptPage(hooks: PyScriptHooks): Promise<void> {
  const host: FsHost = await usePyScript(hooks, { permissionTtlMs: 0 });
  void host;
  // @ts-expect-error: the options are a host's
  void usePyScript(hooks, { mode: "sab" });
}

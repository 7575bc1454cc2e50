// What PyScript's worker does today: storeFSHandler through coincident (sync when the page is
// cross-origin isolated, else a Promise), and for a mount, the record from IndexedDB through
// idb-map and queryPermission on its handle (@pyscript/core 0.7.31, stdlib/pyscript/fs.py).
import coincident from "/node_modules/coincident/dist/worker.js";
import IDBMap from "/node_modules/@webreflection/idb-map/index.js";
import { timeAsync, timeSync } from "./timing.js";

const { proxy, native } = await coincident();
const yes = () => true;

proxy.run = async ({ kind, uid, options, namespace, ...job }) => {
  if (kind === "sync") {
    if (!native) throw new Error("coincident is not native here: the page is not cross-origin isolated");
    return timeSync(() => proxy.storeFSHandler(uid, options), yes, job);
  }
  if (kind === "async") return timeAsync(() => proxy.storeFSHandler(uid, options), yes, job);
  // PyScript opens a new IDBMap for each mount; one kept open here spares it that cost.
  const idbm = new IDBMap(namespace);
  const handshake = async () => {
    if (!(await proxy.storeFSHandler(uid, options))) return false;
    const details = await idbm.get(uid);
    return (await details.handler.queryPermission(details.options)) === "granted";
  };
  return timeAsync(handshake, yes, job);
};

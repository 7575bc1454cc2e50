// A second reference for an async call: Comlink's RPC over a MessagePort.
import * as Comlink from "/node_modules/comlink/dist/esm/comlink.mjs";
import { serve, timeAsync } from "./timing.js";

serve(({ port, ...job }) => {
  const remote = Comlink.wrap(port);
  return timeAsync((i) => remote.ping(i), (i) => i + 1, job);
});

// Both mount engines, as TypeScript reads their JSDoc, are `Engine`s: the contract fshandles'
// Python package relies on (worker/js/engine_types.d.ts).
import type { Engine } from "../../worker/js/engine_types";
import * as copy from "../../worker/js/fshandles_copy.js";
import * as direct from "../../worker/js/fshandles_direct.js";

export const engines: Engine[] = [copy, direct];

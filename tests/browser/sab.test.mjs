// The core scenarios in sab mode (SharedArrayBuffer + Atomics) on a cross-origin
// isolated page.
import { scenarios } from "./scenarios.mjs";
import { ISOLATED } from "./harness.mjs";

scenarios({ mode: "sab", base: ISOLATED });

// The core, over postMessage, on a page without COOP/COEP.
import { scenarios } from "./scenarios.mjs";
import { PLAIN } from "./harness.mjs";

scenarios({ mode: "async", base: PLAIN });

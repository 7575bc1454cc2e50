import type { FsHost, HostOptions } from "./fshandles_main.js";

/** The part of PyScript's `hooks` (from `@pyscript/core`) that `usePyScript` uses. */
export interface PyScriptHooks {
  main: { onWorker: Set<(wrap: unknown, xworker: Worker & { sync: object }) => void> };
  worker: {
    onBeforeRun: Set<(wrap: { interpreter: unknown }) => void>;
    onBeforeRunAsync: Set<(wrap: { interpreter: unknown }) => void>;
    codeBeforeRun: Set<string>;
    codeBeforeRunAsync: Set<string>;
  };
}

/**
 * Everything a PyScript page needs: call it right after importing PyScript's `hooks`, before
 * any await. Every PyScript worker created afterwards is attached, PyScript's own `pyscript.fs`
 * goes through the host, and `import fshandles` works in those workers with no config.
 */
export function usePyScript(hooks: PyScriptHooks, options?: HostOptions): Promise<FsHost>;

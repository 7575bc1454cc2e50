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

/** `usePyScript`'s options: the host's, and what becomes of PyScript's own `pyscript.fs`. */
export interface PyScriptOptions extends HostOptions {
    /**
     * `true` (default): PyScript's own `pyscript.fs` (`mount`, `sync`, `unmount`, `revoke`,
     * `mounted`) is fshandles' in each worker, with PyScript's signatures: the direct mount in
     * sab mode, the two-way sync in async mode, so a `sync` never deletes what others wrote into
     * the folder. `false`: PyScript's own mount (Pyodide's `mountNativeFS`), its records and
     * prompts still served by the host.
     */
    pyscriptFs?: boolean;
}

/**
 * Everything a PyScript page needs: call it right after importing PyScript's `hooks`, before
 * any await. Every PyScript worker created afterwards is attached, PyScript's own `pyscript.fs`
 * becomes fshandles' (unless `options.pyscriptFs` is false), and `import fshandles` works in
 * those workers with no config.
 */
export function usePyScript(hooks: PyScriptHooks, options?: PyScriptOptions): Promise<FsHost>;

//! The TypeScript both JS packages declare beside their classes (each crate adds it to its
//! `.d.ts` with `#[wasm_bindgen(typescript_custom_section)]`).

/// Options, results and error names, as both faces take and give them.
pub const DECLARATIONS: &str = r#"
/** Where the directory picker opens (PyScript's `hint` means the same). */
export type StartIn = "desktop" | "documents" | "downloads" | "music" | "pictures" | "videos";

/** What a folder is asked for. */
export interface MountOptions {
    /** The picker's id (1-32 of `A-Za-z0-9_-`): the picker remembers its last folder per id. */
    id?: string;
    /** The access asked for; default `"readwrite"`. */
    mode?: "read" | "readwrite";
    /** Where the picker opens. */
    startIn?: StartIn;
    /** PyScript's name for `startIn`. */
    hint?: StartIn;
}

/**
 * The stable `name` of every `Error` fshandles throws or rejects with (the README's error
 * table says when each comes).
 */
export type FsHandlesErrorName =
    | "NotSupportedError"
    | "AbortError"
    | "NotAllowedError"
    | "SecurityError"
    | "TimeoutError"
    | "DataError"
    | "ProtocolError"
    | "NotFoundError"
    | "QuotaExceededError"
    | "UnknownStorageError"
    | "UnknownError"
    | "DetachedError";

/** An `Error` from fshandles. */
export interface FsHandlesError extends Error {
    name: FsHandlesErrorName;
}

/** The outcome of a call that never throws (`FsClient.settle`). */
export type Settled<T> =
    | { ok: true; value: T }
    | { ok: false; name: FsHandlesErrorName; message: string };
"#;

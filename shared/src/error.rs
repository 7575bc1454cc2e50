//! Errors with a kind that survives every boundary: postcard, the shared buffer, JS and Python.

use alloc::string::String;
use core::fmt;
use serde::{Deserialize, Serialize};

/// What went wrong, in the terms of the DOM exceptions a JS caller already knows.
///
/// The discriminants are part of the wire format: add new kinds at the end only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ErrorKind {
    /// The browser lacks something needed (the File System Access API, cross-origin isolation).
    NotSupported,
    /// The request was abandoned (the worker was detached, the dialog torn down).
    Abort,
    /// The user or the browser refused access.
    NotAllowed,
    /// The browser forbids this here (a cross-origin iframe).
    Security,
    /// Nobody answered in time (no host attached to the worker).
    Timeout,
    /// The caller's input is invalid (empty uid, unknown mode).
    Data,
    /// A message did not follow the protocol (garbage bytes, a newer version, an unknown op).
    Protocol,
    /// Nothing is stored under that uid.
    NotFound,
    /// Storage is full.
    Quota,
    /// Storage (IndexedDB) failed or is unavailable.
    Storage,
    /// Anything else; the message says what.
    Unknown,
    /// The host let go of this worker mid-session (`host.detach(worker)`, or the host was
    /// dropped): calls in flight end with this, and no later call waits for that host.
    Detached,
}

impl ErrorKind {
    /// Every kind, in wire order.
    pub const ALL: [ErrorKind; 12] = [
        ErrorKind::NotSupported,
        ErrorKind::Abort,
        ErrorKind::NotAllowed,
        ErrorKind::Security,
        ErrorKind::Timeout,
        ErrorKind::Data,
        ErrorKind::Protocol,
        ErrorKind::NotFound,
        ErrorKind::Quota,
        ErrorKind::Storage,
        ErrorKind::Unknown,
        ErrorKind::Detached,
    ];

    /// The stable `name` a JS `Error` carries for this kind.
    pub const fn name(self) -> &'static str {
        // One table, indexed by the kind (in wire order): a `match` here put the names into
        // the wasm twice, once for each way they were read.
        NAMES[self as usize]
    }

    /// The kind for a JS error `name` (a `DOMException`'s or one of ours); unknown names map to
    /// [`ErrorKind::Unknown`].
    pub fn from_name(name: &str) -> Self {
        match name {
            // A TypeError inside the library or the browser is no fault of the caller's input
            // (that is checked first, and refused as Data): Unknown, with its message.
            "DataCloneError" => ErrorKind::Data,
            "InvalidStateError" | "VersionError" => ErrorKind::Storage,
            // Ours by the names [`ErrorKind::name`] gives: no second list of them to keep in step.
            _ => ErrorKind::ALL
                .into_iter()
                .find(|k| k.name() == name)
                .unwrap_or(ErrorKind::Unknown),
        }
    }
}

/// The names of [`ErrorKind::ALL`], in its order.
static NAMES: [&str; 12] = [
    "NotSupportedError",
    "AbortError",
    "NotAllowedError",
    "SecurityError",
    "TimeoutError",
    "DataError",
    "ProtocolError",
    "NotFoundError",
    "QuotaExceededError",
    "UnknownStorageError",
    "UnknownError",
    "DetachedError",
];

/// An error with a kind and a human-readable message; it travels as is between host and worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Error {
    /// What kind of failure this is.
    pub kind: ErrorKind,
    /// What happened, for a person.
    pub message: String,
}

impl Error {
    /// An error of `kind` saying `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
        }
    }

    /// The stable JS `name` of this error.
    pub fn name(&self) -> &'static str {
        self.kind.name()
    }
}

/// `s` in double quotes, for naming a bad value in an error message.
///
/// Messages use this instead of `{:?}`: Rust's debug escaping of a string brings its Unicode
/// tables into the wasm (about 3 KB), and nothing reads these messages but people.
pub fn quoted(s: &str) -> String {
    crate::text!("\"", s, "\"")
}

/// A worker's call that its host will not answer: the host let go of the worker.
pub fn detached() -> Error {
    Error::new(
        ErrorKind::Detached,
        "the FsHost let go of this worker (host.detach(worker), or the host was dropped); attach it again to go on",
    )
}

/// A worker's call that no host took within `ms` milliseconds.
pub fn no_host(ms: f64) -> Error {
    Error::new(
        ErrorKind::Timeout,
        crate::text!(
            "no FsHost answered within ",
            whole_ms(ms),
            " ms: is one attached to this worker (host.attach(worker))?"
        ),
    )
}

/// A worker's call that the host took but did not answer within `ms` milliseconds.
pub fn no_answer(ms: f64) -> Error {
    Error::new(
        ErrorKind::Timeout,
        crate::text!(
            "the host took the request but gave no answer within ",
            whole_ms(ms),
            " ms"
        ),
    )
}

/// Milliseconds rounded up to a whole number: printing an `f64` would bring Rust's float
/// formatting (about 16 KB of wasm) into the worker.
fn whole_ms(ms: f64) -> u64 {
    // `ceil` is std-only; timeouts are positive, so truncating and adding one for a fraction
    // is the same.
    let whole = ms as u64;
    if (whole as f64) < ms {
        whole + 1
    } else {
        whole
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.message)
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
#[allow(clippy::disallowed_macros, clippy::disallowed_types)] // tests: they ship nowhere
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in ErrorKind::ALL {
            assert_eq!(ErrorKind::from_name(kind.name()), kind);
        }
    }

    #[test]
    fn dom_names_map_to_kinds() {
        assert_eq!(ErrorKind::from_name("TypeError"), ErrorKind::Unknown);
        assert_eq!(ErrorKind::from_name("DataCloneError"), ErrorKind::Data);
        assert_eq!(
            ErrorKind::from_name("InvalidStateError"),
            ErrorKind::Storage
        );
        assert_eq!(ErrorKind::from_name("VersionError"), ErrorKind::Storage);
        assert_eq!(ErrorKind::from_name("SomethingElse"), ErrorKind::Unknown);
        assert_eq!(ErrorKind::from_name(""), ErrorKind::Unknown);
    }

    #[test]
    fn quoted_wraps_in_double_quotes() {
        assert_eq!(quoted("a b"), "\"a b\"");
    }

    #[test]
    fn timeouts_print_whole_milliseconds() {
        assert!(no_host(1000.0).message.contains(" 1000 ms"));
        assert!(no_answer(2.5).message.contains(" 3 ms"));
        assert_eq!(no_answer(2.5).kind, ErrorKind::Timeout);
    }

    #[test]
    fn display_names_the_kind() {
        let e = Error::new(ErrorKind::Timeout, "no FsHost attached");
        assert_eq!(e.to_string(), "TimeoutError: no FsHost attached");
    }
}

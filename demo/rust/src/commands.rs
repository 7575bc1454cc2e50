//! What the page asks of the Rust worker, and what it answers.

use fshandles_shared::codec::SharedBuffer;
use serde::{Deserialize, Serialize};

/// One command, numbered by the page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    /// Matches the answer to the request.
    pub id: u32,
    /// What to do.
    pub command: Command,
}

/// A folder operation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Command {
    /// Connect FsClient over the named `BroadcastChannel`.
    Connect {
        /// The channel the page's host is attached to.
        channel: String,
        /// On a cross-origin isolated page: the shared buffer the page handed to its host, for
        /// sab mode (no `SharedArrayBuffer` crosses a `BroadcastChannel`).
        buffer: Option<SharedBuffer>,
    },
    /// Store (pick) the folder.
    Pick,
    /// List the folder's entries.
    List,
    /// Write a note into the folder.
    Write {
        /// The note.
        text: String,
    },
    /// Read the note back.
    Read,
    /// Re-grant permission on the stored folder.
    Regrant,
    /// Forget the folder.
    Revoke,
    /// `n` store-hits in a row without returning to the event loop (sab mode): what a Rust
    /// program doing file work does.
    Loop {
        /// How many calls.
        n: u32,
    },
}

/// The answer to a [`Request`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outcome {
    /// The request's id.
    pub id: u32,
    /// Whether it worked.
    pub ok: bool,
    /// What happened, for the log.
    pub text: String,
    /// The FsClient mode (`sab` or `async`), once connected.
    pub mode: String,
}

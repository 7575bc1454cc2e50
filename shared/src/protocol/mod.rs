//! Requests and replies between worker and host, and their wire format.
//!
//! Every message is `header ‖ body`, in postcard's format (written by hand, `wire`): the
//! header is a 4-byte magic tag, the protocol version and a request id chosen by the worker;
//! the body is a [`Request`] or a [`Reply`]. The magic tag lets the host tell its messages
//! from anyone else's on a shared channel (PyScript's own traffic goes over the same worker);
//! the version lets an old host answer a newer worker with a clear error instead of
//! misreading it.
//!
//! Folder handles never travel in these bytes: they go beside them, structured-cloned.
//!
//! Two messages have a shorter form from version 2 on, on a client's own port only (it carries
//! nothing but fshandles' traffic, so a number there cannot be somebody else's): an async
//! call's yes or no with no folder riding along comes back as a bare number
//! ([`compact_answer`]), and a client that has had one may ask again what it asked last on that
//! port as a bare negative number ([`repeat_request`]). Chromium delivers a number far more
//! cheaply than an object holding bytes.
//!
//! - this module: the requests and replies;
//! - `codec`: their encoding, in postcard's format (written by hand), and why bytes may not
//!   decode;
//! - `compact`: the bare numbers that stand for common messages.

mod codec;
mod compact;

pub use codec::{
    decode_reply, decode_request, encode_reply, encode_request, is_ours, version_of, DecodeError,
};
pub use compact::{compact_answer, read_compact_answer, read_repeat, repeat_request, whole_u32};

use crate::error::{Error, ErrorKind};
use crate::options::MountOptions;
use alloc::string::String;
use serde::{Deserialize, Serialize};

/// The tag every fshandles message starts with.
pub const MAGIC: [u8; 4] = *b"FSH\x01";
/// The protocol version this crate speaks.
pub const VERSION: u16 = 2;
/// The first version whose clients read [`compact_answer`]s; older ones get every answer as
/// bytes.
pub const COMPACT_ANSWERS_SINCE: u16 = 2;
/// The longest uid accepted, in UTF-8 bytes.
pub const MAX_UID_BYTES: usize = 1024;
/// The longest message accepted: far above any valid one, it bounds what garbage can cost.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// The header as postcard's serde format sees it (the tests check our codec against it).
#[cfg(test)]
#[derive(Serialize, Deserialize)]
struct Header {
    magic: [u8; 4],
    version: u16,
    id: u32,
}

/// What a worker asks of the host.
///
/// The variant order is the wire format: add new operations at the end only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request {
    /// Make sure a folder is stored under `uid` with permission for `options.mode`, prompting
    /// only when it must; answers whether it is.
    Store {
        /// The record key (PyScript uses `"<path>@<id>"`).
        uid: String,
        /// How to pick and what access to ask for.
        options: MountOptions,
        /// The worker does not hold this folder's handle yet: send it along.
        want_handle: bool,
    },
    /// Re-grant permission on the stored folder (picking anew only when nothing is stored or
    /// the re-grant fails); answers whether access is granted.
    Get {
        /// The record key.
        uid: String,
        /// How to pick and what access to ask for.
        options: MountOptions,
        /// The worker does not hold this folder's handle yet: send it along.
        want_handle: bool,
    },
    /// Forget the folder stored under `uid`; answers whether there was one.
    Delete {
        /// The record key.
        uid: String,
    },
    /// Send the stored folder's handle; answers true with the handle, or fails with NotFound.
    Handle {
        /// The record key.
        uid: String,
    },
    /// Sab mode: the reply to request `id` did not fit the shared buffer; this request comes
    /// with a larger one, to write it into.
    Resume {
        /// The request whose reply is waiting.
        id: u32,
    },
}

const REQUEST_OPS: u32 = 5;

/// The two ways to obtain a folder, which differ only in what a refused re-grant does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Obtain {
    /// Make sure a folder is stored; a refused re-grant answers false.
    Store,
    /// Re-grant on the stored folder; a refused re-grant picks anew.
    Get,
}

impl Request {
    /// A [`Request::Store`] or [`Request::Get`].
    pub fn obtain(kind: Obtain, uid: String, options: MountOptions, want_handle: bool) -> Request {
        match kind {
            Obtain::Store => Request::Store {
                uid,
                options,
                want_handle,
            },
            Obtain::Get => Request::Get {
                uid,
                options,
                want_handle,
            },
        }
    }

    /// The uid this request is about, if any.
    pub fn uid(&self) -> Option<&str> {
        match self {
            Request::Store { uid, .. }
            | Request::Get { uid, .. }
            | Request::Delete { uid }
            | Request::Handle { uid } => Some(uid),
            Request::Resume { .. } => None,
        }
    }

    /// Checks the values a well-formed request may still get wrong.
    pub fn validate(&self) -> Result<(), Error> {
        if let Some(uid) = self.uid() {
            validate_uid(uid)?;
        }
        match self {
            Request::Store { options, .. } | Request::Get { options, .. } => options.validate(),
            _ => Ok(()),
        }
    }
}

/// Checks a record key: not empty, at most [`MAX_UID_BYTES`].
pub fn validate_uid(uid: &str) -> Result<(), Error> {
    if uid.is_empty() {
        return Err(Error::new(ErrorKind::Data, "the uid is empty"));
    }
    if uid.len() > MAX_UID_BYTES {
        return Err(Error::new(
            ErrorKind::Data,
            crate::text!(
                "the uid is ",
                uid.len(),
                " bytes long; at most ",
                MAX_UID_BYTES,
                " are allowed"
            ),
        ));
    }
    Ok(())
}

/// What the host answers.
///
/// The variant order is the wire format: add new replies at the end only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reply {
    /// The request's result.
    Answer(bool),
    /// The host has the request and is waiting for a person (async mode's acknowledgement).
    /// Sent with id 0, before any answer: a host is there but not ready (its wasm is still
    /// loading), and the client's calls wait for it however long it takes.
    Ack,
    /// The request failed.
    Failed(Error),
    /// Sab mode: the handle for `uid` rides on this message; the answer comes through the
    /// shared buffer.
    Handle {
        /// The record key the handle belongs to.
        uid: String,
    },
    /// The host let go of this client (it was detached, or the host dropped): pending calls
    /// end with [`crate::ErrorKind::Detached`]. Sent with id 0.
    Detached,
}

impl Reply {
    /// The variant's name, for error messages.
    pub fn name(&self) -> &'static str {
        match self {
            Reply::Answer(_) => "Answer",
            Reply::Ack => "Ack",
            Reply::Failed(_) => "Failed",
            Reply::Handle { .. } => "Handle",
            Reply::Detached => "Detached",
        }
    }
}

const REPLY_OPS: u32 = 5;

#[cfg(test)]
#[allow(clippy::disallowed_macros, clippy::disallowed_types)] // tests: they ship nowhere
mod properties;
#[cfg(test)]
#[allow(clippy::disallowed_macros, clippy::disallowed_types)] // tests: they ship nowhere
mod tests;

//! The wire format of requests and replies: `header ‖ body` in postcard's format, written by
//! hand (`wire`), and why bytes may fail to decode.

use super::{Obtain, Reply, Request, MAGIC, MAX_MESSAGE_BYTES, REPLY_OPS, REQUEST_OPS, VERSION};
use crate::error::{Error, ErrorKind};
use crate::options::{AccessMode, MountOptions, StartIn};
use crate::wire::{Bad, Reader, Writer};
use alloc::string::String;
use alloc::vec::Vec;

/// Why bytes could not be read as a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Not an fshandles message (no magic tag): somebody else's, to be ignored.
    Foreign,
    /// Ours, but from a newer protocol version.
    Version {
        /// The request id, to answer it.
        id: u32,
        /// The version the sender speaks.
        version: u16,
    },
    /// Ours, but the bytes are damaged, too long, or name an unknown operation.
    Malformed {
        /// The request id, when the header could be read.
        id: Option<u32>,
        /// What was wrong.
        reason: String,
    },
    /// Well-formed, but a value is not acceptable (an empty uid, a bad picker id).
    Invalid {
        /// The request id.
        id: u32,
        /// What was wrong.
        error: Error,
    },
}

impl DecodeError {
    /// The id of the request to answer with an error, if it can be answered at all.
    pub fn id(&self) -> Option<u32> {
        match self {
            DecodeError::Foreign => None,
            DecodeError::Version { id, .. } | DecodeError::Invalid { id, .. } => Some(*id),
            DecodeError::Malformed { id, .. } => *id,
        }
    }

    /// The error to answer with.
    pub fn to_error(&self) -> Error {
        match self {
            DecodeError::Foreign => Error::new(ErrorKind::Protocol, "not an fshandles message"),
            DecodeError::Version { version, .. } => Error::new(
                ErrorKind::Protocol,
                crate::text!(
                    "protocol version ",
                    version,
                    " is newer than this host's (",
                    VERSION,
                    "); update fshandles-main"
                ),
            ),
            DecodeError::Malformed { reason, .. } => {
                Error::new(ErrorKind::Protocol, reason.clone())
            }
            DecodeError::Invalid { error, .. } => error.clone(),
        }
    }
}
/// Writes `request` with `id` into `out`, replacing what was there (its allocation is reused).
pub fn encode_request(id: u32, request: &Request, out: &mut Vec<u8>) -> Result<(), Error> {
    request.validate()?;
    encode(id, out, |w| write_request(w, request))
}

/// Writes `reply` with `id` into `out`, replacing what was there (its allocation is reused).
pub fn encode_reply(id: u32, reply: &Reply, out: &mut Vec<u8>) -> Result<(), Error> {
    encode(id, out, |w| write_reply(w, reply))
}

pub(super) fn encode(
    id: u32,
    out: &mut Vec<u8>,
    body: impl FnOnce(&mut Writer),
) -> Result<(), Error> {
    out.clear();
    out.extend_from_slice(&MAGIC);
    let mut w = Writer(out);
    w.varint(VERSION.into());
    w.varint(id.into());
    body(&mut w);
    if out.len() > MAX_MESSAGE_BYTES {
        return Err(Error::new(
            ErrorKind::Data,
            crate::text!(
                "message of ",
                out.len(),
                " bytes is over the ",
                MAX_MESSAGE_BYTES,
                "-byte limit"
            ),
        ));
    }
    Ok(())
}

fn write_options(w: &mut Writer, options: &MountOptions) {
    w.option(options.id.as_deref(), Writer::str);
    w.varint(options.mode as u64);
    w.option(options.start_in, |w, s| w.varint(s as u64));
}

fn read_options(r: &mut Reader) -> Result<MountOptions, Bad> {
    Ok(MountOptions {
        id: r.option(Reader::string)?,
        mode: r.variant(&[AccessMode::Read, AccessMode::ReadWrite])?,
        start_in: r.option(|r| r.variant(&StartIn::ALL))?,
    })
}

pub(super) fn write_request(w: &mut Writer, request: &Request) {
    w.varint(match request {
        Request::Store { .. } => 0,
        Request::Get { .. } => 1,
        Request::Delete { .. } => 2,
        Request::Handle { .. } => 3,
        Request::Resume { .. } => 4,
    });
    match request {
        Request::Store {
            uid,
            options,
            want_handle,
        }
        | Request::Get {
            uid,
            options,
            want_handle,
        } => {
            w.str(uid);
            write_options(w, options);
            w.bool(*want_handle);
        }
        Request::Delete { uid } | Request::Handle { uid } => w.str(uid),
        Request::Resume { id } => w.varint((*id).into()),
    }
}

pub(super) fn read_request(r: &mut Reader, variant: u32) -> Result<Request, Bad> {
    Ok(match variant {
        0 | 1 => Request::obtain(
            if variant == 0 {
                Obtain::Store
            } else {
                Obtain::Get
            },
            r.string()?,
            read_options(r)?,
            r.bool()?,
        ),
        2 => Request::Delete { uid: r.string()? },
        3 => Request::Handle { uid: r.string()? },
        4 => Request::Resume { id: r.u32()? },
        _ => return Err(Bad::Tag),
    })
}

pub(super) fn write_reply(w: &mut Writer, reply: &Reply) {
    match reply {
        Reply::Answer(granted) => {
            w.varint(0);
            w.bool(*granted);
        }
        Reply::Ack => w.varint(1),
        Reply::Failed(e) => {
            w.varint(2);
            w.varint(e.kind as u64);
            w.str(&e.message);
        }
        Reply::Handle { uid } => {
            w.varint(3);
            w.str(uid);
        }
        Reply::Detached => w.varint(4),
    }
}

pub(super) fn read_reply(r: &mut Reader, variant: u32) -> Result<Reply, Bad> {
    Ok(match variant {
        0 => Reply::Answer(r.bool()?),
        1 => Reply::Ack,
        2 => Reply::Failed(Error {
            kind: r.variant(&ErrorKind::ALL)?,
            message: r.string()?,
        }),
        3 => Reply::Handle { uid: r.string()? },
        4 => Reply::Detached,
        _ => return Err(Bad::Tag),
    })
}

/// Reads a request, validating it.
pub fn decode_request(bytes: &[u8]) -> Result<(u32, Request), DecodeError> {
    let (id, request) = decode(bytes, REQUEST_OPS, "operation", read_request)?;
    request
        .validate()
        .map_err(|error| DecodeError::Invalid { id, error })?;
    Ok((id, request))
}

/// Reads a reply.
pub fn decode_reply(bytes: &[u8]) -> Result<(u32, Reply), DecodeError> {
    decode(bytes, REPLY_OPS, "reply", read_reply)
}

/// The protocol version in the header of `bytes`, if they are ours and it can be read.
pub fn version_of(bytes: &[u8]) -> Option<u16> {
    if !is_ours(bytes) {
        return None;
    }
    Reader::new(&bytes[MAGIC.len()..]).u16().ok()
}
/// Whether `bytes` start with the fshandles tag (cheap; no decoding).
pub fn is_ours(bytes: &[u8]) -> bool {
    bytes.starts_with(&MAGIC)
}

fn decode<T>(
    bytes: &[u8],
    known_variants: u32,
    what: &str,
    body: impl FnOnce(&mut Reader, u32) -> Result<T, Bad>,
) -> Result<(u32, T), DecodeError> {
    if !is_ours(bytes) {
        return Err(DecodeError::Foreign);
    }
    let malformed = |id, reason: String| DecodeError::Malformed { id, reason };
    let mut r = Reader::new(&bytes[MAGIC.len()..]);
    let header = |e: Bad| {
        malformed(
            None,
            crate::text!("unreadable message header: ", e.reason()),
        )
    };
    let version = r.u16().map_err(header)?;
    let id = r.u32().map_err(header)?;
    // Read no further into an oversize message, but answer it: its header names the caller.
    if bytes.len() > MAX_MESSAGE_BYTES {
        return Err(malformed(
            Some(id),
            crate::text!("a message over the ", MAX_MESSAGE_BYTES, "-byte limit"),
        ));
    }
    if version > VERSION {
        return Err(DecodeError::Version { id, version });
    }
    let bad = |e: Bad| malformed(Some(id), crate::text!("malformed ", what, ": ", e.reason()));
    // A variant past ours is a newer peer's operation: "unknown", not "garbage".
    let variant = r.u32().map_err(bad)?;
    if variant >= known_variants {
        return Err(malformed(
            Some(id),
            crate::text!("unknown ", what, " ", variant),
        ));
    }
    let value = body(&mut r, variant).map_err(bad)?;
    if !r.rest().is_empty() {
        return Err(malformed(
            Some(id),
            crate::text!(r.rest().len(), " stray bytes after the ", what),
        ));
    }
    Ok((id, value))
}

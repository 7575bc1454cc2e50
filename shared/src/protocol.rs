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

use crate::error::{Error, ErrorKind};
use crate::options::MountOptions;
use crate::options::{AccessMode, StartIn};
use crate::wire::{Bad, Reader, Writer};
use alloc::string::String;
use alloc::vec::Vec;
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

fn encode(id: u32, out: &mut Vec<u8>, body: impl FnOnce(&mut Writer)) -> Result<(), Error> {
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

fn write_request(w: &mut Writer, request: &Request) {
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

fn read_request(r: &mut Reader, variant: u32) -> Result<Request, Bad> {
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

fn write_reply(w: &mut Writer, reply: &Reply) {
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

fn read_reply(r: &mut Reader, variant: u32) -> Result<Reply, Bad> {
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

/// One past the largest compact answer (`2 * u32::MAX + 1`); all of them are exact in an `f64`.
const COMPACT_LIMIT: f64 = (1u64 << 33) as f64;

/// [`Reply::Answer`]`(answer)` to call `id`, as the bare number posted for it: `id * 2`, plus
/// one for yes.
pub fn compact_answer(id: u32, answer: bool) -> f64 {
    f64::from(id) * 2.0 + f64::from(u8::from(answer))
}

/// The call and answer a bare number names, if it is a [`compact_answer`] at all (a
/// whole number from 0 to `2 * u32::MAX + 1`).
pub fn read_compact_answer(n: f64) -> Option<(u32, bool)> {
    if !(0.0..COMPACT_LIMIT).contains(&n) {
        return None;
    }
    let whole = n as u64;
    if whole as f64 != n {
        return None; // a fraction
    }
    let n = whole;
    Some(((n >> 1) as u32, n & 1 == 1))
}

/// Call `id` asks what the client's previous request in full on this port asked: the bare
/// number posted for it, `-(id + 1)`. Only after a [`compact_answer`] on that port (the host
/// reads these, and has the port).
pub fn repeat_request(id: u32) -> f64 {
    -f64::from(id) - 1.0
}

/// The call a bare number names, if it is a [`repeat_request`] (a whole number from
/// `-(u32::MAX + 1)` to -1).
pub fn read_repeat(n: f64) -> Option<u32> {
    whole_u32(-n - 1.0)
}

/// `n` as a `u32`, if it is a whole number from 0 to `u32::MAX`: how JS numbers that stand
/// for call numbers, sequence numbers and milliseconds are read.
pub fn whole_u32(n: f64) -> Option<u32> {
    // No `f64::fract` in a no_std crate: a whole number survives the round trip through u32.
    ((0.0..=f64::from(u32::MAX)).contains(&n) && f64::from(n as u32) == n).then_some(n as u32)
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

#[cfg(test)]
#[allow(clippy::disallowed_macros, clippy::disallowed_types)] // tests: they ship nowhere
mod tests {
    #[test]
    fn whole_u32_takes_whole_numbers_in_range_only() {
        assert_eq!(whole_u32(0.0), Some(0));
        assert_eq!(whole_u32(f64::from(u32::MAX)), Some(u32::MAX));
        for n in [
            -1.0,
            0.5,
            f64::from(u32::MAX) + 1.0,
            f64::NAN,
            f64::INFINITY,
        ] {
            assert_eq!(whole_u32(n), None, "{n}");
        }
    }

    use super::*;
    use crate::options::{AccessMode, StartIn};
    use alloc::string::ToString;
    use alloc::vec;
    use proptest::prelude::*;

    #[test]
    fn compact_answers_name_their_call() {
        for id in [0, 1, 2, 1000, u32::MAX - 1, u32::MAX] {
            for answer in [false, true] {
                assert_eq!(
                    read_compact_answer(compact_answer(id, answer)),
                    Some((id, answer))
                );
            }
        }
        for n in [
            -1.0,
            -2.0,
            0.5,
            3.25,
            f64::NAN,
            f64::INFINITY,
            COMPACT_LIMIT,
            1e300,
        ] {
            assert_eq!(read_compact_answer(n), None, "{n}");
        }
    }

    #[test]
    fn repeats_name_their_call_and_are_no_answers() {
        for id in [0, 1, 77, u32::MAX] {
            assert_eq!(read_repeat(repeat_request(id)), Some(id));
            assert_eq!(read_compact_answer(repeat_request(id)), None);
            assert_eq!(read_repeat(compact_answer(id, true)), None);
        }
        for n in [0.0, -0.5, -1.5, f64::NAN, f64::NEG_INFINITY, -4294967297.0] {
            assert_eq!(read_repeat(n), None, "{n}");
        }
    }

    #[test]
    fn the_version_is_read_from_the_header() {
        let mut out = Vec::new();
        encode_reply(7, &Reply::Ack, &mut out).unwrap();
        assert_eq!(version_of(&out), Some(VERSION));
        assert_eq!(version_of(b"FSH"), None);
        assert_eq!(version_of(&MAGIC), None, "ours, but cut before the version");
    }

    fn store(uid: &str) -> Request {
        Request::Store {
            uid: uid.into(),
            options: MountOptions::new(AccessMode::Read).with_id("pyscript"),
            want_handle: true,
        }
    }

    fn encoded(id: u32, r: &Request) -> Vec<u8> {
        let mut out = Vec::new();
        encode_request(id, r, &mut out).unwrap();
        out
    }

    #[test]
    fn request_round_trip() {
        let bytes = encoded(42, &store("/local@pyscript"));
        assert_eq!(
            decode_request(&bytes).unwrap(),
            (42, store("/local@pyscript"))
        );
    }

    #[test]
    fn encoding_reuses_the_buffer() {
        let mut out = Vec::with_capacity(256);
        let ptr = out.as_ptr();
        encode_request(1, &store("a"), &mut out).unwrap();
        encode_request(2, &store("b"), &mut out).unwrap();
        assert_eq!(out.as_ptr(), ptr);
        assert_eq!(decode_request(&out).unwrap().0, 2);
    }

    #[test]
    fn empty_and_oversize_uids_are_refused() {
        let mut out = Vec::new();
        assert_eq!(
            encode_request(1, &store(""), &mut out).unwrap_err().kind,
            ErrorKind::Data
        );
        let long = "x".repeat(MAX_UID_BYTES + 1);
        let e = encode_request(1, &store(&long), &mut out).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Data);
        assert!(e.message.contains("1025"));
        assert!(encode_request(1, &store(&"x".repeat(MAX_UID_BYTES)), &mut out).is_ok());
    }

    #[test]
    fn the_decoder_also_validates() {
        // A peer that skipped validation still gets a typed error, with its id.
        let mut out = Vec::new();
        encode(9, &mut out, |w| write_request(w, &store(""))).unwrap();
        match decode_request(&out).unwrap_err() {
            DecodeError::Invalid { id: 9, error } => assert_eq!(error.kind, ErrorKind::Data),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn foreign_bytes_are_foreign() {
        assert_eq!(decode_request(b"hello").unwrap_err(), DecodeError::Foreign);
        assert_eq!(decode_request(&[]).unwrap_err(), DecodeError::Foreign);
        assert_eq!(decode_reply(b"FSH").unwrap_err(), DecodeError::Foreign);
    }

    #[test]
    fn newer_versions_are_answered_with_their_id() {
        let mut bytes = postcard::to_allocvec(&Header {
            magic: MAGIC,
            version: VERSION + 1,
            id: 5,
        })
        .unwrap();
        bytes.extend_from_slice(&[0, 1, 2]);
        let e = decode_request(&bytes).unwrap_err();
        assert_eq!(
            e,
            DecodeError::Version {
                id: 5,
                version: VERSION + 1
            }
        );
        assert!(e.to_error().message.contains("newer"));
        assert_eq!(e.to_error().kind, ErrorKind::Protocol);
    }

    #[test]
    fn unknown_ops_are_named() {
        let mut bytes = postcard::to_allocvec(&Header {
            magic: MAGIC,
            version: VERSION,
            id: 3,
        })
        .unwrap();
        bytes.push(77);
        let e = decode_request(&bytes).unwrap_err();
        assert_eq!(e.id(), Some(3));
        assert_eq!(e.to_error().message, "unknown operation 77");
    }

    #[test]
    fn truncated_and_padded_messages_are_malformed() {
        let bytes = encoded(8, &store("/data@x"));
        for cut in 4..bytes.len() {
            let e = decode_request(&bytes[..cut]).unwrap_err();
            assert!(
                matches!(e, DecodeError::Malformed { .. }),
                "cut at {cut}: {e:?}"
            );
        }
        let mut padded = bytes.clone();
        padded.push(0);
        assert!(decode_request(&padded)
            .unwrap_err()
            .to_error()
            .message
            .contains("stray"));
    }

    #[test]
    fn oversize_messages_are_refused_before_decoding_and_answered() {
        let mut bytes = Vec::new();
        encode_request(9, &store("/a"), &mut bytes).unwrap();
        bytes.resize(MAX_MESSAGE_BYTES + 1, 0);
        let e = decode_request(&bytes).unwrap_err();
        assert!(
            matches!(e, DecodeError::Malformed { id: Some(9), .. }),
            "{e:?}"
        );
        assert!(e.to_error().message.contains("limit"));
    }

    #[test]
    fn replies_round_trip() {
        for reply in [
            Reply::Answer(false),
            Reply::Answer(true),
            Reply::Ack,
            Reply::Failed(Error::new(ErrorKind::NotSupported, "no picker")),
            Reply::Handle {
                uid: "u".to_string(),
            },
        ] {
            let mut out = Vec::new();
            encode_reply(u32::MAX, &reply, &mut out).unwrap();
            assert_eq!(decode_reply(&out).unwrap(), (u32::MAX, reply));
        }
    }

    fn any_mode() -> impl Strategy<Value = AccessMode> {
        prop_oneof![Just(AccessMode::Read), Just(AccessMode::ReadWrite)]
    }

    fn any_options() -> impl Strategy<Value = MountOptions> {
        (
            proptest::option::of("[A-Za-z0-9_-]{1,32}"),
            any_mode(),
            proptest::option::of(proptest::sample::select(StartIn::ALL.to_vec())),
        )
            .prop_map(|(id, mode, start_in)| MountOptions { id, mode, start_in })
    }

    fn any_request() -> impl Strategy<Value = Request> {
        let uid = "\\PC{1,200}";
        prop_oneof![
            (uid, any_options(), any::<bool>()).prop_map(|(uid, options, want_handle)| {
                Request::Store {
                    uid,
                    options,
                    want_handle,
                }
            }),
            (uid, any_options(), any::<bool>()).prop_map(|(uid, options, want_handle)| {
                Request::Get {
                    uid,
                    options,
                    want_handle,
                }
            }),
            uid.prop_map(|uid| Request::Delete { uid }),
            uid.prop_map(|uid| Request::Handle { uid }),
            any::<u32>().prop_map(|id| Request::Resume { id }),
        ]
    }

    fn any_reply() -> impl Strategy<Value = Reply> {
        prop_oneof![
            any::<bool>().prop_map(Reply::Answer),
            Just(Reply::Ack),
            (0..ErrorKind::ALL.len(), "\\PC{0,100}")
                .prop_map(|(k, m)| Reply::Failed(Error::new(ErrorKind::ALL[k], m))),
            "\\PC{1,100}".prop_map(|uid| Reply::Handle { uid }),
            Just(Reply::Detached),
        ]
    }

    /// A whole body read by our codec.
    fn ours<T>(body: &[u8], known: u32, read: fn(&mut Reader, u32) -> Result<T, Bad>) -> Option<T> {
        let mut r = Reader::new(body);
        let variant = r.u32().ok().filter(|v| *v < known)?;
        let value = read(&mut r, variant).ok()?;
        r.rest().is_empty().then_some(value)
    }

    /// A whole body read by postcard.
    fn theirs<T: serde::de::DeserializeOwned>(body: &[u8]) -> Option<T> {
        match postcard::take_from_bytes::<T>(body) {
            Ok((value, [])) => Some(value),
            _ => None,
        }
    }

    proptest! {
        #[test]
        fn any_request_round_trips(id in any::<u32>(), request in any_request()) {
            let bytes = encoded(id, &request);
            prop_assert_eq!(decode_request(&bytes).unwrap(), (id, request));
        }

        #[test]
        fn any_error_reply_round_trips(id in any::<u32>(), message in "\\PC{0,300}", kind in 0..ErrorKind::ALL.len()) {
            let kind = ErrorKind::ALL[kind];
            let reply = Reply::Failed(Error::new(kind, message));
            let mut out = Vec::new();
            encode_reply(id, &reply, &mut out).unwrap();
            prop_assert_eq!(decode_reply(&out).unwrap(), (id, reply));
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = decode_request(&bytes);
            let _ = decode_reply(&bytes);
        }

        #[test]
        fn arbitrary_bodies_behind_our_tag_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
            let mut bytes = vec![];
            bytes.extend_from_slice(&MAGIC);
            bytes.extend_from_slice(&body);
            match decode_request(&bytes) {
                Ok((_, r)) => prop_assert!(r.validate().is_ok()),
                Err(e) => prop_assert_ne!(e, DecodeError::Foreign),
            }
            let _ = decode_reply(&bytes);
        }

        #[test]
        fn the_encoding_is_postcards(id in any::<u32>(), request in any_request(), reply in any_reply()) {
            let header = Header { magic: MAGIC, version: VERSION, id };
            prop_assert_eq!(encoded(id, &request), postcard::to_allocvec(&(&header, &request)).unwrap());
            let mut out = Vec::new();
            encode_reply(id, &reply, &mut out).unwrap();
            prop_assert_eq!(out, postcard::to_allocvec(&(&header, &reply)).unwrap());
        }

        /// Bodies near valid ones (a byte changed, cut short or added) and random ones read the
        /// same, or fail alike, as postcard's serde decoder reads them.
        #[test]
        fn the_decoding_is_postcards(
            request in any_request(),
            reply in any_reply(),
            at in any::<usize>(),
            byte in any::<u8>(),
            how in 0u8..4,
            random in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            let mut reply_body = Vec::new();
            write_reply(&mut Writer(&mut reply_body), &reply);
            let mut request_body = Vec::new();
            write_request(&mut Writer(&mut request_body), &request);
            for mut body in [request_body, reply_body] {
                let at = at % (body.len() + 1);
                match how {
                    0 if at < body.len() => body[at] = byte,
                    1 => body.truncate(at),
                    2 => body.insert(at, byte),
                    _ => body = random.clone(),
                }
                prop_assert_eq!(ours(&body, REQUEST_OPS, read_request), theirs::<Request>(&body));
                prop_assert_eq!(ours(&body, REPLY_OPS, read_reply), theirs::<Reply>(&body));
            }
        }

        #[test]
        fn flipped_bytes_never_panic(request in any_request(), at in any::<usize>(), bit in 0u8..8) {
            let mut bytes = encoded(1, &request);
            let at = at % bytes.len();
            bytes[at] ^= 1 << bit;
            let _ = decode_request(&bytes);
        }
    }
}

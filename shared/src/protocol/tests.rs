//! The protocol's tests: the codec against postcard's own serde format, and the limits.

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

use super::codec::{encode, read_reply, read_request, write_reply, write_request};
use super::compact::COMPACT_LIMIT;
use super::*;
use crate::options::{AccessMode, StartIn};
use crate::wire::{Bad, Reader, Writer};
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

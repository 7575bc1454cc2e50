//! The protocol's tests: examples of the codec, the compact forms and the limits (the
//! properties against postcard's own serde format are in `properties.rs`).

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

use super::codec::{encode, write_request};
use super::compact::COMPACT_LIMIT;
use super::*;
use crate::options::AccessMode;
use alloc::string::ToString;

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

pub(super) fn encoded(id: u32, r: &Request) -> Vec<u8> {
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

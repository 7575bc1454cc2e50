//! The protocol's properties: any request or reply round-trips, arbitrary bytes never panic,
//! and the codec writes and reads exactly what postcard's own serde format does.

use super::codec::{read_reply, read_request, write_reply, write_request};
use super::tests::encoded;
use super::*;
use crate::options::{AccessMode, StartIn};
use crate::wire::{Bad, Reader, Writer};
use alloc::vec;
use proptest::prelude::*;

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

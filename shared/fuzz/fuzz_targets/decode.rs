//! Any bytes, as a message a host or a worker receives: decoding never panics, and whatever
//! decodes encodes back to a message that decodes the same.
#![no_main]

use fshandles_shared::protocol::{decode_reply, decode_request, encode_reply, encode_request};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let mut out = Vec::new();
    if let Ok((id, request)) = decode_request(bytes) {
        encode_request(id, &request, &mut out).expect("a decoded request encodes");
        assert_eq!(decode_request(&out), Ok((id, request)));
    }
    if let Ok((id, reply)) = decode_reply(bytes) {
        encode_reply(id, &reply, &mut out).expect("a decoded reply encodes");
        assert_eq!(decode_reply(&out), Ok((id, reply)));
    }
});

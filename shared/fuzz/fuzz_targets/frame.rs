//! Any bytes, as a shared buffer someone else wrote: the header either parses to a payload
//! inside the buffer or is refused, and that payload decodes or is refused, never panicking.
#![no_main]

use fshandles_shared::frame::{Header, Phase, HEADER_BYTES, STATUS_OK};
use fshandles_shared::protocol::{decode_reply, decode_request};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|image: &[u8]| {
    let Some((header, payload)) = Header::split_image(image) else {
        return;
    };
    assert!(HEADER_BYTES + payload.len() <= image.len());
    if header.status == STATUS_OK {
        assert_eq!(payload.len(), header.len);
    }
    match header.phase {
        Phase::Requested => drop(decode_request(payload)),
        Phase::Replied => drop(decode_reply(payload)),
        Phase::Idle | Phase::Acked | Phase::Writing => {}
    }
});

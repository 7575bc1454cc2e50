//! The few protocol words that `main-thread/js/pyscript.js` writes by hand, before the host's
//! wasm (which has the real encoder) has loaded, checked against the crate's own.
#![allow(clippy::disallowed_macros, clippy::disallowed_types)] // a test: it ships nowhere

use fshandles_shared::frame::{LINK, LINK_HELD, LINK_UNKNOWN};
use fshandles_shared::protocol::{encode_reply, Reply};

const PYSCRIPT_JS: &str = include_str!("../../main-thread/js/pyscript.js");

/// The value of `const NAME = VALUE;` in pyscript.js.
fn constant(name: &str) -> &'static str {
    let start = format!("const {name} = ");
    let line = PYSCRIPT_JS
        .lines()
        .find_map(|l| l.strip_prefix(&start))
        .unwrap_or_else(|| panic!("pyscript.js has no `{start}…;`"));
    line.strip_suffix(';').expect("a constant ends with `;`")
}

fn bytes(name: &str) -> Vec<u8> {
    let list = constant(name);
    let list = list.strip_prefix('[').and_then(|l| l.strip_suffix(']'));
    list.expect("a byte list")
        .split(',')
        .map(|b| b.trim().parse().expect("a byte"))
        .collect()
}

fn encoded(reply: Reply) -> Vec<u8> {
    let mut out = Vec::new();
    encode_reply(0, &reply, &mut out).unwrap();
    out
}

#[test]
fn the_link_word_and_its_values_match_the_frame_layout() {
    assert_eq!(constant("LINK"), LINK.to_string());
    assert_eq!(constant("LINK_HELD"), LINK_HELD.to_string());
    assert_eq!(constant("LINK_UNKNOWN"), LINK_UNKNOWN.to_string());
}

#[test]
fn host_coming_is_an_ack_to_call_zero() {
    assert_eq!(bytes("HOST_COMING"), encoded(Reply::Ack));
}

#[test]
fn host_gone_is_a_detached_to_call_zero() {
    assert_eq!(bytes("HOST_GONE"), encoded(Reply::Detached));
}

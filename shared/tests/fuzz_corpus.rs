//! The fuzzers' seed corpus (`shared/fuzz/corpus`) is today's wire format: one message of each
//! kind, and frames holding them. `FSH_BLESS=1 cargo test -p fshandles-shared --test
//! fuzz_corpus` rewrites it after a format change.
#![allow(clippy::disallowed_macros, clippy::disallowed_types)] // a test: it ships nowhere

use fshandles_shared::frame::{self, Phase, HEADER_BYTES, STATUS_OK, STATUS_OVERFLOW};
use fshandles_shared::protocol::{encode_reply, encode_request, Reply, Request};
use fshandles_shared::{AccessMode, Error, ErrorKind, MountOptions, StartIn};
use std::path::Path;

fn requests() -> Vec<(&'static str, Request)> {
    let uid = || String::from("/local@pyscript");
    vec![
        (
            "store",
            Request::Store {
                uid: uid(),
                options: MountOptions::new(AccessMode::ReadWrite).with_id("pyscript"),
                want_handle: true,
            },
        ),
        (
            "get",
            Request::Get {
                uid: "/data@app".into(),
                options: MountOptions::new(AccessMode::Read).with_start_in(StartIn::Documents),
                want_handle: false,
            },
        ),
        ("delete", Request::Delete { uid: uid() }),
        ("handle", Request::Handle { uid: uid() }),
        ("resume", Request::Resume { id: 41 }),
    ]
}

fn replies() -> Vec<(&'static str, Reply)> {
    vec![
        ("answer", Reply::Answer(true)),
        ("ack", Reply::Ack),
        (
            "failed",
            Reply::Failed(Error::new(ErrorKind::NotAllowed, "permission was refused")),
        ),
        (
            "handle",
            Reply::Handle {
                uid: "/local@pyscript".into(),
            },
        ),
    ]
}

/// A frame as it sits in a shared buffer: little-endian header words, then the payload.
fn image(phase: Phase, status: i32, payload: &[u8]) -> Vec<u8> {
    let mut bytes = vec![0u8; HEADER_BYTES + 256];
    let len = if status == STATUS_OVERFLOW {
        4096
    } else {
        payload.len() as i32
    };
    for (i, w) in [frame::state(7, phase), len, status, 0].iter().enumerate() {
        bytes[4 * i..4 * i + 4].copy_from_slice(&w.to_le_bytes());
    }
    bytes[HEADER_BYTES..HEADER_BYTES + payload.len()].copy_from_slice(payload);
    bytes
}

fn corpus() -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for (name, r) in requests() {
        let mut b = Vec::new();
        encode_request(7, &r, &mut b).unwrap();
        files.push((
            format!("frame/requested-{name}"),
            image(Phase::Requested, STATUS_OK, &b),
        ));
        files.push((format!("decode/request-{name}"), b));
    }
    for (name, r) in replies() {
        let mut b = Vec::new();
        encode_reply(7, &r, &mut b).unwrap();
        files.push((
            format!("frame/replied-{name}"),
            image(Phase::Replied, STATUS_OK, &b),
        ));
        files.push((format!("decode/reply-{name}"), b));
    }
    files.push((
        "frame/overflow".into(),
        image(Phase::Replied, STATUS_OVERFLOW, &[]),
    ));
    files
}

#[test]
fn the_seed_corpus_is_todays_wire_format() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let bless = std::env::var_os("FSH_BLESS").is_some();
    for (name, bytes) in corpus() {
        let path = root.join(&name);
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &bytes).unwrap();
        }
        let committed = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(committed, bytes, "{name} is stale: rerun with FSH_BLESS=1");
    }
}

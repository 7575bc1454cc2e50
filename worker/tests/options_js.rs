//! Options parsing, with real JS values: the objects, `Map`s (what Pyodide's `to_js` makes of a
//! dict) and wrong types callers pass. Run in Node by wasm-bindgen-test-runner (`cargo xtask
//! test` runs them with the native tests): no browser needed, so a change is checked in seconds.
#![cfg(target_arch = "wasm32")]

use fshandles_worker::{
    AccessMode, ConnectOptions, ErrorKind, Mode, ModeChoice, MountOptions, StartIn,
};
use js_sys::{Map, Object, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

/// `{key: value, ...}` as a plain object.
fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in fields {
        Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o.into()
}

/// The same fields as a `Map`.
fn map(fields: &[(&str, JsValue)]) -> JsValue {
    let m = Map::new();
    for (k, v) in fields {
        m.set(&(*k).into(), v);
    }
    m.into()
}

fn refused(result: Result<ConnectOptions, fshandles_worker::Error>) -> String {
    let e = result.expect_err("accepted");
    assert_eq!(e.kind, ErrorKind::Data, "{}", e.message);
    e.message.to_string()
}

#[wasm_bindgen_test]
fn connect_defaults_for_undefined_null_and_empty() {
    for v in [JsValue::UNDEFINED, JsValue::NULL, object(&[]), map(&[])] {
        let o = ConnectOptions::from_js(&v).unwrap();
        assert_eq!(o.mode, ModeChoice::Auto);
        assert_eq!(o.timeout_ms, 1000.0);
        assert_eq!(o.prompt_timeout_ms, None);
        assert_eq!(o.buffer_bytes, 1024);
        assert!(o.port.is_none() && o.buffer.is_none());
    }
}

#[wasm_bindgen_test]
fn connect_reads_every_field_from_an_object_or_a_map() {
    let fields = [
        ("mode", "sab".into()),
        ("timeoutMs", 250.into()),
        ("promptTimeoutMs", 1.5.into()),
        ("bufferBytes", 5000.into()),
    ];
    for v in [object(&fields), map(&fields)] {
        let o = ConnectOptions::from_js(&v).unwrap();
        assert_eq!(o.mode, ModeChoice::Exactly(Mode::Sab));
        assert_eq!(o.timeout_ms, 250.0);
        assert_eq!(o.prompt_timeout_ms, Some(1.5));
        // Room for 5000 bytes of payload and the header, in a power of two.
        assert_eq!(o.buffer_bytes, 8192);
    }
    let o = ConnectOptions::from_js(&object(&[("mode", "async".into())])).unwrap();
    assert_eq!(o.mode, ModeChoice::Exactly(Mode::Async));
}

#[wasm_bindgen_test]
fn connect_refuses_what_it_cannot_use_and_says_why() {
    assert!(refused(ConnectOptions::from_js(&"sab".into())).contains("options must be an object"));
    assert!(
        refused(ConnectOptions::from_js(&object(&[("mode", "sync".into())])))
            .contains("\"auto\", \"sab\" or \"async\"")
    );
    for (key, bad) in [
        ("timeoutMs", JsValue::from(0)),
        ("timeoutMs", JsValue::from(-5)),
        ("timeoutMs", JsValue::from("1000")),
        ("promptTimeoutMs", JsValue::from(f64::NAN)),
    ] {
        let message = refused(ConnectOptions::from_js(&object(&[(key, bad)])));
        assert_eq!(
            message,
            format!("{key} must be a positive number of milliseconds")
        );
    }
    // Bytes are a whole number, not milliseconds (they once were parsed as such).
    for bad in [
        JsValue::from(1.5),
        JsValue::from(0),
        JsValue::from(-1),
        JsValue::from(2f64.powi(40)),
        JsValue::from("4096"),
    ] {
        let message = refused(ConnectOptions::from_js(&object(&[("bufferBytes", bad)])));
        assert_eq!(message, "bufferBytes must be a whole number of bytes");
    }
}

#[wasm_bindgen_test]
fn mount_options_from_an_object_a_map_and_pyscripts_hint() {
    let o = MountOptions::from_js(&object(&[
        ("id", "notes".into()),
        ("mode", "read".into()),
        ("startIn", "documents".into()),
    ]))
    .unwrap();
    assert_eq!(
        (o.id.as_deref(), o.mode, o.start_in),
        (Some("notes"), AccessMode::Read, Some(StartIn::Documents))
    );
    // PyScript passes `hint`; a Pyodide dict arrives as a Map.
    let o = MountOptions::from_js(&map(&[("hint", "downloads".into())])).unwrap();
    assert_eq!(
        (o.id, o.mode, o.start_in),
        (None, AccessMode::ReadWrite, Some(StartIn::Downloads))
    );
    assert_eq!(
        MountOptions::from_js(&JsValue::UNDEFINED).unwrap().mode,
        AccessMode::ReadWrite
    );
}

#[wasm_bindgen_test]
fn mount_options_refused_with_a_data_error() {
    for v in [
        object(&[("mode", "write".into())]),
        object(&[("mode", 1.into())]),
        object(&[("startIn", "attic".into())]),
        object(&[("id", "no spaces".into())]),
        JsValue::from(7),
    ] {
        let e = MountOptions::from_js(&v).expect_err("accepted");
        assert_eq!(e.kind, ErrorKind::Data, "{}", e.message);
    }
    // What a mount asks the picker for comes back as it went in.
    let o =
        MountOptions::from_js(&object(&[("id", "a".into()), ("startIn", "music".into())])).unwrap();
    let js = o.to_js();
    let get = |k: &str| Reflect::get(&js, &k.into()).unwrap().as_string();
    assert_eq!(
        (get("id"), get("mode"), get("startIn"), get("hint")),
        (
            Some("a".into()),
            Some("readwrite".into()),
            Some("music".into()),
            Some("music".into())
        )
    );
}

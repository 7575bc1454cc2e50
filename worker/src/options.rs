//! How a client connects: the mode, the timeouts, the channel.

use fshandles_shared::js::from_js_error;
use fshandles_shared::{frame, Error, ErrorKind};
use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// How calls reach the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Blocking calls: the worker waits on a `SharedArrayBuffer` with `Atomics.wait`.
    /// Needs a cross-origin isolated page.
    Sab,
    /// Promise-based calls over `postMessage`; works everywhere.
    Async,
}

impl Mode {
    /// `"sab"` or `"async"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Sab => "sab",
            Mode::Async => "async",
        }
    }
}

/// Which mode to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ModeChoice {
    /// `sab` where the page is cross-origin isolated, else `async`.
    #[default]
    Auto,
    /// This mode or an error.
    Exactly(Mode),
}

/// Options for [`FsClient::connect`](crate::FsClient::connect).
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// Which mode.
    pub mode: ModeChoice,
    /// How long the first call waits for a host to take it (default 1000 ms): past that, no
    /// host is attached and the call fails with TimeoutError. Once a host has answered, calls
    /// wait for it however busy it is.
    pub timeout_ms: f64,
    /// How long to wait for an answer once the host has taken the request (default: as long as
    /// it takes; a person may be choosing a folder).
    pub prompt_timeout_ms: Option<f64>,
    /// The shared buffer's size in sync mode (it grows when a reply needs more).
    pub buffer_bytes: usize,
    /// The channel to the host, when not the worker's own `postMessage`: a `MessagePort` or a
    /// `BroadcastChannel` the host is attached to (a gloo-worker's own channel is taken).
    pub port: Option<JsValue>,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            mode: ModeChoice::Auto,
            timeout_ms: 1000.0,
            prompt_timeout_ms: None,
            buffer_bytes: frame::DEFAULT_BYTES,
            port: None,
        }
    }
}

fn data(message: &str) -> Error {
    Error::new(ErrorKind::Data, message)
}

fn millis(v: &JsValue, key: &str) -> Result<Option<f64>, Error> {
    let v = Reflect::get(v, &key.into()).map_err(|e| from_js_error(&e))?;
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    match v.as_f64() {
        Some(ms) if ms > 0.0 => Ok(Some(ms)),
        _ => Err(data(&format!(
            "{key} must be a positive number of milliseconds"
        ))),
    }
}

impl ConnectOptions {
    /// Reads `{mode?, timeoutMs?, promptTimeoutMs?, bufferBytes?, port?}`.
    pub fn from_js(v: &JsValue) -> Result<ConnectOptions, Error> {
        let mut o = ConnectOptions::default();
        if v.is_undefined() || v.is_null() {
            return Ok(o);
        }
        if !v.is_object() {
            return Err(data(
                "FsClient.connect takes an object like {mode, timeoutMs}",
            ));
        }
        let mode = Reflect::get(v, &"mode".into()).unwrap_or(JsValue::UNDEFINED);
        if !mode.is_undefined() {
            o.mode = match mode.as_string().as_deref() {
                Some("auto") => ModeChoice::Auto,
                Some("sab") => ModeChoice::Exactly(Mode::Sab),
                Some("async") => ModeChoice::Exactly(Mode::Async),
                _ => return Err(data("mode must be \"auto\", \"sab\" or \"async\"")),
            };
        }
        if let Some(ms) = millis(v, "timeoutMs")? {
            o.timeout_ms = ms;
        }
        o.prompt_timeout_ms = millis(v, "promptTimeoutMs")?;
        if let Some(n) = millis(v, "bufferBytes")? {
            o.buffer_bytes = frame::bytes_for(frame::capacity(n as usize));
        }
        let port = Reflect::get(v, &"port".into()).unwrap_or(JsValue::UNDEFINED);
        if !port.is_undefined() && !port.is_null() {
            o.port = Some(port);
        }
        Ok(o)
    }
}

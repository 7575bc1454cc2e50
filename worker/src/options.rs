//! How a client connects: the mode, the timeouts, the channel.

use fshandles_shared::js::args;
use fshandles_shared::{frame, Error, ErrorKind};
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
    /// The shared buffer's size in sab mode (it grows when a reply needs more).
    pub buffer_bytes: usize,
    /// The channel to the host, when not the worker's own `postMessage`: a `MessagePort` or a
    /// `BroadcastChannel` the host is attached to (a gloo-worker's own channel is taken).
    pub port: Option<JsValue>,
    /// Sab mode over a channel no `SharedArrayBuffer` crosses (a `BroadcastChannel`): a
    /// buffer the page handed to its host itself, with `host.attach_buffer(port, buffer)`
    /// (make one with [`FsClient::new_buffer`](crate::FsClient::new_buffer)).
    pub buffer: Option<JsValue>,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            mode: ModeChoice::Auto,
            timeout_ms: 1000.0,
            prompt_timeout_ms: None,
            buffer_bytes: frame::DEFAULT_BYTES,
            port: None,
            buffer: None,
        }
    }
}

fn millis(v: &JsValue, key: &str) -> Result<Option<f64>, Error> {
    args::number_field(v, key, |ms| ms > 0.0, "a positive number of milliseconds")
}

impl ConnectOptions {
    /// Reads `{mode?, timeoutMs?, promptTimeoutMs?, bufferBytes?, port?, buffer?}`.
    pub fn from_js(v: &JsValue) -> Result<ConnectOptions, Error> {
        let mut o = ConnectOptions::default();
        let Some(v) = args::object(v, "{mode, timeoutMs} for FsClient.connect")? else {
            return Ok(o);
        };
        if let Some(mode) = args::field(v, "mode") {
            o.mode = match mode.as_string().as_deref() {
                Some("auto") => ModeChoice::Auto,
                Some("sab") => ModeChoice::Exactly(Mode::Sab),
                Some("async") => ModeChoice::Exactly(Mode::Async),
                _ => {
                    return Err(Error::new(
                        ErrorKind::Data,
                        "mode must be \"auto\", \"sab\" or \"async\"",
                    ))
                }
            };
        }
        if let Some(ms) = millis(v, "timeoutMs")? {
            o.timeout_ms = ms;
        }
        o.prompt_timeout_ms = millis(v, "promptTimeoutMs")?;
        // A whole number of bytes: it survives the round trip through u32.
        let whole_bytes = |n: f64| n >= 1.0 && f64::from(n as u32) == n;
        if let Some(n) =
            args::number_field(v, "bufferBytes", whole_bytes, "a whole number of bytes")?
        {
            o.buffer_bytes = frame::bytes_for(frame::capacity(n as usize));
        }
        o.port = args::field(v, "port");
        o.buffer = args::field(v, "buffer");
        Ok(o)
    }
}

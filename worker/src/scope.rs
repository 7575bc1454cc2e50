//! The worker's global scope: what it has, and so which mode a client can run in.

use crate::options::{Mode, ModeChoice};
use fshandles_shared::{Error, ErrorKind};
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    // Every scope a worker runs in has `globalThis`: one import, where `js_sys::global()`
    // would try four names (the host has that anyway: js-sys' executor uses it).
    #[wasm_bindgen(thread_local_v2, js_name = globalThis)]
    static GLOBAL: JsValue;
}

/// The worker's global scope.
pub(crate) fn global() -> JsValue {
    GLOBAL.with(JsValue::clone)
}

pub(crate) fn global_has(name: &str) -> bool {
    Reflect::get(&global(), &name.into())
        .map(|v| !v.is_undefined())
        .unwrap_or(false)
}

pub(crate) fn cross_origin_isolated() -> bool {
    Reflect::get(&global(), &"crossOriginIsolated".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
        && global_has("SharedArrayBuffer")
}

/// A worker's global scope (not `document`: PyScript's workers define a proxy of the page's).
pub(crate) fn in_worker() -> bool {
    global_has("WorkerGlobalScope") && global_has("importScripts")
}

pub(crate) fn not_supported(message: &str) -> Error {
    Error::new(ErrorKind::NotSupported, message)
}

/// What the scope offers a client: the facts the mode is chosen from.
#[derive(Clone, Copy)]
pub(crate) struct Facts {
    /// The page is cross-origin isolated and has `SharedArrayBuffer`.
    pub isolated: bool,
    /// This is a worker, which may block in `Atomics.wait`.
    pub worker: bool,
    /// A `SharedArrayBuffer` can reach the host over the client's channel.
    pub sab_can_cross: bool,
}

impl Facts {
    /// This scope's, for a channel a buffer can (or cannot) cross.
    pub fn here(sab_can_cross: bool) -> Facts {
        Facts {
            isolated: cross_origin_isolated(),
            worker: in_worker(),
            sab_can_cross,
        }
    }
}

/// The mode `choice` comes to with `facts`, or why it cannot be had.
pub(crate) fn choose(choice: ModeChoice, facts: Facts) -> Result<Mode, Error> {
    match choice {
        ModeChoice::Auto if facts.isolated && facts.worker && facts.sab_can_cross => Ok(Mode::Sab),
        ModeChoice::Auto => Ok(Mode::Async),
        ModeChoice::Exactly(Mode::Sab) if !facts.sab_can_cross => Err(not_supported(
            "sab mode cannot run over a BroadcastChannel (a SharedArrayBuffer cannot cross one); use a MessagePort or mode \"async\"",
        )),
        ModeChoice::Exactly(Mode::Sab) if !facts.isolated => Err(not_supported(
            "sab mode needs a cross-origin isolated page (served with COOP: same-origin and COEP: require-corp) and SharedArrayBuffer; use mode \"async\" or \"auto\"",
        )),
        ModeChoice::Exactly(Mode::Sab) if !facts.worker => Err(not_supported(
            "sab mode blocks with Atomics.wait, which only a worker may do",
        )),
        ModeChoice::Exactly(m) => Ok(m),
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_macros, clippy::disallowed_types)] // tests: they ship nowhere
mod tests {
    use super::*;

    const ALL: Facts = Facts {
        isolated: true,
        worker: true,
        sab_can_cross: true,
    };

    fn kind(r: Result<Mode, Error>) -> Result<Mode, ErrorKind> {
        r.map_err(|e| e.kind)
    }

    #[test]
    fn auto_takes_sab_only_where_everything_allows_it() {
        assert_eq!(kind(choose(ModeChoice::Auto, ALL)), Ok(Mode::Sab));
        for facts in [
            Facts {
                isolated: false,
                ..ALL
            },
            Facts {
                worker: false,
                ..ALL
            },
            Facts {
                sab_can_cross: false,
                ..ALL
            },
        ] {
            assert_eq!(kind(choose(ModeChoice::Auto, facts)), Ok(Mode::Async));
        }
    }

    #[test]
    fn asking_for_sab_where_it_cannot_run_says_why() {
        let sab = ModeChoice::Exactly(Mode::Sab);
        for (facts, why) in [
            (
                Facts {
                    sab_can_cross: false,
                    ..ALL
                },
                "BroadcastChannel",
            ),
            (
                Facts {
                    isolated: false,
                    ..ALL
                },
                "cross-origin isolated",
            ),
            (
                Facts {
                    worker: false,
                    ..ALL
                },
                "only a worker",
            ),
        ] {
            let e = choose(sab, facts).unwrap_err();
            assert_eq!(e.kind, ErrorKind::NotSupported);
            assert!(e.message.contains(why), "{}", e.message);
        }
        let nothing = Facts {
            isolated: false,
            worker: false,
            sab_can_cross: false,
        };
        assert_eq!(
            kind(choose(ModeChoice::Exactly(Mode::Async), nothing)),
            Ok(Mode::Async)
        );
    }
}

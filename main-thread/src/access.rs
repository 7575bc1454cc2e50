//! The browser's File System Access API: the picker, permissions, user activation.
//!
//! What it reads of the page is in `js/picker.js`: `showDirectoryPicker` is looked up on
//! `globalThis` at call time (never bound at load), so a page or a test can install or replace
//! it after the module has loaded; and where the browser has no picker, the host's option
//! `fallback: "private"` makes an origin-private folder stand in for the picked one.

use fshandles_shared::js::from_js_error;
use fshandles_shared::{Error, MountOptions};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::FileSystemDirectoryHandle;

// `options`: the host's options object, whose `fallback` the functions read.
#[wasm_bindgen(module = "/js/picker.js")]
extern "C" {
    #[wasm_bindgen(js_name = fallsBack)]
    fn falls_back_in(options: &JsValue) -> bool;
    // `catch`: a page whose globals throw when read has no activation that we can see. (It
    // also keeps a shim in the glue, which the build's folding of snippets needs.)
    #[wasm_bindgen(catch, js_name = hasActivation)]
    fn page_has_activation() -> Result<bool, JsValue>;
    #[wasm_bindgen(catch, js_name = checkSupported)]
    fn check_supported_in(options: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(js_name = pickFolder)]
    fn pick_folder(options: &JsValue, mount_options: &JsValue) -> Promise;
    #[wasm_bindgen(js_name = permission)]
    fn permission_of(handle: &JsValue, mode: &str, ask: bool, options: &JsValue) -> Promise;
}

/// A permission state, as the API reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Permission {
    Granted,
    Prompt,
    Denied,
}

impl Permission {
    fn parse(v: &JsValue) -> Permission {
        match v.as_string().as_deref() {
            Some("granted") => Permission::Granted,
            Some("denied") => Permission::Denied,
            _ => Permission::Prompt,
        }
    }
}

/// Whether the host's options (`page`) ask for origin-private folders where the browser has
/// no directory picker, and this browser has none: then no prompt is shown, nor needed.
pub(crate) fn falls_back(page: &JsValue) -> bool {
    falls_back_in(page)
}

/// Fails with NotSupported where there is no directory picker (and no fallback), with
/// SecurityError in a cross-origin iframe (browsers refuse pickers there).
pub(crate) fn check_supported(page: &JsValue) -> Result<(), Error> {
    check_supported_in(page).map_err(|e| from_js_error(&e))
}

/// Whether the page has transient user activation now (a click moments ago).
pub(crate) fn has_activation() -> bool {
    page_has_activation().unwrap_or(false)
}

async fn awaited(p: Promise) -> Result<JsValue, Error> {
    JsFuture::from(p).await.map_err(|e| from_js_error(&e))
}

/// Shows the picker (or, falling back, gives the origin-private folder of the picker id).
/// `Ok(None)` when the user cancels it.
pub(crate) async fn pick(
    options: &MountOptions,
    page: &JsValue,
) -> Result<Option<FileSystemDirectoryHandle>, Error> {
    let folder = awaited(pick_folder(page, &options.to_js())).await?;
    Ok((!folder.is_null()).then(|| folder.unchecked_into()))
}

/// The handle's current permission for `options.mode`, without prompting. `page`: the host's
/// options, whose `fallback` counts handles without permission methods as granted.
pub(crate) async fn query(
    handle: &FileSystemDirectoryHandle,
    options: &MountOptions,
    page: &JsValue,
) -> Result<Permission, Error> {
    permission(handle, options, false, page).await
}

/// Asks for permission for `options.mode` (may show the browser's prompt; needs activation).
pub(crate) async fn request(
    handle: &FileSystemDirectoryHandle,
    options: &MountOptions,
    page: &JsValue,
) -> Result<Permission, Error> {
    permission(handle, options, true, page).await
}

async fn permission(
    handle: &FileSystemDirectoryHandle,
    options: &MountOptions,
    ask: bool,
    page: &JsValue,
) -> Result<Permission, Error> {
    let state = awaited(permission_of(handle, options.mode.as_str(), ask, page)).await?;
    Ok(Permission::parse(&state))
}

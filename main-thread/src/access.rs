//! The browser's File System Access API: the picker, permissions, user activation.
//!
//! `showDirectoryPicker` is looked up on `globalThis` at call time (never bound at load), so a
//! page or a test can install or replace it after the module has loaded.

use fshandles_shared::js::from_js_error;
use fshandles_shared::text;
use fshandles_shared::{Error, ErrorKind, MountOptions};
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::FileSystemDirectoryHandle;

// Two reads of the page's globals, in JS, where each is a line. A page whose globals throw
// when read has no activation and no cross-origin frame that we can see.
#[wasm_bindgen(module = "/js/page.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = hasActivation)]
    fn page_has_activation() -> Result<bool, JsValue>;
    #[wasm_bindgen(catch, js_name = inCrossOriginFrame)]
    fn in_cross_origin_frame() -> Result<bool, JsValue>;
}

// Declared here rather than through `web_sys_unstable_apis`: two methods, called on the object.
#[wasm_bindgen]
extern "C" {
    type PermissionHandle;

    #[wasm_bindgen(method, catch, js_name = queryPermission)]
    fn query_permission(this: &PermissionHandle, descriptor: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch, js_name = requestPermission)]
    fn request_permission(
        this: &PermissionHandle,
        descriptor: &JsValue,
    ) -> Result<Promise, JsValue>;
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

fn global() -> JsValue {
    js_sys::global().into()
}

fn picker() -> Option<Function> {
    Reflect::get(&global(), &"showDirectoryPicker".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
}

/// Fails with NotSupported where there is no directory picker, with SecurityError in a
/// cross-origin iframe (browsers refuse pickers there).
pub(crate) fn check_supported() -> Result<(), Error> {
    if picker().is_none() {
        return Err(Error::new(
            ErrorKind::NotSupported,
            "this browser has no showDirectoryPicker (the File System Access API): use a Chromium-based browser such as Chrome or Edge",
        ));
    }
    if in_cross_origin_frame().unwrap_or(false) {
        return Err(Error::new(
            ErrorKind::Security,
            "this page runs in a cross-origin iframe, where browsers refuse the directory picker: open it as a top-level page or in a same-origin frame",
        ));
    }
    Ok(())
}

/// Whether the page has transient user activation now (a click moments ago).
pub(crate) fn has_activation() -> bool {
    page_has_activation().unwrap_or(false)
}

async fn awaited(p: Result<Promise, JsValue>) -> Result<JsValue, Error> {
    let p = p.map_err(|e| from_js_error(&e))?;
    JsFuture::from(p).await.map_err(|e| from_js_error(&e))
}

/// Shows the picker. `Ok(None)` when the user cancels it.
pub(crate) async fn pick(
    options: &MountOptions,
) -> Result<Option<FileSystemDirectoryHandle>, Error> {
    check_supported()?;
    let f = picker()
        .ok_or_else(|| Error::new(ErrorKind::NotSupported, "showDirectoryPicker vanished"))?;
    let called = f
        .call1(&global(), &options.to_js())
        .and_then(|p| p.dyn_into::<Promise>());
    match awaited(called).await {
        Ok(handle) => handle.dyn_into::<FileSystemDirectoryHandle>().map(Some).map_err(|_| {
            Error::new(ErrorKind::Data, "showDirectoryPicker resolved to something that is not a FileSystemDirectoryHandle")
        }),
        Err(e) if e.kind == ErrorKind::Abort => Ok(None),
        Err(mut e) => {
            if e.kind == ErrorKind::Security {
                e.message = text!("the directory picker was refused (", e.message, "); it needs a click (user activation) and a top-level or same-origin frame");
            }
            Err(e)
        }
    }
}

/// The handle's current permission for `options.mode`, without prompting.
pub(crate) async fn query(
    handle: &FileSystemDirectoryHandle,
    options: &MountOptions,
) -> Result<Permission, Error> {
    permission(handle, options, false).await
}

/// Asks for permission for `options.mode` (may show the browser's prompt; needs activation).
pub(crate) async fn request(
    handle: &FileSystemDirectoryHandle,
    options: &MountOptions,
) -> Result<Permission, Error> {
    permission(handle, options, true).await
}

async fn permission(
    handle: &FileSystemDirectoryHandle,
    options: &MountOptions,
    ask: bool,
) -> Result<Permission, Error> {
    // Firefox's and Safari's handles have no permission methods: say so, rather than the
    // TypeError of calling what is not there.
    let method = if ask {
        "requestPermission"
    } else {
        "queryPermission"
    };
    if !Reflect::get(handle, &method.into()).is_ok_and(|f| f.is_function()) {
        return Err(Error::new(
            ErrorKind::NotSupported,
            "this browser's folder handles have no queryPermission/requestPermission (the File System Access API's permissions): use a Chromium-based browser such as Chrome or Edge",
        ));
    }
    let handle = handle.unchecked_ref::<PermissionHandle>();
    let descriptor = options.permission_descriptor();
    let called = if ask {
        handle.request_permission(&descriptor)
    } else {
        handle.query_permission(&descriptor)
    };
    Ok(Permission::parse(&awaited(called).await?))
}

//! A worker without gloo: wasm-bindgen alone, `FsClient` on the worker's own channel, the
//! blocking calls of sab mode beside the awaited ones.
//!
//! The worker script sets `globalThis.fshandlesPlainWorker = true` before it loads this module
//! (so that the gloo worker does not take the channel), then calls `plainRun`.

use fshandles_worker::files::{self, FileOptions, Saved};
use fshandles_worker::{
    ChangeKind, ConnectOptions, FsClient, Mode, MountOptions, Watch, WatchOptions,
};
use futures_util::StreamExt;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

fn js(e: fshandles_worker::Error) -> JsValue {
    fshandles_shared::js::to_js_error(&e)
}

/// Stores `uid` (the person picks the first time), then makes `n` calls in a row: blocking
/// ones in sab mode (the worker never returns to its event loop), awaited ones in async mode.
/// Resolves with `"<mode>: <granted> of <n> granted, folder <name>"`.
#[wasm_bindgen(js_name = plainRun)]
pub async fn plain_run(uid: String, n: u32) -> Result<String, JsValue> {
    let client = FsClient::connect(ConnectOptions::default()).map_err(js)?;
    let options = MountOptions::default();
    let mut granted = 0;
    if client.mode() == Mode::Sab {
        if !client
            .store_fs_handler_blocking(&uid, &options)
            .map_err(js)?
        {
            return Err(JsValue::from_str("not granted"));
        }
        for _ in 0..n {
            if client
                .store_fs_handler_blocking(&uid, &options)
                .map_err(js)?
            {
                granted += 1;
            }
        }
    } else {
        if !client.store_fs_handler(&uid, &options).await.map_err(js)? {
            return Err(JsValue::from_str("not granted"));
        }
        for _ in 0..n {
            if client.store_fs_handler(&uid, &options).await.map_err(js)? {
                granted += 1;
            }
        }
    }
    let folder = client.handle(&uid).await.map_err(js)?;
    Ok(format!(
        "{}: {granted} of {n} granted, folder {}",
        client.mode().as_str(),
        folder.name()
    ))
}

/// Takes the lock `name` (waiting at most `timeout_ms` when it is not 0), holds it `hold_ms`,
/// and lets go by dropping its guard: resolves with `"held <name>"`, or rejects with the error
/// (`TimeoutError`).
#[wasm_bindgen(js_name = plainLock)]
pub async fn plain_lock(name: String, timeout_ms: u32, hold_ms: u32) -> Result<String, JsValue> {
    let client = FsClient::connect(ConnectOptions::default()).map_err(js)?;
    let guard = client
        .lock(&name, (timeout_ms > 0).then_some(timeout_ms))
        .await
        .map_err(js)?;
    let slept = js_sys::Promise::new(&mut |resolve, _| {
        let _ = js_sys::Reflect::get(&js_sys::global(), &"setTimeout".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .map(|f| f.call2(&JsValue::UNDEFINED, &resolve, &hold_ms.into()));
    });
    wasm_bindgen_futures::JsFuture::from(slept).await?;
    drop(guard);
    Ok(format!("held {name}"))
}

thread_local! {
    /// The watch `plainWatchStart` started, for `plainWatchNext` to read and `plainWatchStop` to drop.
    static WATCH: RefCell<Option<Watch>> = const { RefCell::new(None) };
}

/// Stores `uid` and starts watching its folder with `FsClient::watch` (polled every 100 ms when
/// `poll`): resolves with how it watches, `"Observer"` or `"Poll"`.
#[wasm_bindgen(js_name = plainWatchStart)]
pub async fn plain_watch_start(uid: String, poll: bool) -> Result<String, JsValue> {
    let client = FsClient::connect(ConnectOptions::default()).map_err(js)?;
    if !client
        .store_fs_handler(&uid, &MountOptions::default())
        .await
        .map_err(js)?
    {
        return Err(JsValue::from_str("not granted"));
    }
    let folder = client.handle(&uid).await.map_err(js)?;
    let options = WatchOptions {
        force_polling: poll,
        poll_ms: 100,
        ..WatchOptions::default()
    };
    let watch = client.watch(&folder, &options).await.map_err(js)?;
    let how = format!("{:?}", watch.how());
    WATCH.with(|w| *w.borrow_mut() = Some(watch));
    Ok(how)
}

/// The watch's batches until `n` changes were told: `"added a.txt"`-like lines, sorted within
/// each batch. Rejects with the error that ended the watch (a folder removed: NotFoundError).
#[wasm_bindgen(js_name = plainWatchNext)]
pub async fn plain_watch_next(n: u32) -> Result<Vec<String>, JsValue> {
    let mut watch = WATCH
        .with(|w| w.borrow_mut().take())
        .ok_or_else(|| JsValue::from_str("no watch"))?;
    let mut told = Vec::new();
    let mut ended = None;
    while told.len() < n as usize {
        match watch.next().await {
            Some(Ok(batch)) => {
                let mut lines: Vec<String> = batch
                    .into_iter()
                    .map(|c| {
                        let kind = match c.kind {
                            ChangeKind::Added => "added",
                            ChangeKind::Modified => "modified",
                            ChangeKind::Deleted => "deleted",
                        };
                        format!("{kind} {}", c.path)
                    })
                    .collect();
                lines.sort();
                told.extend(lines);
            }
            Some(Err(e)) => {
                ended = Some(js(e));
                break;
            }
            None => {
                ended = Some(JsValue::from_str("the watch ended"));
                break;
            }
        }
    }
    WATCH.with(|w| *w.borrow_mut() = Some(watch));
    match ended {
        Some(e) => Err(e),
        None => Ok(told),
    }
}

/// Drops the watch, which stops it.
#[wasm_bindgen(js_name = plainWatchStop)]
pub fn plain_watch_stop() {
    WATCH.with(|w| w.borrow_mut().take());
}

/// Opens the file kept for `id` (a picker the first time, or with `pick`) with
/// `fshandles_worker::files::open_file`: resolves with `"<name> (<kept|copy>): <text>"`.
#[wasm_bindgen(js_name = plainOpenFile)]
pub async fn plain_open_file(id: String, pick: bool) -> Result<String, JsValue> {
    let options = FileOptions {
        id: Some(id),
        pick,
        accept: vec![("text/plain".into(), vec![".txt".into()])],
        ..Default::default()
    };
    let opened = files::open_file(&options).await.map_err(js)?;
    let text = wasm_bindgen_futures::JsFuture::from(opened.file.text()).await?;
    let how = if opened.handle.is_some() {
        "kept"
    } else {
        "copy"
    };
    Ok(format!(
        "{} ({how}): {}",
        opened.name,
        text.as_string().unwrap_or_default()
    ))
}

/// Saves `text` to the file kept for `id` (a picker the first time, suggesting `name`) with
/// `fshandles_worker::files::save_file`: resolves with `"saved"` or `"downloaded"`.
#[wasm_bindgen(js_name = plainSaveFile)]
pub async fn plain_save_file(text: String, id: String, name: String) -> Result<String, JsValue> {
    let options = FileOptions {
        id: Some(id),
        suggested_name: Some(name),
        ..Default::default()
    };
    Ok(match files::save_file(text.as_bytes(), &options)
        .await
        .map_err(js)?
    {
        Saved::ToFile => "saved",
        Saved::Downloaded => "downloaded",
    }
    .into())
}

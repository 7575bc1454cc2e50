//! One file the person opens or saves, for a Rust worker (feature `files`): the page shows the
//! file pickers (or, where the browser has none, its file dialog and a download) and keeps the
//! chosen file for an id, so that the next open or save of that id goes to the same file with
//! no picker. The page answers through `serveFiles(host, worker)` (npm `fshandles/files`); the
//! file's handle crosses by structured clone, never its bytes. The same as a JS worker's
//! `openFile`/`saveFile` (js/page_files.js, which this takes as a snippet) and Python's
//! `fshandles.open_file`/`save_file`. No [`crate::FsClient`] is needed: the host is not asked.
//!
//! ```no_run
//! # async fn run() -> Result<(), fshandles_worker::Error> {
//! use fshandles_worker::files::{open_file, save_file, FileOptions};
//! let options = FileOptions { id: Some("doc".into()), ..Default::default() };
//! let opened = open_file(&options).await?; // a picker the first time, none after
//! let size = opened.file.size(); // a web_sys::File: read it as any Blob
//! save_file(b"new contents", &options).await?; // back to the same file
//! # let _ = size; Ok(()) }
//! ```

use fshandles_shared::js::from_js_error;
use fshandles_shared::{Error, ErrorKind};
use futures_channel::oneshot;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::{File, FileSystemFileHandle};

#[wasm_bindgen(module = "/js/page_files.js")]
extern "C" {
    #[wasm_bindgen(js_name = openFileThen)]
    fn open_file_then(options: &JsValue, done: &JsValue);
    #[wasm_bindgen(js_name = saveFileThen)]
    fn save_file_then(data: &JsValue, options: &JsValue, done: &JsValue);
}

/// What to open or save, and the id the chosen file is kept under.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileOptions {
    /// The id the chosen file is kept under (`None`: `"default"`).
    pub id: Option<String>,
    /// The picker's types, as `("text/csv", [".csv"])`; empty: any file.
    pub accept: Vec<(String, Vec<String>)>,
    /// Choose anew even when a file is kept for the id ("Open…", "Save as…").
    pub pick: bool,
    /// The name a save picker suggests.
    pub suggested_name: Option<String>,
}

impl FileOptions {
    fn to_js(&self) -> JsValue {
        let o = Object::new();
        let set = |key: &str, value: JsValue| {
            let _ = Reflect::set(&o, &key.into(), &value);
        };
        if let Some(id) = &self.id {
            set("id", id.into());
        }
        if !self.accept.is_empty() {
            let accept = Object::new();
            for (mime, extensions) in &self.accept {
                let list: Array = extensions
                    .iter()
                    .map(|e| JsValue::from(e.as_str()))
                    .collect();
                let _ = Reflect::set(&accept, &mime.into(), &list);
            }
            set("accept", accept.into());
        }
        set("pick", self.pick.into());
        if let Some(name) = &self.suggested_name {
            set("suggestedName", name.into());
        }
        o.into()
    }
}

/// A file the person opened.
#[derive(Debug, Clone)]
pub struct OpenedFile {
    /// Its name.
    pub name: String,
    /// Its contents as they are now.
    pub file: File,
    /// The file itself, kept for the id; `None` where the browser has no file picker
    /// (Firefox, Safari), and `file` is a copy.
    pub handle: Option<FileSystemFileHandle>,
}

/// Where a save went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// Into the file kept for the id, or the one the person chose.
    ToFile,
    /// Offered as a download: the browser has no save picker.
    Downloaded,
}

// Calls `start(done)` and waits for `done(error, value)`.
async fn settled(start: impl FnOnce(&JsValue)) -> Result<JsValue, Error> {
    let (tx, rx) = oneshot::channel();
    let done = Closure::once_into_js(move |error: JsValue, value: JsValue| {
        let _ = tx.send(if error.is_null() {
            Ok(value)
        } else {
            Err(from_js_error(&error))
        });
    });
    start(&done);
    rx.await.unwrap_or_else(|_| {
        Err(Error::new(
            ErrorKind::Unknown,
            "the page's answer never came",
        ))
    })
}

fn field(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Has the person open a file: the one kept for `options.id`, with no picker unless
/// `options.pick`, else the one they choose (kept for next time). A cancel is
/// [`ErrorKind::NotAllowed`]; a kept file since moved or removed, [`ErrorKind::NotFound`]; a page
/// that does not serve files, [`ErrorKind::Timeout`] after 10 s.
pub async fn open_file(options: &FileOptions) -> Result<OpenedFile, Error> {
    let opened = settled(|done| open_file_then(&options.to_js(), done)).await?;
    Ok(OpenedFile {
        name: field(&opened, "name").as_string().unwrap_or_default(),
        file: field(&opened, "file").unchecked_into(),
        handle: field(&opened, "handle").dyn_into().ok(),
    })
}

/// Writes `data` to the file kept for `options.id` (opened or saved before), else to the one
/// the person chooses (kept for next time), whole or not at all; where the browser has no
/// save picker, the page offers it as a download. Errors as [`open_file`]'s.
pub async fn save_file(data: &[u8], options: &FileOptions) -> Result<Saved, Error> {
    let bytes: JsValue = Uint8Array::from(data).into();
    let how = settled(|done| save_file_then(&bytes, &options.to_js(), done)).await?;
    Ok(if how.as_string().as_deref() == Some("saved") {
        Saved::ToFile
    } else {
        Saved::Downloaded
    })
}

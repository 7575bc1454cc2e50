//! Watching a folder: what changes in it (the user saves a file from an editor, the page or
//! another tab writes), as a `futures` [`Stream`] of batches. The browser's FileSystemObserver
//! where it has one (Chromium: an idle watch costs nothing), else the folder's listing, with
//! sizes and modification times, looked at every [`WatchOptions::poll_ms`] while the stream is
//! polled. Python's `fshandles.awatch` and JS's `client.watch` run the same code (`js/watch.js`).

use crate::FsClient;
use fshandles_shared::js::from_js_error;
use fshandles_shared::{Error, ErrorKind};
use futures_channel::oneshot;
use futures_core::Stream;
use js_sys::{Array, Object, Reflect};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use wasm_bindgen::prelude::*;
use web_sys::FileSystemDirectoryHandle;

#[wasm_bindgen(module = "/js/watch.js")]
extern "C" {
    type Watcher;
    #[wasm_bindgen(method)]
    fn stop(this: &Watcher);
    #[wasm_bindgen(method, getter)]
    fn how(this: &Watcher) -> String;
    #[wasm_bindgen(js_name = startThen)]
    fn start_then(folder: &FileSystemDirectoryHandle, options: &JsValue, done: &JsValue);
    #[wasm_bindgen(js_name = nextThen)]
    fn next_then(watch: &Watcher, done: &JsValue);
}

/// What happened to an entry (watchfiles' kinds; a move is `Deleted` of the old path and
/// `Added` of the new).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// It appeared.
    Added,
    /// A file's contents changed.
    Modified,
    /// It went away.
    Deleted,
}

/// One change in a watched folder.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Change {
    /// What happened.
    pub kind: ChangeKind,
    /// The entry's path under the watched folder, `/`-separated (`"notes/a.txt"`).
    pub path: String,
}

/// How a watch learns of changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchHow {
    /// The browser tells of each change (FileSystemObserver).
    Observer,
    /// The folder is looked at every `poll_ms` while the stream is polled.
    Poll,
}

/// How [`FsClient::watch`] watches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WatchOptions {
    /// Folders inside it too (default true).
    pub recursive: bool,
    /// Poll even where the browser has an observer (default false).
    pub force_polling: bool,
    /// How often a polled watch looks, in ms (default 1000).
    pub poll_ms: u32,
    /// Changes that follow within `step_ms` of each other come as one batch (default 50)...
    pub step_ms: u32,
    /// ...for at most `debounce_ms` after the first (default 200).
    pub debounce_ms: u32,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            recursive: true,
            force_polling: false,
            poll_ms: 1000,
            step_ms: 50,
            debounce_ms: 200,
        }
    }
}

type Answer<T> = oneshot::Receiver<Result<T, Error>>;

/// A watch, started: a [`Stream`] of batches of changes. A folder removed ends it with
/// [`ErrorKind::NotFound`], its permission taken back with [`ErrorKind::NotAllowed`] (the
/// error is its last item). Dropping it stops watching.
pub struct Watch {
    js: Watcher,
    how: WatchHow,
    next: Option<Answer<Option<Vec<Change>>>>,
    ended: bool,
}

impl Watch {
    /// How this watch learns of changes.
    pub fn how(&self) -> WatchHow {
        self.how
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.js.stop();
    }
}

fn gone() -> Error {
    Error::new(ErrorKind::Unknown, "the watch's answer never came")
}

impl Stream for Watch {
    type Item = Result<Vec<Change>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.ended {
            return Poll::Ready(None);
        }
        let this = &mut *self;
        let next = this.next.get_or_insert_with(|| {
            let (tx, rx) = oneshot::channel();
            let done = Closure::once_into_js(move |error: JsValue, batch: JsValue| {
                let _ = tx.send(match batch.dyn_into::<Array>() {
                    Ok(batch) => Ok(Some(batch.iter().filter_map(|c| change_of(&c)).collect())),
                    Err(_) if error.is_null() => Ok(None),
                    Err(_) => Err(from_js_error(&error)),
                });
            });
            next_then(&this.js, &done);
            rx
        });
        let answer = match Pin::new(next).poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(answer) => answer.unwrap_or_else(|_| Err(gone())),
        };
        this.next = None;
        Poll::Ready(match answer {
            Ok(Some(batch)) => Some(Ok(batch)),
            Ok(None) => {
                this.ended = true;
                None
            }
            Err(e) => {
                this.ended = true;
                Some(Err(e))
            }
        })
    }
}

/// A `[kind, path]` pair of watch.js.
fn change_of(pair: &JsValue) -> Option<Change> {
    let pair = pair.dyn_ref::<Array>()?;
    let kind = match pair.get(0).as_f64()? as u8 {
        1 => ChangeKind::Added,
        2 => ChangeKind::Modified,
        3 => ChangeKind::Deleted,
        _ => return None,
    };
    Some(Change {
        kind,
        path: pair.get(1).as_string()?,
    })
}

impl FsClient {
    /// A watch of `folder` (a handle the client holds: [`FsClient::handle`]), started: the
    /// folder is looked at first, so a folder not there is [`ErrorKind::NotFound`] now.
    ///
    /// ```no_run
    /// # async fn run(client: fshandles_worker::FsClient, folder: web_sys::FileSystemDirectoryHandle) {
    /// use futures_util::StreamExt;
    /// let mut changes = client.watch(&folder, &Default::default()).await.unwrap();
    /// while let Some(Ok(batch)) = changes.next().await {
    ///     for change in batch {
    ///         web_sys::console::log_1(&format!("{:?} {}", change.kind, change.path).into());
    ///     }
    /// }
    /// # }
    /// ```
    pub fn watch(
        &self,
        folder: &FileSystemDirectoryHandle,
        options: &WatchOptions,
    ) -> impl Future<Output = Result<Watch, Error>> {
        let o = Object::new();
        let set = |k: &str, v: JsValue| {
            let _ = Reflect::set(&o, &k.into(), &v);
        };
        set("recursive", options.recursive.into());
        set(
            "how",
            if options.force_polling {
                "poll"
            } else {
                "auto"
            }
            .into(),
        );
        set("pollMs", options.poll_ms.max(1).into());
        set("stepMs", options.step_ms.into());
        set("debounceMs", options.debounce_ms.into());
        let (tx, rx) = oneshot::channel();
        let done = Closure::once_into_js(move |error: JsValue, watch: JsValue| {
            let _ = tx.send(if watch.is_null() {
                Err(from_js_error(&error))
            } else {
                Ok(watch.unchecked_into::<Watcher>())
            });
        });
        start_then(folder, &o, &done);
        async move {
            let js = rx.await.unwrap_or_else(|_| Err(gone()))?;
            let how = if js.how() == "observer" {
                WatchHow::Observer
            } else {
                WatchHow::Poll
            };
            Ok(Watch {
                js,
                how,
                next: None,
                ended: false,
            })
        }
    }
}

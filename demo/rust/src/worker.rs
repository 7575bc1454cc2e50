//! The gloo worker: folder operations through `FsClient`.

use crate::commands::{Command, Outcome, Request};
use fshandles_worker::{ConnectOptions, FsClient, MountOptions};
use gloo_worker::{HandlerId, Worker, WorkerScope};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{FileSystemDirectoryHandle, FileSystemFileHandle, FileSystemGetFileOptions};

/// The record key: the same one PyScript's `mount("/local")` uses, so the Rust and the Python
/// worker share the folder.
pub const UID: &str = "/local@pyscript";
/// The note the Rust worker writes.
pub const NOTE: &str = "note-from-rust.txt";

/// The demo's Rust worker.
pub struct DemoWorker {
    client: Rc<RefCell<Option<FsClient>>>,
}

fn js_text(e: JsValue) -> String {
    fshandles_shared::js::from_js_error(&e).to_string()
}

async fn wait(p: js_sys::Promise) -> Result<JsValue, String> {
    JsFuture::from(p).await.map_err(js_text)
}

async fn note(
    dir: &FileSystemDirectoryHandle,
    create: bool,
) -> Result<FileSystemFileHandle, String> {
    let options = FileSystemGetFileOptions::new();
    options.set_create(create);
    Ok(wait(dir.get_file_handle_with_options(NOTE, &options))
        .await?
        .unchecked_into())
}

async fn run(client: &Rc<RefCell<Option<FsClient>>>, command: Command) -> Result<String, String> {
    if let Command::Connect { channel, buffer } = command {
        let channel = web_sys::BroadcastChannel::new(&channel).map_err(js_text)?;
        // Auto: sab when the page handed a buffer (it is cross-origin isolated), else async.
        let options = ConnectOptions {
            port: Some(channel.into()),
            buffer: buffer.map(|b| b.0),
            ..ConnectOptions::default()
        };
        let c = FsClient::connect(options).map_err(|e| e.to_string())?;
        *client.borrow_mut() = Some(c);
        return Ok("connected".into());
    }
    let c = client.borrow().clone().ok_or("not connected")?;
    let options = MountOptions::default().with_id("pyscript");
    let e = |e: fshandles_worker::Error| e.to_string();
    match command {
        Command::Connect { .. } => unreachable!("handled above"),
        Command::Pick => Ok(match c.store_fs_handler(UID, &options).await.map_err(e)? {
            true => format!(
                "folder \u{201c}{}\u{201d} ready",
                c.handle(UID).await.map_err(e)?.name()
            ),
            false => "no folder: cancelled or refused".into(),
        }),
        Command::Regrant => Ok(match c.get_fs_handler(UID, &options).await.map_err(e)? {
            true => "access granted".into(),
            false => "access not granted".into(),
        }),
        Command::Revoke => Ok(match c.delete_fs_handler(UID).await.map_err(e)? {
            true => "forgotten".into(),
            false => "nothing was stored".into(),
        }),
        Command::Loop { n } => {
            // Blocking calls, one after another: the worker never returns to its event loop.
            let started = js_sys::Date::now();
            let mut granted = 0;
            for _ in 0..n {
                if c.store_fs_handler_blocking(UID, &options).map_err(e)? {
                    granted += 1;
                }
            }
            let ms = (js_sys::Date::now() - started) as u64;
            Ok(format!(
                "{granted} of {n} blocking calls granted in {ms} ms"
            ))
        }
        Command::List => {
            let dir = c.handle(UID).await.map_err(e)?;
            let entries = dir.keys();
            let mut names = Vec::new();
            loop {
                let step = wait(entries.next().map_err(js_text)?).await?;
                if js_sys::Reflect::get(&step, &"done".into())
                    .map(|d| d.is_truthy())
                    .unwrap_or(true)
                {
                    break;
                }
                if let Some(name) = js_sys::Reflect::get(&step, &"value".into())
                    .ok()
                    .and_then(|v| v.as_string())
                {
                    names.push(name);
                }
            }
            names.sort();
            Ok(if names.is_empty() {
                "(empty)".into()
            } else {
                names.join(", ")
            })
        }
        Command::Write { text } => {
            let dir = c.handle(UID).await.map_err(e)?;
            let stream: web_sys::FileSystemWritableFileStream =
                wait(note(&dir, true).await?.create_writable())
                    .await?
                    .unchecked_into();
            wait(stream.write_with_str(&text).map_err(js_text)?).await?;
            wait(stream.close()).await?;
            Ok(format!("wrote {NOTE}"))
        }
        Command::Read => {
            let dir = c.handle(UID).await.map_err(e)?;
            let file: web_sys::File = wait(note(&dir, false).await?.get_file())
                .await?
                .unchecked_into();
            Ok(wait(file.text()).await?.as_string().unwrap_or_default())
        }
    }
}

impl Worker for DemoWorker {
    type Message = ();
    type Input = Request;
    type Output = Outcome;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        DemoWorker {
            client: Rc::default(),
        }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: Self::Message) {}

    fn received(&mut self, scope: &WorkerScope<Self>, msg: Self::Input, who: HandlerId) {
        let client = self.client.clone();
        let scope = scope.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let result = run(&client, msg.command).await;
            let mode = client
                .borrow()
                .as_ref()
                .map(|c| c.mode().as_str().to_owned())
                .unwrap_or_default();
            let (ok, text) = match result {
                Ok(t) => (true, t),
                Err(t) => (false, t),
            };
            scope.respond(
                who,
                Outcome {
                    id: msg.id,
                    ok,
                    text,
                    mode,
                },
            );
        });
    }
}

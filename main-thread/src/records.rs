//! Folder records in IndexedDB, in PyScript's layout, with an in-memory mirror.
//!
//! Database `IDBMap/<namespace>`, object store `entries`, key = the uid, value =
//! `{handler, options}` — exactly what @webreflection/idb-map (PyScript's `pyscript.fs`) writes,
//! so records are shared both ways. Records written by older PyScript as a bare handle are read
//! too. A hit in the mirror costs no transaction; a miss asks IndexedDB (another tab, or
//! PyScript itself, may have written since), and so does [`Records::reload`]. Every new
//! folder taken into the mirror gets a new generation, so the host can tell which folder a
//! worker was last sent.

use crate::idb;
use fshandles_shared::error::quoted;
use fshandles_shared::js::from_js_error;
use fshandles_shared::small_map::SmallMap;
use fshandles_shared::text;
use fshandles_shared::{Error, ErrorKind};
use js_sys::{Object, Reflect};
use std::cell::{Cell, RefCell};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{FileSystemDirectoryHandle, IdbDatabase, IdbTransactionMode};

const STORE: &str = "entries";

/// Whether two handles are the same folder (`isSameEntry`; one that cannot tell is not).
async fn same_folder(a: &FileSystemDirectoryHandle, b: &FileSystemDirectoryHandle) -> bool {
    wasm_bindgen_futures::JsFuture::from(a.is_same_entry(b))
        .await
        .is_ok_and(|same| same.is_truthy())
}

/// A stored folder.
#[derive(Clone)]
pub(crate) struct Record {
    pub handle: FileSystemDirectoryHandle,
    pub options: JsValue,
    /// Which folder this is, as this host has known them (new on every write, and on every load
    /// of a folder other than the one known).
    pub generation: u32,
}

impl Record {
    fn from_js(value: &JsValue) -> Option<Record> {
        if let Some(handle) = value.dyn_ref::<FileSystemDirectoryHandle>() {
            return Some(Record {
                handle: handle.clone(),
                options: Object::new().into(),
                generation: 0,
            });
        }
        let handle = Reflect::get(value, &"handler".into()).ok()?;
        let handle = handle.dyn_into::<FileSystemDirectoryHandle>().ok()?;
        let options = Reflect::get(value, &"options".into()).unwrap_or(JsValue::UNDEFINED);
        Some(Record {
            handle,
            options,
            generation: 0,
        })
    }

    fn to_js(&self) -> JsValue {
        let o = Object::new();
        let _ = Reflect::set(&o, &"handler".into(), &self.handle);
        let _ = Reflect::set(&o, &"options".into(), &self.options);
        o.into()
    }
}

/// The records of one namespace.
pub(crate) struct Records {
    name: String,
    db: RefCell<Option<IdbDatabase>>,
    mirror: RefCell<SmallMap<String, Record>>,
    generations: Cell<u32>,
}

impl Drop for Records {
    fn drop(&mut self) {
        // The host is going: its connection would stay open until the page is.
        if let Some(db) = self.db.get_mut().take() {
            db.close();
        }
    }
}

impl Records {
    pub fn new(namespace: &str) -> Self {
        Records {
            name: text!("IDBMap/", namespace),
            db: RefCell::new(None),
            mirror: RefCell::new(SmallMap::new()),
            generations: Cell::new(0),
        }
    }

    /// The IndexedDB database name.
    pub fn database_name(&self) -> &str {
        &self.name
    }

    async fn db(&self) -> Result<IdbDatabase, Error> {
        if let Some(db) = self.db.borrow().as_ref() {
            return Ok(db.clone());
        }
        let db = self.open().await?;
        *self.db.borrow_mut() = Some(db.clone());
        Ok(db)
    }

    async fn open(&self) -> Result<IdbDatabase, Error> {
        let unavailable = |why: String| {
            Error::new(
                ErrorKind::Storage,
                text!(
                    "IndexedDB is not available here (",
                    why,
                    "): folders cannot be remembered"
                ),
            )
        };
        let db = idb::open(&self.name, STORE, unavailable).await?;
        if !db.object_store_names().contains(STORE) {
            db.close();
            return Err(Error::new(
                ErrorKind::Storage,
                text!(
                    "IndexedDB database ",
                    &quoted(&self.name),
                    " has no ",
                    &quoted(STORE),
                    " store: it is not an IDBMap database",
                ),
            ));
        }
        Ok(db)
    }

    fn store(
        &self,
        db: &IdbDatabase,
        mode: IdbTransactionMode,
    ) -> Result<web_sys::IdbObjectStore, Error> {
        let tx = db.transaction_with_str_and_mode(STORE, mode).map_err(|e| {
            // A closed connection (another tab's upgrade): forget it, the next call reopens.
            self.db.borrow_mut().take();
            let mut e = from_js_error(&e);
            e.kind = ErrorKind::Storage;
            e
        })?;
        tx.object_store(STORE).map_err(|e| from_js_error(&e))
    }

    /// The record for `uid` this host remembers, if any.
    pub fn cached(&self, uid: &str) -> Option<Record> {
        self.mirror.borrow().get(uid).cloned()
    }

    /// The record for `uid`, if any: from memory when there, else from IndexedDB.
    pub async fn get(&self, uid: &str) -> Result<Option<Record>, Error> {
        if let Some(hit) = self.mirror.borrow().get(uid) {
            return Ok(Some(hit.clone()));
        }
        self.reload(uid).await
    }

    /// The record for `uid` as IndexedDB has it now (another tab or PyScript's own `pyscript.fs`
    /// may have changed it); memory follows.
    pub async fn reload(&self, uid: &str) -> Result<Option<Record>, Error> {
        let db = self.db().await?;
        let store = self.store(&db, IdbTransactionMode::Readonly)?;
        let value = idb::read(&store, uid).await?;
        let Some(mut record) = Record::from_js(&value) else {
            self.forget(uid);
            return Ok(None);
        };
        // The folder this host already knows keeps its generation: the workers holding it
        // need nothing new. (Every permission re-check reloads; a new generation each time
        // sent every worker the same folder again, queued unread in one that never yields.)
        if let Some(known) = self.cached(uid) {
            if same_folder(&known.handle, &record.handle).await {
                match self.cached(uid) {
                    Some(now) if now.generation == known.generation => {
                        record.generation = known.generation;
                        self.mirror
                            .borrow_mut()
                            .insert(uid.to_owned(), record.clone());
                        return Ok(Some(record));
                    }
                    // Written meanwhile (a folder picked here): that record stands.
                    Some(now) => return Ok(Some(now)),
                    None => {}
                }
            }
        }
        Ok(Some(self.remember(uid, record)))
    }

    /// Drops `uid` from memory: the next `get` reads IndexedDB.
    pub fn forget(&self, uid: &str) {
        self.mirror.borrow_mut().remove(uid);
    }

    fn remember(&self, uid: &str, mut record: Record) -> Record {
        let generation = self.generations.get().wrapping_add(1);
        self.generations.set(generation);
        record.generation = generation;
        self.mirror
            .borrow_mut()
            .insert(uid.to_owned(), record.clone());
        record
    }

    /// Stores `handle` with `options` under `uid`; the record as stored. The mirror changes only once IndexedDB has
    /// committed, so a failed write leaves the old record in place in both.
    pub async fn put(
        &self,
        uid: &str,
        handle: &FileSystemDirectoryHandle,
        options: JsValue,
    ) -> Result<Record, Error> {
        let record = Record {
            handle: handle.clone(),
            options,
            generation: 0,
        };
        let db = self.db().await?;
        let store = self.store(&db, IdbTransactionMode::Readwrite)?;
        idb::write(&store, uid, &record.to_js()).await?;
        Ok(self.remember(uid, record))
    }

    /// Removes the record for `uid`; answers whether there was one.
    pub async fn delete(&self, uid: &str) -> Result<bool, Error> {
        let db = self.db().await?;
        let store = self.store(&db, IdbTransactionMode::Readwrite)?;
        let existed = idb::remove(&store, uid).await?;
        self.mirror.borrow_mut().remove(uid);
        Ok(existed)
    }
}

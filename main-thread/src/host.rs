//! What the host does for a request: the record, the permission, and a prompt only when needed.

use crate::access::{self, Permission};
use crate::dialog::Choice;
use crate::grants::Grants;
use crate::prompt::{Origin, Prompts};
use crate::records::{Record, Records};
use fshandles_shared::error::quoted;
use fshandles_shared::protocol::validate_uid;
use fshandles_shared::{Error, ErrorKind, MountOptions};
use web_sys::FileSystemDirectoryHandle;

/// The outcome of a store or get.
#[derive(Clone)]
pub(crate) struct Access {
    /// Whether the folder is stored and usable in the asked mode.
    pub granted: bool,
    /// The folder, when granted.
    pub handle: Option<FileSystemDirectoryHandle>,
    /// Whether the handle is new (picked just now): a worker holding the old one needs it.
    pub fresh: bool,
}

impl Access {
    const DENIED: Access = Access {
        granted: false,
        handle: None,
        fresh: false,
    };

    fn granted(handle: FileSystemDirectoryHandle, fresh: bool) -> Access {
        Access {
            granted: true,
            handle: Some(handle),
            fresh,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// Make sure a folder is stored; a refused re-grant answers false.
    Store,
    /// Re-grant on the stored folder; a refused re-grant picks anew.
    Get,
}

/// The host's state: records and prompts.
pub(crate) struct Core {
    pub records: Records,
    pub prompts: Prompts<Access>,
    grants: Grants,
}

impl Core {
    pub fn new(namespace: &str, permission_ttl_ms: f64) -> Self {
        Core {
            records: Records::new(namespace),
            prompts: Prompts::new(),
            grants: Grants::new(permission_ttl_ms),
        }
    }

    /// Whether the stored folder is usable in the asked mode; `recent` accepts a grant seen
    /// within the TTL instead of asking the browser.
    async fn usable(
        &self,
        uid: &str,
        record: &Record,
        options: &MountOptions,
        recent: bool,
    ) -> bool {
        let now = js_sys::Date::now();
        if recent && self.grants.fresh(uid, options.mode, now) {
            return true;
        }
        // A handle whose folder is gone makes queryPermission throw: not usable, ask again.
        let granted = matches!(
            access::query(&record.handle, options).await,
            Ok(Permission::Granted)
        );
        if granted {
            self.grants.granted(uid, options.mode, now);
        } else {
            self.grants.forget(uid);
        }
        granted
    }

    /// Store or get `uid`, prompting only when it must.
    pub async fn obtain(
        &self,
        op: Op,
        uid: &str,
        options: &MountOptions,
        origin: Origin,
    ) -> Result<Access, Error> {
        validate_uid(uid)?;
        options.validate()?;
        if let Some(record) = self.records.get(uid).await? {
            if self.usable(uid, &record, options, true).await {
                return Ok(Access::granted(record.handle, false));
            }
        }
        access::check_supported()?;
        self.prompts
            .run(uid, origin, || self.prompt(op, uid, options))
            .await
    }

    async fn prompt(&self, op: Op, uid: &str, options: &MountOptions) -> Result<Access, Error> {
        // Our turn may have come after another prompt stored this very uid.
        let record = self.records.get(uid).await?;
        if let Some(record) = &record {
            if self.usable(uid, record, options, false).await {
                return Ok(Access::granted(record.handle.clone(), false));
            }
            let name = record.handle.name();
            let text = format!(
                "A worker on this page asks to use the folder \u{201c}{name}\u{201d} again ({} access).",
                describe(options)
            );
            if !self
                .activate(uid, "Allow access to a folder again?", &text)
                .await?
            {
                return Ok(Access::DENIED);
            }
            if let Ok(Permission::Granted) = access::request(&record.handle, options).await {
                self.grants.granted(uid, options.mode, js_sys::Date::now());
                return Ok(Access::granted(record.handle.clone(), false));
            }
            if op == Op::Store {
                return Ok(Access::DENIED);
            }
        }
        let text = format!(
            "A worker on this page asks for a folder on your device ({} access). You will choose which one.",
            describe(options)
        );
        if !self.activate(uid, "Choose a folder?", &text).await? {
            return Ok(Access::DENIED);
        }
        let Some(handle) = access::pick(options).await? else {
            return Ok(Access::DENIED);
        };
        if access::request(&handle, options).await? != Permission::Granted {
            return Ok(Access::DENIED);
        }
        self.records
            .put(uid, &handle, options.to_js().into())
            .await?;
        self.grants.granted(uid, options.mode, js_sys::Date::now());
        Ok(Access::granted(handle, true))
    }

    /// Makes sure the page has user activation: now, or after a click on the dialog's Authorize.
    /// False when the person cancels.
    async fn activate(&self, uid: &str, title: &str, text: &str) -> Result<bool, Error> {
        if access::has_activation() {
            return Ok(true);
        }
        match self.prompts.ask(uid, title, text).await? {
            Choice::Authorize => Ok(true),
            Choice::Cancel => Ok(false),
            Choice::Abort => Err(fshandles_shared::error::detached()),
        }
    }

    /// Forgets `uid`; answers whether it was stored.
    pub async fn delete(&self, uid: &str) -> Result<bool, Error> {
        validate_uid(uid)?;
        self.grants.forget(uid);
        self.records.delete(uid).await
    }

    /// The stored folder for `uid`.
    pub async fn handle(&self, uid: &str) -> Result<FileSystemDirectoryHandle, Error> {
        validate_uid(uid)?;
        match self.records.get(uid).await? {
            Some(r) => Ok(r.handle),
            None => Err(Error::new(
                ErrorKind::NotFound,
                [
                    "no folder is stored under ",
                    &quoted(uid),
                    ": store one first (storeFSHandler)",
                ]
                .concat(),
            )),
        }
    }
}

fn describe(options: &MountOptions) -> &'static str {
    match options.mode {
        fshandles_shared::Mode::Read => "read",
        fshandles_shared::Mode::ReadWrite => "read and write",
    }
}

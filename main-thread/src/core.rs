//! What the host does for a request: the record, the permission, and a prompt only when needed.

use crate::access::{self, Permission};
use crate::dialog::{Ask, Choice, Dialog};
use crate::grants::Grants;
use crate::prompt::{Prompts, Requester};
use crate::rechecks::Rechecks;
use crate::records::{Record, Records};
use crate::tabs::Tabs;
use fshandles_shared::error::quoted;
use fshandles_shared::protocol::{validate_uid, Obtain};
use fshandles_shared::text;
use fshandles_shared::{Error, ErrorKind, MountOptions};
use std::rc::{Rc, Weak};
use wasm_bindgen::JsValue;

/// The outcome of a store or get.
#[derive(Clone)]
pub(crate) struct Access {
    /// Whether the folder is stored and usable in the asked mode.
    pub granted: bool,
    /// The record of the folder, when granted: its handle, and which record it is (a worker
    /// holding an older one needs the new handle).
    pub record: Option<Record>,
}

impl Access {
    const DENIED: Access = Access {
        granted: false,
        record: None,
    };

    fn granted(record: &Record) -> Access {
        Access {
            granted: true,
            record: Some(record.clone()),
        }
    }
}

/// The host's state: records and prompts.
pub(crate) struct Core {
    pub records: Records,
    pub prompts: Prompts<Access>,
    grants: Grants,
    rechecks: Rechecks,
    tabs: Tabs,
    /// The page's options object: its `dialog` words and `onPrompt` (read by `js/dialog.js`),
    /// its `fallback` (`js/picker.js`).
    page: JsValue,
}

impl Core {
    pub fn new(namespace: &str, permission_ttl_ms: f64, page: JsValue) -> Rc<Self> {
        Rc::new_cyclic(|weak: &Weak<Core>| {
            let records = Records::new(namespace);
            let weak = weak.clone();
            // Another tab changed a record: what we remember of it no longer holds.
            let tabs = Tabs::new(records.database_name(), move |uid| {
                if let Some(core) = weak.upgrade() {
                    core.records.forget(uid);
                    core.grants.forget(uid);
                }
            });
            Core {
                records,
                prompts: Prompts::new(),
                grants: Grants::new(permission_ttl_ms),
                rechecks: Rechecks::default(),
                tabs,
                page,
            }
        })
    }

    /// Whether the stored folder is usable in the asked mode, as the browser says now.
    async fn usable(&self, uid: &str, record: &Record, options: &MountOptions) -> bool {
        let now = js_sys::Date::now();
        // A handle whose folder is gone makes queryPermission throw: not usable, ask again.
        let granted = matches!(
            access::query(&record.handle, options, &self.page).await,
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
        op: Obtain,
        uid: &str,
        options: &MountOptions,
        requester: Requester,
    ) -> Result<Access, Error> {
        validate_uid(uid)?;
        options.validate()?;
        // A store-hit: a remembered record with a grant seen within the TTL, no waiting.
        if let Some(record) = self.records.cached(uid) {
            if self.grants.fresh(uid, options.mode, js_sys::Date::now()) {
                return Ok(Access::granted(&record));
            }
        }
        // Asking the browser anyway: ask IndexedDB too, where another tab or PyScript's own
        // `pyscript.fs` may have changed the record since. Once for all the calls waiting.
        let rechecked = self
            .rechecks
            .run(uid, options.mode, || async {
                Ok(match self.records.reload(uid).await? {
                    Some(record) if self.usable(uid, &record, options).await => Some(record),
                    _ => None,
                })
            })
            .await?;
        if let Some(record) = rechecked {
            return Ok(Access::granted(&record));
        }
        access::check_supported(&self.page)?;
        self.prompts
            .run(uid, requester, || self.prompt(op, uid, options))
            .await
    }

    async fn prompt(&self, op: Obtain, uid: &str, options: &MountOptions) -> Result<Access, Error> {
        // One prompt for a uid across tabs; and ours may come after another one, here or in
        // another tab, stored this very uid.
        let _lock = self.tabs.prompt_lock(uid).await;
        let record = self.records.reload(uid).await?;
        // No picker, and the page asked for origin-private folders: one with no prompt.
        let private = access::falls_back(&self.page);
        if let Some(record) = &record {
            if self.usable(uid, record, options).await {
                return Ok(Access::granted(record));
            }
            // A private folder that is not usable is gone (the site's data was cleared): a new
            // one is made below.
            if !private {
                let name = record.handle.name();
                if !self.activate(uid, "regrant", &name, options).await? {
                    return Ok(Access::DENIED);
                }
                let asked = access::request(&record.handle, options, &self.page).await;
                if let Ok(Permission::Granted) = asked {
                    self.grants.granted(uid, options.mode, js_sys::Date::now());
                    return Ok(Access::granted(record));
                }
                if op == Obtain::Store {
                    return Ok(Access::DENIED);
                }
            }
        }
        if !private && !self.activate(uid, "pick", "", options).await? {
            return Ok(Access::DENIED);
        }
        let Some(handle) = access::pick(options, &self.page).await? else {
            return Ok(Access::DENIED);
        };
        if access::request(&handle, options, &self.page).await? != Permission::Granted {
            return Ok(Access::DENIED);
        }
        let record = self
            .records
            .put(uid, &handle, options.to_js().into())
            .await?;
        self.tabs.announce(uid);
        self.grants.granted(uid, options.mode, js_sys::Date::now());
        Ok(Access::granted(&record))
    }

    /// Makes sure the page has user activation: now, or after a click on the dialog's Authorize
    /// (or the page's own prompt). False when the person cancels. `kind` is "pick" or
    /// "regrant"; `name` the folder's, for a regrant.
    async fn activate(
        &self,
        uid: &str,
        kind: &'static str,
        name: &str,
        options: &MountOptions,
    ) -> Result<bool, Error> {
        if access::has_activation() {
            return Ok(true);
        }
        let ask = Ask {
            uid,
            kind,
            mode: options.mode.as_str(),
            name,
        };
        let dialog = Dialog::show(&self.page, &ask)?;
        match self.prompts.ask(uid, dialog).await? {
            Choice::Authorize => Ok(true),
            Choice::Cancel => Ok(false),
            Choice::Abort => Err(fshandles_shared::error::detached()),
        }
    }

    /// Forgets `uid`; answers whether it was stored.
    pub async fn delete(&self, uid: &str) -> Result<bool, Error> {
        validate_uid(uid)?;
        self.grants.forget(uid);
        let existed = self.records.delete(uid).await?;
        if existed {
            self.tabs.announce(uid);
        }
        Ok(existed)
    }

    /// The record of the folder stored for `uid`.
    pub async fn handle(&self, uid: &str) -> Result<Record, Error> {
        validate_uid(uid)?;
        match self.records.get(uid).await? {
            Some(r) => Ok(r),
            None => Err(Error::new(
                ErrorKind::NotFound,
                text!(
                    "no folder is stored under ",
                    &quoted(uid),
                    ": store one first (storeFSHandler)",
                ),
            )),
        }
    }
}

//! What a caller asks for when it wants a folder: `{id, mode, startIn}`.

use crate::error::{quoted, Error, ErrorKind};
use alloc::string::String;
use serde::{Deserialize, Serialize};

/// The longest picker `id` browsers accept.
pub const MAX_PICKER_ID_CHARS: usize = 32;

/// The access a caller needs on the folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum AccessMode {
    /// Read only.
    Read,
    /// Read and write (PyScript's default).
    #[default]
    ReadWrite,
}

impl AccessMode {
    /// The string the File System Access API uses: `"read"` or `"readwrite"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            AccessMode::Read => "read",
            AccessMode::ReadWrite => "readwrite",
        }
    }

    /// Parses `"read"` or `"readwrite"`.
    pub fn parse(s: &str) -> Result<Self, Error> {
        match s {
            "read" => Ok(AccessMode::Read),
            "readwrite" => Ok(AccessMode::ReadWrite),
            other => Err(Error::new(
                ErrorKind::Data,
                crate::text!(
                    "unknown mode ",
                    &quoted(other),
                    ": expected \"read\" or \"readwrite\"",
                ),
            )),
        }
    }
}

/// A well-known folder the picker can open in (PyScript calls it `hint`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StartIn {
    /// The desktop.
    Desktop,
    /// The documents folder.
    Documents,
    /// The downloads folder.
    Downloads,
    /// The music folder.
    Music,
    /// The pictures folder.
    Pictures,
    /// The videos folder.
    Videos,
}

impl StartIn {
    /// Every well-known folder.
    pub const ALL: [StartIn; 6] = [
        StartIn::Desktop,
        StartIn::Documents,
        StartIn::Downloads,
        StartIn::Music,
        StartIn::Pictures,
        StartIn::Videos,
    ];

    /// The name `showDirectoryPicker` expects.
    pub const fn as_str(self) -> &'static str {
        match self {
            StartIn::Desktop => "desktop",
            StartIn::Documents => "documents",
            StartIn::Downloads => "downloads",
            StartIn::Music => "music",
            StartIn::Pictures => "pictures",
            StartIn::Videos => "videos",
        }
    }

    /// Parses one of the well-known folder names.
    pub fn parse(s: &str) -> Result<Self, Error> {
        StartIn::ALL
            .into_iter()
            .find(|w| w.as_str() == s)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Data,
                    crate::text!(
                        "unknown startIn/hint ",
                        &quoted(s),
                        ": expected one of desktop, documents, downloads, music, pictures, videos",
                    ),
                )
            })
    }
}

/// Options for storing or getting a folder, as PyScript passes them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct MountOptions {
    /// The picker `id`: the browser remembers the last folder per id.
    pub id: Option<String>,
    /// The access needed.
    pub mode: AccessMode,
    /// Where the picker opens.
    pub start_in: Option<StartIn>,
}

impl MountOptions {
    /// Options with `mode` and no picker id or start folder.
    pub fn new(mode: AccessMode) -> Self {
        MountOptions {
            id: None,
            mode,
            start_in: None,
        }
    }

    /// Sets the picker id.
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Sets the start folder.
    pub fn with_start_in(mut self, start_in: StartIn) -> Self {
        self.start_in = Some(start_in);
        self
    }

    /// Checks what the picker would reject: an `id` must be at most 32 characters of
    /// letters, digits, `_` and `-`.
    pub fn validate(&self) -> Result<(), Error> {
        if let Some(id) = &self.id {
            let ok_chars = id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if id.is_empty() || id.chars().count() > MAX_PICKER_ID_CHARS || !ok_chars {
                return Err(Error::new(
                    ErrorKind::Data,
                    crate::text!(
                        "invalid picker id ",
                        &quoted(id),
                        ": use 1 to 32 letters, digits, '_' or '-'",
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_macros, clippy::disallowed_types)] // tests: they ship nowhere
mod tests {
    use super::*;

    #[test]
    fn modes_parse() {
        assert_eq!(AccessMode::parse("read").unwrap(), AccessMode::Read);
        assert_eq!(
            AccessMode::parse("readwrite").unwrap(),
            AccessMode::ReadWrite
        );
        let e = AccessMode::parse("write").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Data);
        assert!(e.message.contains("write"));
    }

    #[test]
    fn start_in_parses_every_hint() {
        for w in StartIn::ALL {
            assert_eq!(StartIn::parse(w.as_str()).unwrap(), w);
        }
        assert_eq!(StartIn::parse("home").unwrap_err().kind, ErrorKind::Data);
    }

    #[test]
    fn picker_ids_are_checked() {
        assert!(MountOptions::default()
            .with_id("pyscript")
            .validate()
            .is_ok());
        assert!(MountOptions::default().with_id("a-b_C9").validate().is_ok());
        for bad in ["", "has space", "x".repeat(33).as_str(), "é"] {
            let e = MountOptions::default().with_id(bad).validate().unwrap_err();
            assert_eq!(e.kind, ErrorKind::Data, "{bad:?}");
        }
    }
}

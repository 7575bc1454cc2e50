#![allow(clippy::disallowed_macros, clippy::disallowed_types)] // a test: it ships nowhere
//! The error names written by hand outside `ErrorKind`, checked against it: the TypeScript
//! union both packages declare, the names `fshandles` (Python) maps to its exceptions, and the
//! README's table of errors.

use fshandles_shared::ErrorKind;
use std::collections::BTreeSet;

const TYPESCRIPT: &str = include_str!("../src/js/typescript.rs");
const PYTHON: &str = include_str!("../../worker/python/fshandles/_errors.py");
const README: &str = include_str!("../../README.md");

fn ours() -> BTreeSet<&'static str> {
    ErrorKind::ALL.iter().map(|k| k.name()).collect()
}

/// Every `"…Error"` string in `text`.
fn quoted_error_names(text: &str) -> BTreeSet<&str> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| s.ends_with("Error") && s.chars().all(char::is_alphanumeric))
        .collect()
}

#[test]
fn the_typescript_union_is_every_kind_and_nothing_else() {
    let start = TYPESCRIPT
        .find("export type FsHandlesErrorName")
        .expect("the union");
    let union = &TYPESCRIPT[start..start + TYPESCRIPT[start..].find(';').expect("its end")];
    assert_eq!(quoted_error_names(union), ours());
}

#[test]
fn the_python_mapping_names_only_real_kinds() {
    let start = PYTHON
        .find("def _error(")
        .expect("fshandles/_errors.py's _error");
    let body = &PYTHON[start..start + PYTHON[start..].find("\n\n").expect("its end")];
    let mapped = quoted_error_names(body);
    assert!(!mapped.is_empty());
    let known = ours();
    let unknown: Vec<_> = mapped.difference(&known).collect();
    assert!(
        unknown.is_empty(),
        "fshandles/_errors.py maps names no ErrorKind has: {unknown:?}"
    );
}

#[test]
fn the_readme_table_lists_every_kind() {
    let start = README
        .find("## Errors")
        .expect("the README's Errors section");
    let section = &README[start..start + README[start + 3..].find("\n## ").expect("its end")];
    let listed: BTreeSet<&str> = section
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .filter(|name| *name != "name") // the header
        .collect();
    assert_eq!(listed, ours());
}

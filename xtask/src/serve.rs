//! A static file server for the test and demo pages, in two flavours: cross-origin isolated
//! (COOP + COEP, so `SharedArrayBuffer` exists and sync mode works) and plain (async mode).

use crate::{root, Result};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::thread;
use tiny_http::{Header, Response, Server};

/// A running server; it stops with the process.
pub struct Running {
    /// Its base URL, `http://127.0.0.1:PORT`.
    pub url: String,
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "py" | "txt" | "md" | "toml" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "whl" | "zip" => "application/zip",
        "tar" => "application/x-tar",
        _ => "application/octet-stream",
    }
}

/// The file a URL path names under `root`, refusing anything that climbs out of it.
fn resolve(root: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let mut out = root.to_path_buf();
    for c in Path::new(path.trim_start_matches('/')).components() {
        match c {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if out.is_dir() {
        out.push("index.html");
    }
    out.is_file().then_some(out)
}

fn header(k: &str, v: &str) -> Header {
    Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("valid header")
}

/// Serves the repository on `port` (0: any free port).
pub fn start(port: u16, isolated: bool) -> Result<Running> {
    let server = Server::http(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let addr = server.server_addr().to_ip().ok_or("no IP address")?;
    let root = Arc::new(root());
    // A thread per request, not a fixed pool: a response blocks its thread until the browser
    // has read it all, and a page may hold several large bodies unread while it waits for
    // another file (Pyodide fetches its wasm, its stdlib and its lock file at once). With a
    // pool of four, such a page could stall every thread and never get the file it waits for.
    thread::spawn(move || {
        for request in server.incoming_requests() {
            let root = root.clone();
            thread::spawn(move || respond(&root, request, isolated));
        }
    });
    Ok(Running {
        url: format!("http://{addr}"),
    })
}

fn respond(root: &Path, request: tiny_http::Request, isolated: bool) {
    let file = resolve(root, request.url());
    let mut response = match file.as_ref().and_then(|f| std::fs::File::open(f).ok()) {
        Some(f) => Response::from_file(f)
            .with_header(header("Content-Type", mime(file.as_ref().expect("file"))))
            .boxed(),
        None => Response::from_string("not found")
            .with_status_code(404)
            .boxed(),
    };
    response.add_header(header("Cache-Control", "no-store"));
    if has_query_flag(request.url(), "csp") {
        // What a strict site sets: no eval, no inline script; wasm may compile.
        response.add_header(header(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'",
        ));
    }
    if isolated {
        response.add_header(header("Cross-Origin-Opener-Policy", "same-origin"));
        response.add_header(header("Cross-Origin-Embedder-Policy", "require-corp"));
        response.add_header(header("Cross-Origin-Resource-Policy", "cross-origin"));
    }
    let _ = request.respond(response);
}

/// Whether the URL's query has `flag` (as `?flag` or `&flag`, with or without a value).
fn has_query_flag(url: &str, flag: &str) -> bool {
    url.split_once('?')
        .is_some_and(|(_, q)| q.split('&').any(|kv| kv.split('=').next() == Some(flag)))
}

/// `cargo xtask serve [--port N]`: isolated on N, plain on N + 1, until Ctrl-C.
pub fn serve_command(args: &[String]) -> Result {
    let port = port_arg(args)?.unwrap_or(8000);
    let isolated = start(port, true)?;
    let plain = start(port.checked_add(1).ok_or("port too large")?, false)?;
    println!("isolated (COOP/COEP): {}/", isolated.url);
    println!("plain:                {}/", plain.url);
    loop {
        thread::park();
    }
}

/// `--port N`, if given.
pub fn port_arg(args: &[String]) -> Result<Option<u16>> {
    crate::flag_value(args, "--port")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_root() {
        let root = crate::root();
        assert!(resolve(&root, "/Cargo.toml").is_some());
        assert!(resolve(&root, "/Cargo.toml?x=1").is_some());
        assert!(resolve(&root, "/../etc/passwd").is_none());
        assert!(resolve(&root, "/xtask/../../etc/passwd").is_none());
        assert!(resolve(&root, "/no-such-file").is_none());
    }

    #[test]
    fn isolated_pages_carry_coop_and_coep() {
        let s = start(0, true).unwrap();
        let port = s.url.rsplit(':').next().unwrap();
        let mut stream = std::net::TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
        use std::io::{Read, Write};
        write!(
            stream,
            "GET /Cargo.toml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut text = String::new();
        stream.read_to_string(&mut text).unwrap();
        assert!(text.starts_with("HTTP/1.1 200"), "{text}");
        assert!(text.contains("Cross-Origin-Embedder-Policy: require-corp"));
        assert!(text.contains("Cross-Origin-Opener-Policy: same-origin"));
        assert!(text.contains("[workspace]"));
    }
}

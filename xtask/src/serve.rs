//! A static file server for the test and demo pages, in two flavours: cross-origin isolated
//! (COOP + COEP, so `SharedArrayBuffer` exists and sab mode works) and plain (async mode).
//!
//! A thread per connection, each serving its keep-alive requests in turn, on std alone. It
//! replaced tiny_http, whose thread pool can lose a wake-up: a connection accepted while every
//! pool thread held a long-lived keep-alive connection waited for one of them to close, and
//! the browser's request on it hung (seen as a PyScript page stalled on one module fetch).

use crate::{root, Result};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::thread;

/// A running server; it stops with the process.
pub struct Running {
    /// Its base URL, `http://127.0.0.1:PORT`.
    pub url: String,
}

/// The longest request head read; a browser's is a few hundred bytes.
const MAX_HEAD_BYTES: u64 = 64 * 1024;

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
    // A static site that cannot send COOP/COEP puts coi-serviceworker.js at its root (a service
    // worker controls only what is under its own folder); here it comes from npm.
    let path = match path {
        "/coi-serviceworker.js" => "/node_modules/coi-serviceworker/coi-serviceworker.js",
        other => other,
    };
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

/// Serves the repository on `port` (0: any free port).
pub fn start(port: u16, isolated: bool) -> Result<Running> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let root = Arc::new(root());
    thread::spawn(move || {
        for stream in listener.incoming() {
            // A failed accept (a connection reset before it was taken) ends only that one.
            let Ok(stream) = stream else { continue };
            let root = root.clone();
            thread::spawn(move || serve_connection(&root, stream, isolated));
        }
    });
    Ok(Running {
        url: format!("http://{addr}"),
    })
}

/// One request's head: the method, the target and whether the client keeps the connection.
struct Head {
    method: String,
    target: String,
    keep_alive: bool,
    body_bytes: u64,
}

/// Reads a request head; None at the end of the connection or on a head that is not HTTP/1.
fn read_head(reader: &mut impl BufRead) -> Option<Head> {
    let mut limited = reader.take(MAX_HEAD_BYTES);
    let mut line = String::new();
    if limited.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    let mut head = Head {
        method: method.to_owned(),
        target: target.to_owned(),
        keep_alive: version == "HTTP/1.1",
        body_bytes: 0,
    };
    if !version.starts_with("HTTP/1.") {
        return None;
    }
    loop {
        line.clear();
        if limited.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            return Some(head);
        }
        let (name, value) = line.split_once(':')?;
        let value = value.trim().to_ascii_lowercase();
        match name.trim().to_ascii_lowercase().as_str() {
            "connection" if value.contains("close") => head.keep_alive = false,
            "connection" if value.contains("keep-alive") => head.keep_alive = true,
            "content-length" => head.body_bytes = value.parse().ok()?,
            _ => {}
        }
    }
}

fn serve_connection(root: &Path, stream: TcpStream, isolated: bool) {
    let _ = stream.set_nodelay(true);
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    while let Some(head) = read_head(&mut reader) {
        // Bodies are not used; read past them to the next request.
        if std::io::copy(
            &mut (&mut reader).take(head.body_bytes),
            &mut std::io::sink(),
        )
        .is_err()
        {
            return;
        }
        if respond(root, &head, isolated, &mut writer).is_err() || !head.keep_alive {
            return;
        }
    }
}

fn respond(root: &Path, head: &Head, isolated: bool, out: &mut impl Write) -> std::io::Result<()> {
    let file = matches!(head.method.as_str(), "GET" | "HEAD")
        .then(|| resolve(root, &head.target))
        .flatten();
    let (status, content_type, body) = match file.as_ref().map(|f| (f, std::fs::read(f))) {
        Some((f, Ok(bytes))) => ("200 OK", mime(f), bytes),
        _ => (
            "404 Not Found",
            "text/plain; charset=utf-8",
            b"not found".to_vec(),
        ),
    };
    let mut headers = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n",
        body.len()
    );
    if has_query_flag(&head.target, "csp") {
        // What a strict site sets: no eval, no inline script; wasm may compile.
        headers.push_str("Content-Security-Policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'\r\n");
    }
    if isolated {
        headers.push_str("Cross-Origin-Opener-Policy: same-origin\r\nCross-Origin-Embedder-Policy: require-corp\r\nCross-Origin-Resource-Policy: cross-origin\r\n");
    }
    if !head.keep_alive {
        headers.push_str("Connection: close\r\n");
    }
    headers.push_str("\r\n");
    out.write_all(headers.as_bytes())?;
    if head.method != "HEAD" {
        out.write_all(&body)?;
    }
    out.flush()
}

/// Whether the URL's query has `flag` (as `?flag` or `&flag`, with or without a value).
fn has_query_flag(url: &str, flag: &str) -> bool {
    url.split_once('?')
        .is_some_and(|(_, q)| q.split('&').any(|kv| kv.split('=').next() == Some(flag)))
}

/// Both flavours: isolated on `port`, plain on `port + 1` (0: any free ports).
pub fn start_pair(port: u16) -> Result<(Running, Running)> {
    let plain_port = match port {
        0 => 0,
        p => p.checked_add(1).ok_or("port too large")?,
    };
    Ok((start(port, true)?, start(plain_port, false)?))
}

/// `cargo xtask serve [--port N]`: isolated on N, plain on N + 1, until Ctrl-C.
pub fn serve_command(args: &[String]) -> Result {
    let (isolated, plain) = start_pair(port_arg(args)?.unwrap_or(8000))?;
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

    /// What a browser does: many connections at once, each kept alive for several requests,
    /// while others stay open and idle. Every request is answered.
    #[test]
    fn keep_alive_connections_never_starve_new_ones() {
        use std::io::{BufRead, BufReader, Read, Write};
        let s = start(0, false).unwrap();
        let addr = s.url.trim_start_matches("http://").to_owned();
        // Idle keep-alive connections that never send anything.
        let _idle: Vec<_> = (0..16)
            .map(|_| std::net::TcpStream::connect(&addr).unwrap())
            .collect();
        for _ in 0..8 {
            let stream = std::net::TcpStream::connect(&addr).unwrap();
            stream
                .set_read_timeout(Some(std::time::Duration::from_secs(10)))
                .unwrap();
            let mut writer = stream.try_clone().unwrap();
            let mut reader = BufReader::new(stream);
            for path in ["/Cargo.toml", "/nope", "/xtask/Cargo.toml"] {
                write!(writer, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
                let mut status = String::new();
                reader.read_line(&mut status).unwrap();
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    if line.trim().is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        length = v.trim().parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                let expected = if path == "/nope" { "404" } else { "200" };
                assert!(status.contains(expected), "{path}: {status}");
            }
        }
    }
}

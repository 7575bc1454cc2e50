//! `cargo xtask demo [--port N]`: builds everything and serves the demo page twice — with
//! COOP/COEP on N (sab mode) and without on N + 1 (async mode) — until Ctrl-C.

use crate::{build, serve, setup, Result};

/// Runs the demo server.
pub fn demo(args: &[String]) -> Result {
    let port = serve::port_arg(args)?.unwrap_or(8000);
    setup::for_build()?;
    build::build()?;
    let (isolated, plain) = serve::start_pair(port)?;
    println!();
    println!("fshandles demo — open in Chrome or Edge:");
    println!(
        "  SAB page (sab mode, cross-origin isolated):  {}/demo/",
        isolated.url
    );
    println!(
        "  async page (no COOP/COEP):                     {}/demo/",
        plain.url
    );
    println!();
    println!("Press Ctrl-C to stop.");
    loop {
        std::thread::park();
    }
}

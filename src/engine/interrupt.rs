//! Ctrl-C: the first SIGINT asks the run to stop; files already being processed finish, no new
//! ones start, and nothing more is written. A second SIGINT exits at once (writes are atomic,
//! so even then no file is left half-written).

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Installs the handler; harmless to call twice.
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        if REQUESTED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
}

/// Whether the user asked to stop.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

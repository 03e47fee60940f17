//! Standard output that treats a closed pipe (`upshift check | head -1`) as a clean end.

use std::io::{self, Write};

/// Buffered standard output.
pub struct Output {
    out: io::BufWriter<io::Stdout>,
}

/// Standard output was closed by the reader: stop quietly, exit 0.
#[derive(Debug, thiserror::Error)]
#[error("standard output was closed")]
pub struct BrokenPipe;

impl Output {
    pub fn stdout() -> Output {
        Output {
            out: io::BufWriter::new(io::stdout()),
        }
    }

    /// Writes `text` and a newline.
    pub fn line(&mut self, text: &str) -> Result<(), BrokenPipe> {
        self.bytes(text.as_bytes())?;
        self.bytes(b"\n")
    }

    /// Writes `text` as it is.
    pub fn text(&mut self, text: &str) -> Result<(), BrokenPipe> {
        self.bytes(text.as_bytes())
    }

    pub fn bytes(&mut self, bytes: &[u8]) -> Result<(), BrokenPipe> {
        // A write error on stdout other than a closed pipe leaves nowhere to report it either.
        self.out.write_all(bytes).map_err(|_| BrokenPipe)
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        let _ = self.out.flush();
    }
}

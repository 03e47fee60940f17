//! Reading a file and deciding whether upshift may touch it.
//!
//! A file is only processed as UTF-8 text: binary files (a NUL byte near the start), other
//! encodings and files over the size limit are skipped with a note naming the reason, and are
//! never rewritten. A leading UTF-8 byte-order mark is set aside and restored on write; line
//! endings are kept as they are, and inserted text uses the file's own.

use std::fmt;
use std::path::{Path, PathBuf};

/// How far into a file to look for a NUL byte before calling it binary (as git does).
const BINARY_SNIFF_LEN: usize = 8000;
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A readable text file, decoded.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    /// The text, without a byte-order mark.
    pub text: String,
    /// Whether the file started with a UTF-8 byte-order mark.
    pub bom: bool,
    /// The newline that inserted text uses: the file's first line ending.
    pub newline: &'static str,
    /// The bytes as read, to detect a change on disk before writing.
    pub original: Vec<u8>,
}

impl Source {
    /// Decodes `bytes` read from `path`, or says why the file is skipped.
    pub fn decode(path: &Path, bytes: Vec<u8>, limit: u64) -> Result<Source, SkipReason> {
        if bytes.len() as u64 > limit {
            return Err(SkipReason::TooLarge {
                size: bytes.len() as u64,
                limit,
            });
        }
        if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
            return Err(SkipReason::Utf16);
        }
        if bytes[..bytes.len().min(BINARY_SNIFF_LEN)].contains(&0) {
            return Err(SkipReason::Binary);
        }
        let bom = bytes.starts_with(UTF8_BOM);
        let body = if bom {
            &bytes[UTF8_BOM.len()..]
        } else {
            &bytes[..]
        };
        let text = match std::str::from_utf8(body) {
            Ok(text) => text.to_string(),
            Err(err) => {
                let prefix = &body[..err.valid_up_to()];
                let line = prefix.iter().filter(|&&b| b == b'\n').count() + 1;
                return Err(SkipReason::NotUtf8 { line });
            }
        };
        let newline = match text.find('\n') {
            Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        };
        Ok(Source {
            path: path.to_path_buf(),
            text,
            bom,
            newline,
            original: bytes,
        })
    }

    /// Reads and decodes a file.
    pub fn read(path: &Path, limit: u64) -> Result<Source, SkipReason> {
        let meta =
            std::fs::metadata(path).map_err(|err| SkipReason::Unreadable(err.to_string()))?;
        if !meta.is_file() {
            return Err(SkipReason::NotAFile);
        }
        if meta.len() > limit {
            return Err(SkipReason::TooLarge {
                size: meta.len(),
                limit,
            });
        }
        let bytes = std::fs::read(path).map_err(|err| SkipReason::Unreadable(err.to_string()))?;
        Source::decode(path, bytes, limit)
    }

    /// The bytes to write for `text`: the byte-order mark restored.
    pub fn encode(&self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() + 3);
        if self.bom {
            out.extend_from_slice(UTF8_BOM);
        }
        out.extend_from_slice(text.as_bytes());
        out
    }
}

/// Why a file was not processed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    TooLarge {
        size: u64,
        limit: u64,
    },
    Binary,
    Utf16,
    NotUtf8 {
        line: usize,
    },
    NotAFile,
    Unreadable(String),
    /// Parsing or matching ran out of its time budget.
    TimedOut,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::TooLarge { size, limit } => {
                write!(
                    f,
                    "skipped: {size} bytes is over the {limit}-byte limit (--max-file-size)"
                )
            }
            SkipReason::Binary => f.write_str("skipped: binary file (contains a NUL byte)"),
            SkipReason::Utf16 => f.write_str("skipped: UTF-16 text (only UTF-8 is processed)"),
            SkipReason::NotUtf8 { line } => write!(
                f,
                "skipped: not valid UTF-8 (first bad byte on line {line})"
            ),
            SkipReason::NotAFile => f.write_str("skipped: not a regular file"),
            SkipReason::Unreadable(err) => write!(f, "skipped: cannot read: {err}"),
            SkipReason::TimedOut => f.write_str(
                "skipped: parsing or matching took longer than the per-file time budget (--file-timeout)",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> Result<Source, SkipReason> {
        Source::decode(Path::new("x.py"), bytes.to_vec(), 1 << 20)
    }

    #[test]
    fn bom_is_set_aside_and_restored() {
        let source = decode(b"\xEF\xBB\xBFx = 1\n").unwrap();
        assert!(source.bom);
        assert_eq!(source.text, "x = 1\n");
        assert_eq!(source.encode("y = 2\n"), b"\xEF\xBB\xBFy = 2\n");
    }

    #[test]
    fn crlf_files_insert_crlf() {
        assert_eq!(decode(b"a\r\nb\r\n").unwrap().newline, "\r\n");
        assert_eq!(decode(b"a\nb\r\n").unwrap().newline, "\n");
    }

    #[test]
    fn binary_utf16_latin1_and_large_files_are_skipped() {
        assert_eq!(decode(b"a\0b").unwrap_err(), SkipReason::Binary);
        assert_eq!(decode(b"\xFF\xFEa\0").unwrap_err(), SkipReason::Utf16);
        assert_eq!(
            decode(b"ok\ncaf\xE9\n").unwrap_err(),
            SkipReason::NotUtf8 { line: 2 }
        );
        let err = Source::decode(Path::new("x"), vec![b'a'; 11], 10).unwrap_err();
        assert_eq!(
            err,
            SkipReason::TooLarge {
                size: 11,
                limit: 10
            }
        );
    }
}

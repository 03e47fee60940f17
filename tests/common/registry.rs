//! A package registry on loopback: serves the files of `tests/report/registry` over HTTP, so
//! the dependency check is tested without the network. Counts the requests it answers.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A running fake registry.
pub struct FakeRegistry {
    pub url: String,
    requests: Arc<AtomicUsize>,
}

impl FakeRegistry {
    /// Serves `tests/report/registry` on a free loopback port until the test process ends.
    pub fn start() -> FakeRegistry {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/report/registry");
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                counter.fetch_add(1, Ordering::SeqCst);
                let root = root.clone();
                std::thread::spawn(move || answer(stream, &root));
            }
        });
        FakeRegistry { url, requests }
    }

    /// The requests answered so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// The environment that points upshift's three registries here.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("UPSHIFT_PYPI_URL", self.url.clone()),
            ("UPSHIFT_RUBYGEMS_URL", self.url.clone()),
            ("UPSHIFT_MAVEN_URL", format!("{}/maven2", self.url)),
        ]
    }
}

fn answer(stream: std::net::TcpStream, root: &Path) {
    let mut reader = BufReader::new(&stream);
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    // The headers are read and dropped.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/");
    let file: PathBuf = path
        .trim_start_matches('/')
        .split('/')
        .filter(|part| !part.is_empty() && *part != "..")
        .collect();
    let (status, body) = match std::fs::read(root.join(&file)) {
        Ok(body) if root.join(&file).is_file() => ("200 OK", body),
        _ => ("404 Not Found", b"not found".to_vec()),
    };
    let mut stream = &stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
}

//! Registry documents over HTTP, cached on disk.
//!
//! Every answer (a document or a "not found") is kept in the cache folder for a day; offline,
//! any cached answer is used however old, and what is not cached is [`FetchError::Offline`]. A
//! registry that cannot be reached once is not asked again in the same run, so a machine
//! without network gives "unknown" quickly instead of one timeout per package.

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::fingerprint::fnv1a;

/// How long a cached answer is used before the registry is asked again.
pub const CACHE_SECONDS: u64 = 24 * 60 * 60;
/// The largest document read (PyPI's JSON of a package with many releases runs to megabytes).
const MAX_BODY: u64 = 64 * 1024 * 1024;

/// Why a document could not be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("not in the cache, and the registries are not asked offline")]
    Offline,
    #[error("{host} could not be reached: {reason}")]
    Unreachable { host: String, reason: String },
    #[error("{url} answered HTTP {status}")]
    Status { url: String, status: u16 },
}

#[derive(Debug, Serialize, Deserialize)]
struct Cached {
    url: String,
    fetched: u64,
    /// `None` for "not found".
    body: Option<String>,
}

/// Fetches documents, with a disk cache.
pub struct Fetcher {
    agent: ureq::Agent,
    cache: Option<PathBuf>,
    offline: bool,
    unreachable: Mutex<HashSet<String>>,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `scheme://host:port` of a URL, the unit that is reachable or not.
fn host_of(url: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..]
        .find('/')
        .map_or(url.len(), |i| i + after_scheme);
    url[..end].to_string()
}

impl Fetcher {
    /// A fetcher that caches in `cache` (none: no cache) and, `offline`, asks no registry.
    pub fn new(cache: Option<PathBuf>, offline: bool) -> Fetcher {
        let tls = ureq::tls::TlsConfig::builder()
            .root_certs(ureq::tls::RootCerts::PlatformVerifier)
            .build();
        let config = ureq::Agent::config_builder()
            .timeout_connect(Some(Duration::from_secs(5)))
            .timeout_global(Some(Duration::from_secs(30)))
            .http_status_as_error(false)
            .user_agent(concat!("upshift/", env!("CARGO_PKG_VERSION")))
            .tls_config(tls)
            .build();
        Fetcher {
            agent: config.into(),
            cache,
            offline,
            unreachable: Mutex::new(HashSet::new()),
        }
    }

    pub fn is_offline(&self) -> bool {
        self.offline
    }

    fn cache_path(&self, url: &str) -> Option<PathBuf> {
        let key = fnv1a(0, url.as_bytes());
        Some(self.cache.as_ref()?.join(format!("{key:016x}.json")))
    }

    fn cached(&self, url: &str) -> Option<Cached> {
        let text = std::fs::read_to_string(self.cache_path(url)?).ok()?;
        serde_json::from_str::<Cached>(&text)
            .ok()
            .filter(|c| c.url == url)
    }

    fn store(&self, url: &str, body: Option<&str>) {
        let (Some(path), Some(dir)) = (self.cache_path(url), self.cache.as_ref()) else {
            return;
        };
        let entry = Cached {
            url: url.to_string(),
            fetched: now(),
            body: body.map(str::to_string),
        };
        // A cache that cannot be written only costs a later run another request.
        let _ = std::fs::create_dir_all(dir).and_then(|()| {
            let mut file = tempfile::NamedTempFile::new_in(dir)?;
            file.write_all(serde_json::to_string(&entry)?.as_bytes())?;
            file.persist(&path).map(|_| ()).map_err(|e| e.error)
        });
    }

    /// The document at `url`: `Ok(None)` when the registry says it does not exist.
    pub fn get(&self, url: &str) -> Result<Option<String>, FetchError> {
        let cached = self.cached(url);
        if let Some(entry) = &cached
            && (self.offline || now().saturating_sub(entry.fetched) < CACHE_SECONDS)
        {
            return Ok(entry.body.clone());
        }
        if self.offline {
            return Err(FetchError::Offline);
        }
        let host = host_of(url);
        if self.unreachable.lock().is_ok_and(|u| u.contains(&host)) {
            return Err(FetchError::Unreachable {
                host,
                reason: "not reachable earlier in this run".into(),
            });
        }
        let unreachable = |reason: String| {
            if let Ok(mut set) = self.unreachable.lock() {
                set.insert(host.clone());
            }
            // An old answer is better than none.
            match &cached {
                Some(entry) => Ok(entry.body.clone()),
                None => Err(FetchError::Unreachable {
                    host: host.clone(),
                    reason,
                }),
            }
        };
        let mut response = match self.agent.get(url).call() {
            Ok(response) => response,
            Err(err) => return unreachable(err.to_string()),
        };
        let status = response.status().as_u16();
        match status {
            200 => {
                let body = response
                    .body_mut()
                    .with_config()
                    .limit(MAX_BODY)
                    .read_to_string();
                match body {
                    Ok(body) => {
                        self.store(url, Some(&body));
                        Ok(Some(body))
                    }
                    Err(err) => unreachable(err.to_string()),
                }
            }
            404 | 410 => {
                self.store(url, None);
                Ok(None)
            }
            _ => Err(FetchError::Status {
                url: url.to_string(),
                status,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_scheme_host_and_port() {
        assert_eq!(
            host_of("http://127.0.0.1:8080/pypi/x/json"),
            "http://127.0.0.1:8080"
        );
        assert_eq!(host_of("https://pypi.org"), "https://pypi.org");
    }

    #[test]
    fn offline_a_cached_answer_is_used_and_anything_else_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let online = Fetcher::new(Some(dir.path().to_path_buf()), false);
        online.store("http://registry.invalid/a", Some("{}"));
        online.store("http://registry.invalid/gone", None);
        let offline = Fetcher::new(Some(dir.path().to_path_buf()), true);
        assert_eq!(
            offline.get("http://registry.invalid/a"),
            Ok(Some("{}".into()))
        );
        assert_eq!(offline.get("http://registry.invalid/gone"), Ok(None));
        assert_eq!(
            offline.get("http://registry.invalid/b"),
            Err(FetchError::Offline)
        );
    }

    #[test]
    fn an_unreachable_registry_is_not_asked_twice() {
        // Nothing listens on port 9 of loopback.
        let fetcher = Fetcher::new(None, false);
        let first = fetcher.get("http://127.0.0.1:9/a");
        assert!(
            matches!(first, Err(FetchError::Unreachable { .. })),
            "{first:?}"
        );
        let second = fetcher.get("http://127.0.0.1:9/b").unwrap_err();
        assert!(
            second.to_string().contains("earlier in this run"),
            "{second}"
        );
    }
}

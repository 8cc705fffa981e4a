//! Where the bytes of stored files live (see `domain::files` for what is
//! decided about them), and how one is sent to a browser.
//!
//! [`DirStore`] keeps each file in a directory under its SHA-256
//! (`ab/cdef…`), written to a temporary name and renamed into place, so a
//! reader never sees half a file and two instances writing the same file
//! write the same bytes. Several instances need the same directory (a shared
//! volume); `SIANG_FILES_DIR` names it.

use std::path::{Path, PathBuf};

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use rand::RngCore;
use sea_orm::ConnectionTrait;

use crate::domain::files::{FileStore, Served};

/// The policy a served file gets on top of the portal's own: a sandbox (no
/// script, no plugins, no same-origin rights even if a browser were to read
/// the bytes as a page) and nothing fetched.
pub const FILE_POLICY: &str = "default-src 'none'; img-src 'self'; sandbox";

/// Marks a response as a stored file, so `security::headers` adds
/// [`FILE_POLICY`].
#[derive(Debug, Clone, Copy)]
pub struct SandboxedFile;

/// Files in a directory, by content.
#[derive(Debug, Clone)]
pub struct DirStore {
    root: PathBuf,
}

impl DirStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The path of a file; `None` for anything but 64 hex digits (a name
    /// from the database is never trusted to stay inside the directory).
    fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        let valid = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
        valid.then(|| self.root.join(&sha256[..2]).join(&sha256[2..]))
    }
}

#[async_trait::async_trait]
impl FileStore for DirStore {
    async fn put(&self, sha256: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self
            .path_of(sha256)
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a SHA-256 name"))?;
        if tokio::fs::try_exists(&path).await? {
            return Ok(());
        }
        let dir = path.parent().unwrap_or(&self.root).to_owned();
        tokio::fs::create_dir_all(&dir).await?;
        let mut noise = [0u8; 8];
        rand::rng().fill_bytes(&mut noise);
        let temporary = dir.join(format!(".{}.{}.part", &sha256[2..], hex::encode(noise)));
        let written = async {
            tokio::fs::write(&temporary, bytes).await?;
            let file = tokio::fs::File::open(&temporary).await?;
            file.sync_all().await?;
            tokio::fs::rename(&temporary, &path).await
        }
        .await;
        if written.is_err() {
            let _ = tokio::fs::remove_file(&temporary).await;
        }
        written
    }

    async fn get(&self, sha256: &str) -> std::io::Result<Option<Vec<u8>>> {
        let Some(path) = self.path_of(sha256) else { return Ok(None) };
        match tokio::fs::read(path).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err),
        }
    }
}

/// The directory of files when `SIANG_FILES_DIR` is not set: `files` beside
/// a SQLite database, `data/files` in the working directory otherwise.
pub fn default_dir(db: &sea_orm::DatabaseConnection) -> PathBuf {
    if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        let file = db.get_sqlite_connection_pool().connect_options().get_filename().to_owned();
        if let Some(parent) = file.parent() {
            return parent.join("files");
        }
    }
    PathBuf::from("data/files")
}

/// Whether a request is an upload, which may be larger than other requests
/// (see `security::limit_body`).
pub fn is_upload(method: &axum::http::Method, path: &str) -> bool {
    method == axum::http::Method::POST && path.starts_with("/staff/activities/") && path.ends_with("/evidence")
}

/// A stored file as an answer: the type decided when it was stored, never
/// sniffed by the browser; images shown in the page, PDFs downloaded (a
/// sandboxed PDF viewer would not run); the clean name in the header.
pub fn response(served: Served) -> Response {
    let name = &served.file.original_name;
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_ ".contains(c) { c } else { '_' }).collect();
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>().replace('+', "%20");
    let how = if served.media_type.is_image() { "inline" } else { "attachment" };
    let disposition = format!("{how}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut response = served.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(served.media_type.mime()));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    response.extensions_mut().insert(SandboxedFile);
    response
}

//! Where the bytes of stored files live (see `domain::files` for what is
//! decided about them), and how one is sent to a browser.
//!
//! [`ObjectFiles`] keeps each file under its SHA-256 (`ab/cdef…`) in an
//! `object_store`: a local directory by default (written to a temporary
//! name and renamed into place, so a reader never sees half a file), or
//! S3-compatible storage (`SIANG_FILES_URL=s3://bucket/prefix`). Two
//! instances writing the same file write the same bytes. Several instances
//! need the same store (a shared volume, or the bucket).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use object_store::path::Path as ObjectPath;
use object_store::{local::LocalFileSystem, ObjectStore};
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

/// Files in an object store, by content.
#[derive(Debug, Clone)]
pub struct ObjectFiles {
    store: Arc<dyn ObjectStore>,
    prefix: ObjectPath,
}

impl ObjectFiles {
    /// Files in a local directory (made if missing).
    pub fn in_dir(root: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(root).with_context(|| format!("making the files directory {}", root.display()))?;
        let store = LocalFileSystem::new_with_prefix(root)
            .with_context(|| format!("opening the files directory {}", root.display()))?;
        Ok(Self { store: Arc::new(store), prefix: ObjectPath::default() })
    }

    /// Files where `SIANG_FILES_URL` says: `file:///a/directory`, or
    /// `s3://bucket/prefix` with the usual `AWS_*` variables (region,
    /// keys, `AWS_ENDPOINT` for S3-compatible services).
    pub fn at_url(url: &url::Url) -> anyhow::Result<Self> {
        if url.scheme() == "file" {
            let dir = url.to_file_path().map_err(|()| anyhow::anyhow!("{url} is not a local directory"))?;
            return Self::in_dir(&dir);
        }
        let options = std::env::vars()
            .filter(|(key, _)| key.starts_with("AWS_"))
            .map(|(key, value)| (key.to_ascii_lowercase(), value));
        let (store, prefix) = object_store::parse_url_opts(url, options)
            .with_context(|| format!("opening the file store {}", url.as_str()))?;
        Ok(Self { store: Arc::from(store), prefix })
    }

    /// The place of a file; `None` for anything but 64 hex digits (a name
    /// from the database is never trusted to stay inside the store).
    fn path_of(&self, sha256: &str) -> Option<ObjectPath> {
        let valid = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
        valid.then(|| self.prefix.child(&sha256[..2]).child(&sha256[2..]))
    }
}

fn io_error(err: object_store::Error) -> std::io::Error {
    std::io::Error::other(err)
}

#[async_trait::async_trait]
impl FileStore for ObjectFiles {
    async fn put(&self, sha256: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self
            .path_of(sha256)
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a SHA-256 name"))?;
        match self.store.head(&path).await {
            Ok(_) => return Ok(()),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(err) => return Err(io_error(err)),
        }
        self.store.put(&path, bytes::Bytes::copy_from_slice(bytes).into()).await.map(|_| ()).map_err(io_error)
    }

    async fn get(&self, sha256: &str) -> std::io::Result<Option<Vec<u8>>> {
        let Some(path) = self.path_of(sha256) else { return Ok(None) };
        match self.store.get(&path).await {
            Ok(found) => Ok(Some(found.bytes().await.map_err(io_error)?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(err) => Err(io_error(err)),
        }
    }
}

/// The store the configuration names: `SIANG_FILES_URL`, else the directory
/// `SIANG_FILES_DIR`, else [`default_dir`].
pub fn open(config: &crate::config::ServerConfig, db: &sea_orm::DatabaseConnection) -> anyhow::Result<ObjectFiles> {
    match (&config.files_url, &config.files_dir) {
        (Some(url), _) => ObjectFiles::at_url(url),
        (None, Some(dir)) => ObjectFiles::in_dir(dir),
        (None, None) => ObjectFiles::in_dir(&default_dir(db)),
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

/// The body limit of a request that may carry files, which may be larger
/// than other requests (see `security::limit_body`): an activity's evidence
/// file, or a resident's photos (only as `multipart/form-data`: the same
/// form sent urlencoded, or JSON, keeps the ordinary limit).
pub fn upload_limit(request: &axum::extract::Request) -> Option<usize> {
    if request.method() != axum::http::Method::POST {
        return None;
    }
    let path = request.uri().path();
    if path.starts_with("/staff/activities/") && path.ends_with("/evidence") {
        Some(crate::domain::files::MAX_UPLOAD_BODY_BYTES)
    } else if matches!(path, "/submit" | "/report-corruption" | "/api/v1/submissions")
        && is_multipart(request.headers())
    {
        Some(crate::domain::photos::MAX_BODY_BYTES)
    } else {
        None
    }
}

/// Whether a request's body is `multipart/form-data`.
pub fn is_multipart(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"))
}

/// Reads a multipart part's text, refusing the request (413) once the
/// text read so far (`read`, for every text part of the request) passes
/// `max`: a multipart body may be large for its files, never for its text.
pub async fn limited_text(
    field: &mut axum::extract::multipart::Field<'_>,
    read: &mut usize,
    max: usize,
) -> Result<Vec<u8>, crate::error::AppError> {
    let mut text = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(crate::extract::multipart_error)? {
        *read += chunk.len();
        if *read > max {
            return Err(crate::error::AppError::PayloadTooLarge);
        }
        text.extend_from_slice(&chunk);
    }
    Ok(text)
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

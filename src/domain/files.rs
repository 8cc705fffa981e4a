//! Files the portal keeps: evidence of participation activities, and
//! photos of submissions (`domain::photos`). What is decided about a file lives here;
//! where its bytes go is a [`FileStore`] (`crate::files::ObjectFiles` keeps them
//! in a directory or in S3-compatible storage).
//!
//! - The bytes are addressed by their SHA-256: the same file uploaded twice
//!   is stored once, and a name can never point at other content.
//! - The type is sniffed from the first bytes (JPEG, PNG, WebP, PDF) and
//!   nothing else is accepted: the name's extension and the type the
//!   browser claimed are ignored. A file is always served with the type
//!   decided here.
//! - Every check happens before anything is written: a refused file leaves
//!   no bytes and no row.
//! - A file's row (`stored_file`) belongs to one agency; an owner links to it
//!   from a table of its own (`activity_file`). Whether a reader may see a
//!   file is the owner's rule (an activity's files are public once it is
//!   published), decided by the owner's module.
//!
//! The bytes are written before the transaction that records them commits:
//! a failed commit leaves unreferenced bytes (harmless, named by content),
//! never a row without its bytes. Several instances share the directory
//! (or another store): nothing about files lives in one process.

use chrono::{DateTime, Utc};
use entity::stored_file;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use super::error::DomainError;

/// The largest file accepted: 10 MiB, a phone photo or a scanned report.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// The largest upload request: one file at its largest with the form's
/// other fields and the multipart framing. Larger requests are cut off
/// while they are read.
pub const MAX_UPLOAD_BODY_BYTES: usize = MAX_BYTES + 256 * 1024;

/// The kinds of file the portal keeps, as recognised from their bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    Jpeg,
    Png,
    Webp,
    Pdf,
}

impl MediaType {
    pub const ALL: [MediaType; 4] = [MediaType::Jpeg, MediaType::Png, MediaType::Webp, MediaType::Pdf];

    /// What the first bytes say the file is; `None` for anything else
    /// (HTML, SVG, scripts, archives, office documents…).
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(MediaType::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(MediaType::Png)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(MediaType::Webp)
        } else if bytes.starts_with(b"%PDF-") {
            Some(MediaType::Pdf)
        } else {
            None
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Webp => "image/webp",
            MediaType::Pdf => "application/pdf",
        }
    }

    pub fn from_mime(mime: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.mime() == mime)
    }

    pub fn extension(self) -> &'static str {
        match self {
            MediaType::Jpeg => "jpg",
            MediaType::Png => "png",
            MediaType::Webp => "webp",
            MediaType::Pdf => "pdf",
        }
    }

    pub fn is_image(self) -> bool {
        !matches!(self, MediaType::Pdf)
    }
}

/// A file as it arrived: its bytes and the name the client gave.
#[derive(Debug, Clone)]
pub struct Upload {
    pub name: String,
    pub bytes: bytes::Bytes,
}

/// A file that passed the checks, ready to store.
#[derive(Debug, Clone)]
pub struct Checked {
    pub sha256: String,
    pub media_type: MediaType,
    pub name: String,
    pub bytes: bytes::Bytes,
}

/// The errors of a file, on the form's field `field`: empty, too large, or
/// of a kind the portal does not keep.
pub fn check(field: &str, upload: Upload) -> Result<Checked, DomainError> {
    if upload.bytes.is_empty() {
        return Err(DomainError::invalid(field, "file_missing"));
    }
    if upload.bytes.len() > MAX_BYTES {
        return Err(too_large(field));
    }
    let media_type = MediaType::sniff(&upload.bytes).ok_or_else(|| DomainError::invalid(field, "file_type"))?;
    Ok(Checked {
        sha256: hex::encode(Sha256::digest(&upload.bytes)),
        name: clean_name(&upload.name, media_type),
        media_type,
        bytes: upload.bytes,
    })
}

/// The refusal of a file over [`MAX_BYTES`] (also for uploads cut off while
/// they were read).
pub fn too_large(field: &str) -> DomainError {
    // The message names the limit, 10 MB, in the reader's language.
    DomainError::invalid(field, "file_too_large")
}

/// The client's file name made safe to show and to put in a header: the
/// last path segment, printable characters only (no quotes or separators),
/// at most 120 characters, with the extension of what the file really is.
pub fn clean_name(given: &str, media_type: MediaType) -> String {
    let base = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => base,
    };
    let mut clean: String = stem
        .chars()
        .filter(|c| super::validation::printable(*c) && !c.is_control())
        .map(|c| {
            if matches!(c, '"' | '\'' | ';' | '<' | '>' | '`' | '%' | '\\' | '/' | ':' | '*' | '?' | '|') {
                '_'
            } else {
                c
            }
        })
        .take(120)
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .to_owned();
    if clean.is_empty() {
        clean = "file".into();
    }
    format!("{clean}.{}", media_type.extension())
}

/// Where the bytes of files live, by their SHA-256. Several instances of the
/// portal must see the same store.
#[async_trait::async_trait]
pub trait FileStore: Send + Sync {
    /// Keeps `bytes` under `sha256` (already there: nothing to do).
    async fn put(&self, sha256: &str, bytes: &[u8]) -> std::io::Result<()>;
    /// The bytes under `sha256`, if the store has them.
    async fn get(&self, sha256: &str) -> std::io::Result<Option<Vec<u8>>>;
}

/// Writes the bytes of a checked file to the store (before the row that
/// names them is committed; see the module's documentation).
pub async fn keep(store: &dyn FileStore, file: &Checked) -> Result<(), DomainError> {
    store
        .put(&file.sha256, &file.bytes)
        .await
        .map_err(|e| DomainError::Internal(anyhow::anyhow!("storing a file: {e}")))
}

/// The agency's row for a checked file: made now, or the one it already has
/// for the same content (a unique key on agency and content; a second upload
/// is a no-op, never an error).
pub async fn record(
    db: &impl ConnectionTrait,
    agency_id: i64,
    file: &Checked,
    now: DateTime<Utc>,
) -> Result<stored_file::Model, DbErr> {
    stored_file::Entity::insert(stored_file::ActiveModel {
        agency_id: Set(agency_id),
        sha256: Set(file.sha256.clone()),
        media_type: Set(file.media_type.mime().to_owned()),
        size_bytes: Set(file.bytes.len() as i64),
        original_name: Set(file.name.clone()),
        created_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([stored_file::Column::AgencyId, stored_file::Column::Sha256]).do_nothing().to_owned(),
    )
    .do_nothing()
    .exec(db)
    .await?;
    stored_file::Entity::find()
        .filter(stored_file::Column::AgencyId.eq(agency_id))
        .filter(stored_file::Column::Sha256.eq(&file.sha256))
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the stored file just recorded".into()))
}

/// A file ready to send: its row and its bytes.
#[derive(Debug, Clone)]
pub struct Served {
    pub file: stored_file::Model,
    pub media_type: MediaType,
    pub bytes: Vec<u8>,
}

/// The bytes of a file whose owner allowed the reader to see it; `NotFound`
/// when the store has lost them.
pub async fn read(store: &dyn FileStore, file: stored_file::Model) -> Result<Served, DomainError> {
    let media_type = MediaType::from_mime(&file.media_type).ok_or(DomainError::NotFound)?;
    let bytes = store
        .get(&file.sha256)
        .await
        .map_err(|e| DomainError::Internal(anyhow::anyhow!("reading a stored file: {e}")))?
        .ok_or(DomainError::NotFound)?;
    Ok(Served { file, media_type, bytes })
}

/// A file as the public may see it: no id of who uploaded, no hash.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PublicFile {
    pub id: i64,
    pub name: String,
    pub media_type: String,
    pub size_bytes: i64,
    /// Where to fetch it (the owner's path).
    pub path: String,
}

impl PublicFile {
    pub fn is_image(&self) -> bool {
        MediaType::from_mime(&self.media_type).is_some_and(MediaType::is_image)
    }

    /// "2.4 MB", "830 KB".
    pub fn size_text(&self) -> String {
        size_text(self.size_bytes)
    }
}

pub fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_comes_from_the_bytes_not_the_name() {
        assert_eq!(MediaType::sniff(b"\xFF\xD8\xFF\xE0rest"), Some(MediaType::Jpeg));
        assert_eq!(MediaType::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(MediaType::Webp));
        assert_eq!(MediaType::sniff(b"%PDF-1.7"), Some(MediaType::Pdf));
        assert_eq!(MediaType::sniff(b"<svg onload=alert(1)>"), None);
        assert_eq!(MediaType::sniff(b"<html>"), None);
        let checked = check("file", Upload { name: "รูป.pdf".into(), bytes: b"\x89PNG\r\n\x1a\nxx"[..].into() });
        assert_eq!(checked.unwrap().name, "รูป.png");
    }

    #[test]
    fn names_lose_paths_quotes_and_control_characters() {
        assert_eq!(clean_name("../../etc/passwd", MediaType::Pdf), "passwd.pdf");
        assert_eq!(clean_name("C:\\Users\\a\\เวที \"ประชาคม\";\r\n.jpg", MediaType::Jpeg), "เวที _ประชาคม__.jpg");
        assert_eq!(clean_name("", MediaType::Png), "file.png");
        assert_eq!(clean_name(".htaccess", MediaType::Png), "htaccess.png");
    }
}

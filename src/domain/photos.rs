//! Photos of a submission: at most [`MAX_PHOTOS`], sent with the web form,
//! the API or a chat channel (LINE calls [`attach`]).
//!
//! - A photo is sniffed from its bytes (JPEG, PNG or WebP only), then
//!   decoded and encoded again: what is stored is only pixels, so EXIF (and
//!   the GPS position a phone writes into it) never reaches the store. The
//!   decoder works under limits ([`MAX_PIXELS`], [`MAX_DECODE_BYTES`]): a
//!   small file that declares a huge picture is refused before it is
//!   allocated. A thumbnail is made at the same time.
//! - Decoding is CPU work: it runs on the blocking pool, before any
//!   transaction begins ([`prepare`]).
//! - The bytes are put in the store before the transaction that records
//!   them (see `domain::files`): a failed commit leaves unreferenced bytes,
//!   never a row without its bytes. When the store cannot be written, the
//!   submission is refused with a field error on `photos` and nothing is
//!   written (the resident may send it again, with or without photos).
//! - The rows (`stored_file` for each image, `submission_photo` for the
//!   link) are written in the same transaction as the submission, or by
//!   [`attach`] in a transaction of its own on a submission already stored.
//!   The database refuses a fourth photo (a unique position 0–2).
//! - Staff decide which photos go public with the log entry; a corruption
//!   report's photos never do.

use std::io::Cursor;

use chrono::{DateTime, Utc};
use entity::enums::Kind;
use entity::{stored_file, submission, submission_photo};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};

use super::audit::{self, Action, Entry};
use super::error::DomainError;
use super::files::{self, Checked, FileStore, MediaType, Upload};
use super::write;

/// Photos a submission may have (the database's check agrees).
pub const MAX_PHOTOS: usize = 3;
/// The most pixels a photo may declare: 50 megapixels, more than any phone
/// camera takes.
pub const MAX_PIXELS: u64 = 50_000_000;
/// The most memory the decoder may take for one photo.
pub const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;
/// The longest side of a thumbnail, in pixels.
pub const THUMBNAIL_SIDE: u32 = 320;
/// The largest request with photos: every photo at its largest, with the
/// form's other fields and the multipart framing.
pub const MAX_BODY_BYTES: usize = MAX_PHOTOS * files::MAX_BYTES + 256 * 1024;
/// The form's and the API's field for photos (errors are reported on it).
pub const FIELD: &str = "photos";

/// A photo decoded and encoded again, with its thumbnail: ready to store.
#[derive(Debug, Clone)]
pub struct Photo {
    pub full: Checked,
    pub thumbnail: Checked,
}

impl serde::Serialize for Photo {
    /// A photo in a request's fingerprint is its content's hash (the same
    /// photo encodes to the same bytes).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.full.sha256)
    }
}

/// Checks, decodes and re-encodes each upload (on the blocking pool), all
/// or none: one refused photo refuses the lot, with its reason on `photos`.
pub async fn prepare_all(uploads: Vec<Upload>) -> Result<Vec<Photo>, DomainError> {
    if uploads.len() > MAX_PHOTOS {
        return Err(too_many());
    }
    let mut photos = Vec::with_capacity(uploads.len());
    for upload in uploads {
        photos.push(prepare(upload).await?);
    }
    Ok(photos)
}

/// One photo: sniffed, decoded under limits, re-encoded without metadata,
/// with its thumbnail.
pub async fn prepare(upload: Upload) -> Result<Photo, DomainError> {
    if upload.bytes.is_empty() {
        return Err(DomainError::invalid(FIELD, "file_missing"));
    }
    if upload.bytes.len() > files::MAX_BYTES {
        return Err(files::too_large(FIELD));
    }
    let format = match MediaType::sniff(&upload.bytes) {
        Some(MediaType::Jpeg) => ImageFormat::Jpeg,
        Some(MediaType::Png) => ImageFormat::Png,
        Some(MediaType::Webp) => ImageFormat::WebP,
        Some(MediaType::Pdf) | None => return Err(DomainError::invalid(FIELD, "photo_type")),
    };
    let name = upload.name;
    let bytes = upload.bytes;
    tokio::task::spawn_blocking(move || reencode(&name, &bytes, format))
        .await
        .map_err(|e| DomainError::Internal(anyhow::anyhow!("decoding a photo: {e}")))?
}

/// The decoding and encoding itself (blocking).
fn reencode(name: &str, bytes: &[u8], format: ImageFormat) -> Result<Photo, DomainError> {
    let picture = decode(bytes, format)?;
    // PNG keeps its lossless pixels (screenshots, drawings); photos are JPEG.
    let (kept, media_type) = match format {
        ImageFormat::Png => (encode(&picture, ImageFormat::Png)?, MediaType::Png),
        _ => (encode(&DynamicImage::ImageRgb8(picture.to_rgb8()), ImageFormat::Jpeg)?, MediaType::Jpeg),
    };
    // `thumbnail` would enlarge a small picture; one that fits is kept as is.
    let small = if picture.width() > THUMBNAIL_SIDE || picture.height() > THUMBNAIL_SIDE {
        picture.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
    } else {
        picture.clone()
    };
    let thumbnail = encode(&DynamicImage::ImageRgb8(small.to_rgb8()), ImageFormat::Jpeg)?;
    let full = files::check(FIELD, Upload { name: name.to_owned(), bytes: kept.into() })?;
    let stem = files::clean_name(name, media_type);
    let stem = stem.rsplit_once('.').map_or(stem.as_str(), |(stem, _)| stem);
    let thumbnail = files::check(FIELD, Upload { name: format!("{stem}-thumbnail.jpg"), bytes: thumbnail.into() })?;
    Ok(Photo { full, thumbnail })
}

/// Decodes under limits, turned the way the camera said (the orientation
/// is in the EXIF that is about to be dropped).
fn decode(bytes: &[u8], format: ImageFormat) -> Result<DynamicImage, DomainError> {
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(refusal)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS || decoder.total_bytes() > MAX_DECODE_BYTES {
        return Err(DomainError::invalid(FIELD, "photo_too_many_pixels"));
    }
    let orientation = decoder.orientation().map_err(refusal)?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(refusal)?;
    picture.apply_orientation(orientation);
    Ok(picture)
}

/// A decoder's error as the resident's: too large to decode, or not a
/// picture it can read.
fn refusal(err: image::ImageError) -> DomainError {
    match err {
        image::ImageError::Limits(_) => DomainError::invalid(FIELD, "photo_too_many_pixels"),
        _ => DomainError::invalid(FIELD, "photo_unreadable"),
    }
}

fn encode(picture: &DynamicImage, format: ImageFormat) -> Result<Vec<u8>, DomainError> {
    let mut out = Cursor::new(Vec::new());
    picture.write_to(&mut out, format).map_err(|e| DomainError::Internal(anyhow::anyhow!("encoding a photo: {e}")))?;
    Ok(out.into_inner())
}

fn too_many() -> DomainError {
    DomainError::invalid(FIELD, "too_many_photos")
}

/// Puts every photo's bytes (and thumbnail) in the store. A store that
/// cannot be written refuses the photos, so the caller stores nothing.
pub async fn keep_all(store: &dyn FileStore, photos: &[Photo]) -> Result<(), DomainError> {
    for photo in photos {
        for file in [&photo.full, &photo.thumbnail] {
            if let Err(err) = files::keep(store, file).await {
                tracing::error!(error = %err, "the file store refused a photo");
                return Err(DomainError::invalid(FIELD, "photo_storage_unavailable"));
            }
        }
    }
    Ok(())
}

/// Records photos (already kept) of a submission, from `first` on, in the
/// caller's transaction. A position taken (a fourth photo, or two writers
/// at once) breaks the unique key: the caller's transaction fails.
pub(crate) async fn link(
    txn: &impl ConnectionTrait,
    agency_id: i64,
    submission_id: i64,
    photos: &[Photo],
    first: usize,
    now: DateTime<Utc>,
) -> Result<Vec<submission_photo::Model>, sea_orm::DbErr> {
    let mut linked = Vec::with_capacity(photos.len());
    for (offset, photo) in photos.iter().enumerate() {
        let full = files::record(txn, agency_id, &photo.full, now).await?;
        let thumbnail = files::record(txn, agency_id, &photo.thumbnail, now).await?;
        let row = submission_photo::ActiveModel {
            agency_id: Set(agency_id),
            submission_id: Set(submission_id),
            stored_file_id: Set(full.id),
            thumbnail_id: Set(thumbnail.id),
            position: Set(i16::try_from(first + offset).unwrap_or(i16::MAX)),
            published: Set(false),
            added_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        linked.push(row);
    }
    Ok(linked)
}

/// Adds one photo to a submission already stored: for a channel whose
/// photos come after the text (a LINE image message). The photo is decoded
/// and kept first, then linked in a transaction of its own; a submission
/// with [`MAX_PHOTOS`] already refuses it (`photos: too_many_photos`), as
/// does a submission of another agency (`NotFound`). The resident is the
/// actor: the submission's timeline is not changed, the photo row carries
/// the time it came, and the audit log an entry by "resident".
pub async fn attach(
    db: &DatabaseConnection,
    store: &dyn FileStore,
    agency_id: i64,
    submission_id: i64,
    upload: Upload,
    now: DateTime<Utc>,
) -> Result<submission_photo::Model, DomainError> {
    let photo = prepare(upload).await?;
    let item = submission::Entity::find_by_id(submission_id)
        .filter(submission::Column::AgencyId.eq(agency_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound)?;
    keep_all(store, std::slice::from_ref(&photo)).await?;
    let txn = write::begin(db, agency_id).await?;
    let taken = submission_photo::Entity::find()
        .filter(submission_photo::Column::AgencyId.eq(agency_id))
        .filter(submission_photo::Column::SubmissionId.eq(submission_id))
        .count(&txn)
        .await? as usize;
    if taken >= MAX_PHOTOS {
        return Err(too_many());
    }
    let mut linked = link(&txn, agency_id, submission_id, std::slice::from_ref(&photo), taken, now)
        .await
        .map_err(|err| DomainError::unique_as(err, FIELD, "too_many_photos"))?;
    let entry = Entry::new(Action::PhotoAdded).on("submission", item.id).detail(item.tracking_code);
    audit::append(&txn, agency_id, None, "resident", entry, None, now).await?;
    txn.commit().await?;
    linked.pop().ok_or_else(|| DomainError::Internal(anyhow::anyhow!("a photo was linked but not returned")))
}

/// A photo as staff see it on the submission's page.
#[derive(Debug, Clone)]
pub struct StaffPhoto {
    pub id: i64,
    pub position: i16,
    pub published: bool,
    pub name: String,
    pub size_bytes: i64,
}

impl StaffPhoto {
    pub fn size_text(&self) -> String {
        files::size_text(self.size_bytes)
    }
}

/// The photos of a submission (in the agency), in order, with their files.
pub async fn of_submission(
    db: &impl ConnectionTrait,
    agency_id: i64,
    submission_id: i64,
) -> Result<Vec<StaffPhoto>, sea_orm::DbErr> {
    let rows = submission_photo::Entity::find()
        .filter(submission_photo::Column::AgencyId.eq(agency_id))
        .filter(submission_photo::Column::SubmissionId.eq(submission_id))
        .order_by_asc(submission_photo::Column::Position)
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|row| row.stored_file_id).collect();
    let stored: std::collections::HashMap<i64, stored_file::Model> = stored_file::Entity::find()
        .filter(stored_file::Column::AgencyId.eq(agency_id))
        .filter(stored_file::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|file| (file.id, file))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let file = stored.get(&row.stored_file_id)?;
            Some(StaffPhoto {
                id: row.id,
                position: row.position,
                published: row.published,
                name: file.original_name.clone(),
                size_bytes: file.size_bytes,
            })
        })
        .collect())
}

/// Which image of a photo to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    Full,
    Thumbnail,
}

/// One photo's row, in the agency and of the submission named.
async fn photo_of(
    db: &impl ConnectionTrait,
    agency_id: i64,
    submission_id: i64,
    photo_id: i64,
) -> Result<submission_photo::Model, DomainError> {
    submission_photo::Entity::find_by_id(photo_id)
        .filter(submission_photo::Column::AgencyId.eq(agency_id))
        .filter(submission_photo::Column::SubmissionId.eq(submission_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound)
}

/// The image of a photo, once its owner's rule let the reader see it.
async fn serve(
    db: &impl ConnectionTrait,
    store: &dyn FileStore,
    photo: &submission_photo::Model,
    size: Size,
) -> Result<files::Served, DomainError> {
    let id = match size {
        Size::Full => photo.stored_file_id,
        Size::Thumbnail => photo.thumbnail_id,
    };
    let file = stored_file::Entity::find_by_id(id)
        .filter(stored_file::Column::AgencyId.eq(photo.agency_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound)?;
    files::read(store, file).await
}

/// A photo for a staff member who may see the submission. A corruption
/// report's photos are sealed like its reporter's identity: only those who
/// may reveal it see them, and every look is audited.
pub async fn for_staff(
    db: &DatabaseConnection,
    store: &dyn FileStore,
    actor: &super::actor::Staff,
    submission_id: i64,
    photo_id: i64,
    size: Size,
    now: DateTime<Utc>,
) -> Result<files::Served, DomainError> {
    let item = submission::Entity::find_by_id(submission_id)
        .filter(submission::Column::AgencyId.eq(actor.agency_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound)?;
    if !super::permissions::can_view(actor, &item) {
        return Err(DomainError::Forbidden);
    }
    let sealed = item.kind == Kind::Corruption;
    if sealed && !super::permissions::can_see_contact(actor, &item) {
        return Err(DomainError::Forbidden);
    }
    let photo = photo_of(db, actor.agency_id, submission_id, photo_id).await?;
    let served = serve(db, store, &photo, size).await?;
    if sealed {
        let entry = Entry::new(Action::SealedPhotoViewed).on("submission", item.id).detail(format!(
            "{} #{}",
            item.tracking_code,
            photo.position + 1
        ));
        let txn = write::begin(db, actor.agency_id).await?;
        audit::record(&txn, actor, entry, now).await?;
        txn.commit().await?;
    }
    Ok(served)
}

/// A photo for anyone: only a published photo of a submission whose log
/// entry is live (`NotFound` otherwise, so nothing tells it exists).
pub async fn for_public(
    db: &impl ConnectionTrait,
    store: &dyn FileStore,
    agency_id: i64,
    tracking_code: &str,
    photo_id: i64,
    size: Size,
) -> Result<files::Served, DomainError> {
    let item = super::participation::public::live_submission(db, agency_id, tracking_code)
        .await?
        .ok_or(DomainError::NotFound)?;
    let photo = photo_of(db, agency_id, item.id, photo_id).await?;
    if !photo.published || item.kind == Kind::Corruption {
        return Err(DomainError::NotFound);
    }
    serve(db, store, &photo, size).await
}

/// The ids of a live entry's published photos, in order (for the public
/// log's page).
pub async fn published_ids(
    db: &impl ConnectionTrait,
    agency_id: i64,
    submission_id: i64,
) -> Result<Vec<i64>, sea_orm::DbErr> {
    Ok(submission_photo::Entity::find()
        .filter(submission_photo::Column::AgencyId.eq(agency_id))
        .filter(submission_photo::Column::SubmissionId.eq(submission_id))
        .filter(submission_photo::Column::Published.eq(true))
        .order_by_asc(submission_photo::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.id)
        .collect())
}

/// Sets which photos of a submission are public (in the publishing
/// transaction): those whose ids are in `chosen`, no others. A corruption
/// report's photos are never public.
pub(crate) async fn choose_published(
    txn: &impl ConnectionTrait,
    item: &submission::Model,
    chosen: &[i64],
) -> Result<(), sea_orm::DbErr> {
    let of_item = || {
        submission_photo::Entity::update_many()
            .filter(submission_photo::Column::AgencyId.eq(item.agency_id))
            .filter(submission_photo::Column::SubmissionId.eq(item.id))
    };
    of_item().col_expr(submission_photo::Column::Published, Expr::value(false)).exec(txn).await?;
    if item.kind != Kind::Corruption && !chosen.is_empty() {
        of_item()
            .filter(submission_photo::Column::Id.is_in(chosen.to_vec()))
            .col_expr(submission_photo::Column::Published, Expr::value(true))
            .exec(txn)
            .await?;
    }
    Ok(())
}

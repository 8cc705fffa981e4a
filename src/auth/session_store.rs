//! tower-sessions records kept in the portal's own database (SQLite or
//! PostgreSQL, through SeaORM), so one pool and one migration set serve both.

use chrono::{DateTime, Utc};
use entity::staff_session;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

#[derive(Debug, Clone)]
pub struct DbSessionStore {
    db: DatabaseConnection,
}

impl DbSessionStore {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Removes sessions whose expiry has passed.
    pub async fn delete_expired(&self) -> Result<u64, sea_orm::DbErr> {
        let result = staff_session::Entity::delete_many()
            .filter(staff_session::Column::ExpiresAt.lt(Utc::now()))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected)
    }
}

fn backend(err: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(err.to_string())
}

fn expiry(record: &Record) -> Result<DateTime<Utc>, session_store::Error> {
    DateTime::from_timestamp(record.expiry_date.unix_timestamp(), 0).ok_or_else(|| backend("expiry out of range"))
}

#[async_trait::async_trait]
impl SessionStore for DbSessionStore {
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let row = staff_session::ActiveModel {
            id: Set(record.id.to_string()),
            data: Set(data),
            expires_at: Set(expiry(record)?),
        };
        staff_session::Entity::insert(row)
            .on_conflict(
                OnConflict::column(staff_session::Column::Id)
                    .update_columns([staff_session::Column::Data, staff_session::Column::ExpiresAt])
                    .to_owned(),
            )
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row = staff_session::Entity::find_by_id(id.to_string())
            .filter(staff_session::Column::ExpiresAt.gt(Utc::now()))
            .one(&self.db)
            .await
            .map_err(backend)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let data = serde_json::from_str(&row.data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(row.expires_at.timestamp())
            .map_err(|e| backend(e.to_string()))?;
        Ok(Some(Record { id: *id, data, expiry_date }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        staff_session::Entity::delete_by_id(id.to_string()).exec(&self.db).await.map_err(backend)?;
        Ok(())
    }
}

//! SeaORM entities of Siang. Each table has its own module; enums shared by
//! several tables (kinds, statuses, channels) live in `enums`.

pub mod activity;
pub mod activity_file;
pub mod activity_indicator;
pub mod activity_submission;
pub mod agency;
pub mod app_setting;
pub mod audit_log;
pub mod complaint_guide;
pub mod contact;
pub mod corruption_detail;
pub mod department;
pub mod enums;
pub mod erasure_request;
pub mod inbox_tally;
pub mod ita_item;
pub mod itas_survey;
pub mod line_conversation;
pub mod line_webhook_event;
pub mod login_failure;
pub mod measure;
pub mod measure_activity;
pub mod measure_note;
pub mod measure_submission;
pub mod open311_client;
pub mod outbox_message;
pub mod plan_analysis;
pub mod publication;
pub mod retention_policy;
pub mod service;
pub mod service_step;
pub mod staff_session;
pub mod staff_user;
pub mod stored_file;
pub mod submission;
pub mod submission_event;
pub mod submission_indicator;
pub mod submission_photo;
pub mod submission_rating;
pub mod submission_request;
pub mod submission_verdict;
pub mod tally;
pub mod tracking_counter;

pub mod prelude {
    pub use super::agency::Entity as Agency;
    pub use super::app_setting::Entity as AppSetting;
    pub use super::audit_log::Entity as AuditLog;
    pub use super::contact::Entity as Contact;
    pub use super::corruption_detail::Entity as CorruptionDetail;
    pub use super::department::Entity as Department;
    pub use super::service::Entity as Service;
    pub use super::service_step::Entity as ServiceStep;
    pub use super::staff_session::Entity as StaffSession;
    pub use super::staff_user::Entity as StaffUser;
    pub use super::submission::Entity as Submission;
    pub use super::submission_event::Entity as SubmissionEvent;
    pub use super::submission_indicator::Entity as SubmissionIndicator;
    pub use super::submission_rating::Entity as SubmissionRating;
    pub use super::tracking_counter::Entity as TrackingCounter;
}

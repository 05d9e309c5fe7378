//! Database entities of the water & sewerage portal (SeaORM models).
//!
//! These are storage shapes only: the GraphQL types live beside each domain
//! service in the main crate, so a column can change without changing the API.

pub mod app_secret;
pub mod audit_log;
pub mod bill;
pub mod bill_line_item;
pub mod data_import;
pub mod document;
pub mod email_change;
pub mod mail_outbox;
pub mod member;
pub mod meter_reading;
pub mod notice;
pub mod notice_read;
pub mod password_reset;
pub mod registration;
pub mod reset_letter;
pub mod secret_question;
pub mod service_location;
pub mod session;
pub mod sign_in_link;
pub mod staff;
pub mod throttle;
pub mod types;
pub mod usage_alert;

//! Integration tests: the real service on port 0, a fresh database per
//! test, and the clients' documents sent over HTTP. One binary for all
//! areas keeps link time down.

mod abuse;
mod auth;
mod billing;
mod charges;
mod contract;
mod dashboard;
mod documents;
mod edge;
mod helpers;
mod import;
mod language;
mod letters;
mod mail;
mod membership;
mod notices;
mod pdf_text;
mod portal;
mod replica;
mod scale;
mod schema;
mod support;
mod usage_alerts;

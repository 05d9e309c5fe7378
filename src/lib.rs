//! The GraphQL backend of the Kanazawa-style water & sewerage customer
//! portal: member pages (bills, usage, notices) over one GraphQL endpoint.
//!
//! `src/` is split by domain, each with its service (plain async functions
//! over a connection) and its GraphQL types; `graphql` only assembles the
//! schema and `http` is the thin edge in front of it.

pub mod accounts;
pub mod auth;
pub mod billing;
pub mod city;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod documents;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod housekeeping;
pub mod http;
pub mod i18n;
pub mod import;
pub mod mail;
pub mod net;
pub mod notices;
pub mod portal;
pub mod secrets;
pub mod security;
pub mod startup;
pub mod support;

//! Members and their service locations: the account pages and everything
//! a member does with their membership.

pub mod graphql;
mod locations;
mod mails;
pub mod mutations;
mod recovery;
mod registration;
pub mod service;
mod settings;
mod withdrawal;

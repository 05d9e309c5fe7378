//! Members and their service locations: the account pages and everything
//! a member does with their membership.

pub mod locations;
mod mails;
pub mod recovery;
pub mod registration;
pub mod service;
pub mod settings;
pub mod withdrawal;

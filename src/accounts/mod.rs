//! Members and their service locations.

pub mod graphql;
pub mod service;

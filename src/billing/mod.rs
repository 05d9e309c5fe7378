//! Bills, meter readings and usage: what a member pays and uses, and the
//! tariff that turns one into the other.

pub mod alerts;
pub mod comparison;
pub mod explain;
pub mod export;
pub mod schedule;
pub mod service;
pub mod tariff;

//! Notices (お知らせ) from the water bureau and members' read marks.

pub mod service;

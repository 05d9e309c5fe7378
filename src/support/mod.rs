//! Support staff (窓口・コールセンター): looking members up, unlocking
//! them, and the audit log of every such read and action. Staff accounts
//! are separate from members and managed from the command line.

pub mod cli;
pub mod letters;
pub mod member_view;
pub mod search;
pub mod service;

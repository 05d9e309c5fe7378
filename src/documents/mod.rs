//! 書類ダウンロード: the PDF documents the bureau sends members, listed
//! over GraphQL and downloaded over plain HTTP by their owner only.

pub mod pdf;
pub mod service;
pub mod storage;

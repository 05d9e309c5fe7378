//! Relay connection arguments: `first` is capped, cursors are opaque.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::BadInput;
use crate::error::{AppError, AppResult};

/// Most items one page may hold.
pub const MAX_PAGE: i32 = 100;
/// Items in a page when `first` is not given.
pub const DEFAULT_PAGE: i32 = 20;

/// Checks `first` against the cap.
pub fn page_size(first: Option<i32>) -> AppResult<u64> {
    let first = first.unwrap_or(DEFAULT_PAGE);
    if !(0..=MAX_PAGE).contains(&first) {
        return Err(AppError::BadRequest(BadInput::PageSize {
            max: MAX_PAGE as u32,
        }));
    }
    Ok(first as u64)
}

/// Wraps a sort key as an opaque cursor.
pub fn encode_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key.as_bytes())
}

/// Reads back a sort key; a cursor the service did not make is a bad request.
pub fn decode_cursor(cursor: &str) -> AppResult<String> {
    URL_SAFE_NO_PAD
        .decode(cursor.as_bytes())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| AppError::BadRequest(BadInput::Cursor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_is_capped_at_one_hundred() {
        assert_eq!(page_size(None).expect("default"), 20);
        assert_eq!(page_size(Some(100)).expect("cap"), 100);
        assert!(page_size(Some(101)).is_err());
        assert!(page_size(Some(-1)).is_err());
    }

    #[test]
    fn cursors_round_trip_and_foreign_ones_are_refused() {
        assert_eq!(
            decode_cursor(&encode_cursor("2026-11")).expect("ours"),
            "2026-11"
        );
        assert!(decode_cursor("not base64!").is_err());
    }
}

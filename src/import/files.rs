//! Feed files the database already holds byte for byte. The billing
//! system sends some files every night whether or not they changed (the
//! location master, a month's bills again); each file's SHA-256 is kept
//! as it was last applied (`import_files`, written in the import's own
//! transaction), and a file that comes again unchanged is not staged and
//! compared row by row. Only the files whose rows nothing but the feed
//! writes are skipped this way; notices (their addressees depend on who
//! holds a location now) and documents (their PDFs may change on their
//! own) are always read.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use sha2::{Digest, Sha256};

use super::parse::{self, RowError};
use super::stage::{exec, statement};
use crate::error::AppResult;

/// The files that may be skipped when unchanged.
const SKIPPABLE: [&str; 5] = [
    parse::LOCATIONS,
    parse::READINGS,
    parse::BILLS,
    parse::LINE_ITEMS,
    parse::PAYMENTS,
];

/// This feed's fingerprints, and which files the database holds already.
#[derive(Debug, Default)]
pub struct Fingerprints {
    current: Vec<(&'static str, String)>,
    stored: HashMap<String, String>,
}

/// A file's SHA-256, streamed; None when it cannot be read (the staging
/// then reports why).
fn sha256(path: &Path) -> Option<String> {
    let mut file = std::fs::File::open(path).ok()?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).ok()?;
    Some(hex::encode(hasher.finalize()))
}

/// The fingerprints of the skippable files present in `dir`.
fn hash_files(dir: &Path) -> Vec<(&'static str, String)> {
    SKIPPABLE
        .iter()
        .filter_map(|name| Some((*name, sha256(&dir.join(name))?)))
        .collect()
}

impl Fingerprints {
    /// Reads the fingerprints of the feed in `dir` and of the files as
    /// last applied.
    pub async fn read(db: &impl ConnectionTrait, dir: &Path) -> AppResult<Self> {
        #[derive(FromQueryResult)]
        struct Stored {
            name: String,
            sha256: String,
        }
        let current = hash_files(dir);
        let stored = Stored::find_by_statement(statement(
            db.get_database_backend(),
            "SELECT name, sha256 FROM import_files",
            vec![],
        ))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.name, s.sha256))
        .collect();
        Ok(Self { current, stored })
    }

    /// Whether `file` is, byte for byte, the one last applied.
    pub fn unchanged(&self, file: &str) -> bool {
        self.current
            .iter()
            .any(|(name, sha)| *name == file && self.stored.get(*name) == Some(sha))
    }

    /// The files skipped, for the operator.
    pub fn skipped(&self) -> Vec<&'static str> {
        self.current
            .iter()
            .map(|(name, _)| *name)
            .filter(|name| self.unchanged(name))
            .collect()
    }

    /// The files read that changed in `dir` since their fingerprints were
    /// taken (while the import read them): what was applied may not be
    /// what would be recorded, so the import is refused whole.
    pub fn changed_since(&self, dir: &Path) -> Vec<RowError> {
        // A skipped file was not read: nothing of it was applied, and
        // its fingerprint is not recorded again.
        self.current
            .iter()
            .filter(|(name, sha)| {
                !self.unchanged(name) && sha256(&dir.join(name)).as_ref() != Some(sha)
            })
            .map(|(name, _)| RowError {
                file: name,
                line: 0,
                field: "-".into(),
                message: "changed while it was being imported; import it again".into(),
            })
            .collect()
    }

    /// Records the feed's files as applied (in the import's transaction).
    pub async fn record(&self, db: &impl ConnectionTrait, now: DateTime<Utc>) -> AppResult<()> {
        for (name, sha) in &self.current {
            if self.unchanged(name) {
                continue;
            }
            exec(
                db,
                "INSERT INTO import_files (name, sha256, imported_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (name) DO UPDATE SET sha256 = excluded.sha256, imported_at = excluded.imported_at",
                vec![(*name).into(), sha.clone().into(), now.into()],
            )
            .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_while_it_was_read_is_named() {
        let dir = std::env::temp_dir().join(format!("water-portal-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join(parse::BILLS), "customer_number\n1\n").expect("write");
        std::fs::write(dir.join(parse::PAYMENTS), "customer_number\n1\n").expect("write");
        let files = Fingerprints {
            current: hash_files(&dir),
            stored: HashMap::new(),
        };
        assert!(files.changed_since(&dir).is_empty());
        std::fs::write(dir.join(parse::BILLS), "customer_number\n2\n").expect("write");
        let changed = files.changed_since(&dir);
        std::fs::remove_dir_all(&dir).expect("clean up");
        assert_eq!(changed.len(), 1);
        assert_eq!(changed[0].file, parse::BILLS);
    }
}

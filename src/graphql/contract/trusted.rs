//! The trusted-document manifest: every document the portal's clients
//! were ever released with, by id, kept in `playground/trusted-documents.json`
//! and compiled in. It only grows: apps in members' phones keep sending the
//! documents they were built with, so an id leaves only when it is retired
//! on purpose (an entry's `retired` date and reason).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::document_id;

const BUNDLED: &str = include_str!("../../../playground/trusted-documents.json");

/// Where the manifest and the operations live in a checkout.
pub const MANIFEST_PATH: &str = "playground/trusted-documents.json";
pub const OPERATIONS_DIR: &str = "playground/operations";

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Manifest {
    pub about: String,
    pub documents: Vec<Entry>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Entry {
    /// `sha256:` and the hex SHA-256 of `text`'s bytes.
    pub id: String,
    /// The file of `playground/operations/` it was released as.
    pub file: String,
    /// When it was first trusted (YYYY-MM-DD).
    pub added: String,
    /// When and why it stopped being trusted; absent while trusted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired: Option<Retired>,
    pub text: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Retired {
    pub on: String,
    pub reason: String,
}

impl Manifest {
    /// The manifest compiled into this build.
    pub fn bundled() -> Result<Self, String> {
        serde_json::from_str(BUNDLED).map_err(|e| format!("{MANIFEST_PATH}: {e}"))
    }

    /// The documents trusted now.
    pub fn active(&self) -> impl Iterator<Item = &Entry> {
        self.documents.iter().filter(|e| e.retired.is_none())
    }

    /// What client builds use: id → file of every trusted document.
    pub fn ids(&self) -> BTreeMap<&str, &str> {
        self.active()
            .map(|e| (e.id.as_str(), e.file.as_str()))
            .collect()
    }

    /// Adds an entry for every file of `dir` whose exact text is not in
    /// the manifest yet; returns the files added. Nothing is removed.
    pub fn add_new_texts(&mut self, dir: &Path, today: &str) -> Result<Vec<String>, String> {
        let mut added = Vec::new();
        for (file, text) in read_operations(dir)? {
            let id = document_id(&text);
            if self.documents.iter().any(|e| e.id == id) {
                continue;
            }
            self.documents.push(Entry {
                id,
                file: file.clone(),
                added: today.to_string(),
                retired: None,
                text,
            });
            added.push(file);
        }
        Ok(added)
    }

    pub fn to_pretty_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// The `.graphql` files of a folder, by name, with their exact text.
pub fn read_operations(dir: &Path) -> Result<Vec<(String, String)>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".graphql") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path())
            .map_err(|e| format!("{}: {e}", entry.path().display()))?;
        files.push((name, text));
    }
    files.sort();
    Ok(files)
}

/// `water-portal operations [update]`: prints the manifest's ids, or adds
/// the new texts of `playground/operations/` to it (run in a checkout).
pub fn run_cli(args: &[String]) -> Result<String, String> {
    match args {
        [] => {
            let manifest = Manifest::bundled()?;
            serde_json::to_string_pretty(&manifest.ids()).map_err(|e| e.to_string())
        }
        [update] if update == "update" => {
            let text = std::fs::read_to_string(MANIFEST_PATH)
                .map_err(|e| format!("{MANIFEST_PATH}: {e} (run this in a checkout)"))?;
            let mut manifest: Manifest =
                serde_json::from_str(&text).map_err(|e| format!("{MANIFEST_PATH}: {e}"))?;
            let today = crate::clock::now()
                .with_timezone(&chrono_tz::Asia::Tokyo)
                .format("%Y-%m-%d")
                .to_string();
            let added = manifest.add_new_texts(Path::new(OPERATIONS_DIR), &today)?;
            std::fs::write(MANIFEST_PATH, manifest.to_pretty_json())
                .map_err(|e| format!("{MANIFEST_PATH}: {e}"))?;
            Ok(if added.is_empty() {
                "no new documents".to_string()
            } else {
                format!("trusted new texts of: {}", added.join(", "))
            })
        }
        _ => Err("usage: water-portal operations [update]".to_string()),
    }
}

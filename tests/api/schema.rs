//! The API contract: the committed schema snapshot and the clients'
//! documents kept in `playground/operations/`.

use async_graphql::parser::parse_query;
use serde_json::json;

use crate::helpers::{operations, spawn_app};

#[tokio::test]
async fn the_served_schema_matches_the_committed_snapshot() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .unwrap_or_default();
    let served = water_portal::graphql::sdl();
    assert!(
        committed == served,
        "schema.graphql differs from the served schema; if the change is intended, run\n\n    \
         cargo run -q -- schema > schema.graphql\n\nand commit the file"
    );
}

#[tokio::test]
async fn every_playground_document_validates_and_runs() {
    let app = spawn_app().await;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/playground/operations");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .expect("operations folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".graphql"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{files:?}");
    let token = app.login_demo().await;
    for file in files {
        let text = operations(&file);
        let doc = parse_query(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        for (name, _) in doc.operations.iter() {
            let name = name.map(|n| n.to_string()).unwrap_or_default();
            if name == "Logout" {
                continue; // would end the session the others use
            }
            // Without variables, a required variable is missing (a request
            // error naming it) or resolvers refuse at their arguments; any
            // other error with no path is a failure of the document itself.
            let res = app.op(&text, &name, json!({}), Some(&token)).await;
            if let Some(errors) = res.body["errors"].as_array() {
                for error in errors {
                    let missing_variable = error["message"]
                        .as_str()
                        .is_some_and(|m| m.starts_with("missing value for non-null variable"));
                    assert!(
                        missing_variable || error["path"].as_array().is_some_and(|p| !p.is_empty()),
                        "{file} {name}: {error}"
                    );
                }
            }
        }
    }
}

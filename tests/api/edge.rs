//! Protection at the HTTP edge, health, metrics and the playground.

use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::json;

use crate::helpers::{Gql, operations, spawn_app};

#[tokio::test]
async fn queries_work_over_get_but_mutations_are_refused() {
    let app = spawn_app().await;
    let query = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "{ portalStatus { open } }")])
        .send()
        .await
        .expect("sent");
    let query = Gql::from_response(query).await;
    assert_eq!(query.data()["portalStatus"]["open"], true);

    let token = app.login_demo().await;
    let mutation = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "mutation { logout { success } }")])
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .expect("sent");
    let mutation = Gql::from_response(mutation).await;
    assert_eq!(mutation.status, 405);
    assert_eq!(mutation.error_codes(), vec!["BAD_REQUEST"]);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM sessions WHERE revoked_at IS NULL")
            .await,
        1,
        "the session was not logged out"
    );
}

#[tokio::test]
async fn only_json_posts_are_accepted() {
    let app = spawn_app().await;
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ] {
        let res = app
            .client
            .post(app.url("/graphql"))
            .header("content-type", content_type)
            .body(r#"{"query":"mutation { logout { success } }"}"#)
            .send()
            .await
            .expect("sent");
        let res = Gql::from_response(res).await;
        assert_eq!(res.status, 415, "{content_type}");
        assert_eq!(res.error_codes(), vec!["BAD_REQUEST"]);
    }
}

#[tokio::test]
async fn batches_and_oversized_bodies_are_refused() {
    let app = spawn_app().await;
    let batch = app
        .client
        .post(app.url("/graphql"))
        .json(&json!([{ "query": "{ portalStatus { open } }" }, { "query": "{ portalStatus { open } }" }]))
        .send()
        .await
        .expect("sent");
    let batch = Gql::from_response(batch).await;
    assert_eq!(batch.status, 400);
    assert_eq!(batch.error_codes(), vec!["BAD_REQUEST"]);

    let huge = format!("{{ portalStatus {{ open }} }} # {}", "x".repeat(100 * 1024));
    let res = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": huge }))
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status().as_u16(), 413);
}

#[tokio::test]
async fn aliased_typenames_count_toward_the_cost_and_deep_queries_and_bad_json_are_refused() {
    let app = spawn_app().await;
    let aliases: String = (0..1000).map(|i| format!("a{i}: __typename ")).collect();
    let res = app
        .post(
            json!({ "query": format!("{{ {aliases} }}") }),
            HeaderMap::new(),
        )
        .await;
    assert_eq!(
        res.body["extensions"]["cost"]["requestedQueryCost"], 1000,
        "{}",
        res.body
    );

    // Bill.serviceLocation.latestBill... cycles: deeper than any client goes.
    let cycle = "latestBill { serviceLocation { ".repeat(8);
    let nested = format!(
        "{{ me {{ serviceLocations {{ {cycle} id {} }} }} }}",
        "} }".repeat(8)
    );
    let res = app.post(json!({ "query": nested }), HeaderMap::new()).await;
    assert_eq!(res.error_codes(), vec!["BAD_REQUEST"], "{}", res.body);
    assert!(res.body["data"].is_null());

    let res = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status().as_u16(), 400);
}

#[tokio::test]
async fn a_database_failure_answers_internal_without_its_detail() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    app.sql("DROP TABLE notice_reads").await;
    let res = app.dashboard(&token).await;
    assert!(
        res.error_codes().contains(&"INTERNAL".to_string()),
        "{}",
        res.body
    );
    let text = res.body.to_string().to_lowercase();
    for leak in [
        "notice_reads",
        "no such table",
        "does not exist",
        "sqlx",
        "select",
    ] {
        assert!(!text.contains(leak), "error leaks {leak:?}: {text}");
    }
}

#[tokio::test]
async fn health_and_metrics_answer() {
    let app = spawn_app().await;
    let health = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("sent");
    assert_eq!(health.status().as_u16(), 200);
    assert!(app.statements().await > 0);
}

#[tokio::test]
async fn the_playground_is_served_from_local_assets() {
    let app = spawn_app().await;
    let page = app
        .client
        .get(app.url("/playground"))
        .send()
        .await
        .expect("sent");
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("/playground/assets/graphiql.min.js"));
    assert!(
        !html.contains("https://"),
        "the page loads nothing from elsewhere"
    );

    let js = app
        .client
        .get(app.url("/playground/assets/graphiql.min.js"))
        .send()
        .await
        .expect("sent");
    assert_eq!(js.status().as_u16(), 200);
    assert!(
        js.headers()["content-type"]
            .to_str()
            .expect("ct")
            .starts_with("text/javascript")
    );
    assert_eq!(
        js.headers()["x-content-type-options"],
        HeaderValue::from_static("nosniff")
    );

    let index: Vec<String> = app
        .client
        .get(app.url("/playground/operations/index.json"))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    // Every document kept in playground/operations/ is offered.
    let mut on_disk: Vec<String> = std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/playground/operations"
    ))
    .expect("folder")
    .filter_map(|e| e.ok())
    .map(|e| e.file_name().to_string_lossy().into_owned())
    .filter(|n| n.ends_with(".graphql"))
    .collect();
    on_disk.sort();
    let mut offered = index.clone();
    offered.sort();
    assert_eq!(offered, on_disk);
    for file in &index {
        let text = app
            .client
            .get(app.url(&format!("/playground/operations/{file}")))
            .send()
            .await
            .expect("sent")
            .text()
            .await
            .expect("text");
        assert_eq!(text, operations(file));
    }
    let missing = app
        .client
        .get(app.url("/playground/assets/nope.js"))
        .send()
        .await
        .expect("sent");
    assert_eq!(missing.status().as_u16(), 404);
}

/// The introspection query GraphiQL 3 sends on load (graphql-js 16's
/// `getIntrospectionQuery` with input-value deprecation): it must stay
/// within the depth, complexity and selection limits.
const INTROSPECTION: &str = r#"
query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args(includeDeprecated: true) { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description args(includeDeprecated: true) { ...InputValue }
    type { ...TypeRef } isDeprecated deprecationReason
  }
  inputFields(includeDeprecated: true) { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue {
  name description type { ...TypeRef } defaultValue isDeprecated deprecationReason
}
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
  ofType { kind name } } } } } } } } }
}
"#;

#[tokio::test]
async fn the_playgrounds_introspection_query_is_within_the_limits() {
    let app = spawn_app().await;
    let res = app
        .post(
            json!({ "query": INTROSPECTION, "operationName": "IntrospectionQuery" }),
            HeaderMap::new(),
        )
        .await;
    let types = res.data()["__schema"]["types"].as_array().expect("types");
    assert!(types.iter().any(|t| t["name"] == "Bill"));
}

fn run_binary(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_water-portal"))
        .args(args)
        .env("DATABASE_URL", "sqlite::memory:")
        .envs(env.iter().copied())
        .output()
        .expect("runs")
}

#[test]
fn help_goes_to_stdout_and_mistakes_are_refused() {
    let help = run_binary(&["--help"], &[]);
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("usage: water-portal"));
    let extra = run_binary(&["serve", "--port=9"], &[]);
    assert_eq!(extra.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&extra.stderr).contains("--port=9"));
    let unknown = run_binary(&["frobnicate"], &[]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("\"frobnicate\""));
    // A tool's usage comes before anything touches the database.
    let import = run_binary(
        &["import", "--help"],
        &[("DATABASE_URL", "postgres://nobody@127.0.0.1:1/x")],
    );
    assert!(import.status.success());
    assert!(String::from_utf8_lossy(&import.stdout).contains("water-portal import DIR"));
    let bad_log = run_binary(&["staff", "list"], &[("RUST_LOG", "info,[=bad")]);
    assert_eq!(bad_log.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_log.stderr).contains("RUST_LOG"));
}

fn serve_with(env: &[(&str, &str)]) -> (std::process::Output, std::time::Duration) {
    let started = std::time::Instant::now();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_water-portal"))
        .arg("serve")
        .env("PORTAL_LISTEN", "127.0.0.1:0")
        .env("PORTAL_METRICS_LISTEN", "127.0.0.1:0")
        .envs(env.iter().copied())
        .output()
        .expect("runs");
    (output, started.elapsed())
}

#[test]
fn an_unreachable_database_is_named_and_the_start_gives_up_within_seconds() {
    // Refused at once, and unroutable (TEST-NET-1: no answer at all).
    for url in [
        "postgres://postgres:secret@127.0.0.1:1/portal",
        "postgres://postgres:secret@192.0.2.1:5432/portal",
    ] {
        let (output, took) = serve_with(&[("DATABASE_URL", url)]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{stderr}");
        let host = url
            .split('@')
            .nth(1)
            .and_then(|h| h.split('/').next())
            .expect("host");
        assert!(stderr.contains(host), "names {host}: {stderr}");
        assert!(
            !stderr.contains("secret"),
            "no password in the log: {stderr}"
        );
        // The service's own limit is 4 s; the margin is for a slow machine.
        assert!(took < std::time::Duration::from_secs(8), "{took:?}");
    }
}

#[test]
fn a_port_in_use_fails_the_start_before_the_database_is_touched() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let dir = std::env::temp_dir().join(format!("port-in-use-{}", std::process::id()));
    let file = dir.join("portal.db");
    let url = format!("sqlite://{}", file.display());
    let (output, _) = serve_with(&[
        ("DATABASE_URL", url.as_str()),
        ("PORTAL_LISTEN", addr.as_str()),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(stderr.contains(&addr), "{stderr}");
    assert!(!file.exists(), "nothing was migrated or seeded");
    let _ = std::fs::remove_dir_all(&dir);
}

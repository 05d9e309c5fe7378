//! Reads from a PostgreSQL read replica (`DATABASE_READ_URL`).
//!
//! The replica here is the test's own database behind a connection that
//! can only read (`default_transaction_read_only`): any write routed to it
//! fails, as it would on a streaming standby. The real standby is set up
//! and measured by `benches/replica.sh`. SQLite has no replicas (the
//! configuration refuses one: a unit test in `config`), so these tests
//! run on PostgreSQL only.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{TestApp, is_postgres, operations, spawn_app_with};

/// The test database, read-only.
fn read_only_url() -> String {
    let url = std::env::var("TEST_DATABASE_URL").unwrap_or_default();
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options[default_transaction_read_only]=on")
}

async fn replica_state(app: &TestApp) -> Value {
    let res = app.get("/healthz", None).await;
    assert_eq!(res.status().as_u16(), 200);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["database"], "up");
    body["replica"].clone()
}

/// Waits for the monitor to find the replica in `state`.
async fn until_replica(app: &TestApp, state: &str) -> Value {
    for _ in 0..50 {
        let replica = replica_state(app).await;
        if replica["state"] == state {
            return replica;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the replica never became {state}: {}",
        replica_state(app).await
    );
}

async fn replica_statements(app: &TestApp) -> u64 {
    app.metric("portal_db_replica_statements_total").await
}

/// Past the read-your-writes window (10 s by default).
fn let_the_window_pass(app: &TestApp) {
    app.clock.advance(chrono::Duration::seconds(11));
}

/// The service with the read-only test database as its replica, once the
/// monitor finds it streaming (with its /healthz state); `None` on SQLite,
/// where there are no replicas.
async fn replica_app() -> Option<(TestApp, Value)> {
    if !is_postgres() {
        eprintln!("read replicas are PostgreSQL's: skipped on SQLite");
        return None;
    }
    let url = read_only_url();
    let app = spawn_app_with(&[("DATABASE_READ_URL", url.as_str())]).await;
    let replica = until_replica(&app, "streaming").await;
    Some((app, replica))
}

#[tokio::test]
async fn a_members_reads_go_to_the_replica_but_their_own_writes_are_read_back_from_the_primary() {
    let Some((app, replica)) = replica_app().await else {
        return;
    };
    assert_eq!(replica["servingReads"], true);
    assert_eq!(replica["lagMs"], 0);
    let dashboard = operations("dashboard.graphql");
    let token = app.login_demo().await;

    // Just signed in: the primary answers.
    let before = replica_statements(&app).await;
    app.op(&dashboard, "Dashboard", json!({}), Some(&token))
        .await
        .data();
    assert_eq!(replica_statements(&app).await, before);

    // Later, the page's data comes from the replica: the notices with
    // their read marks, the locations with their bills (the update time
    // comes with the session, from the primary).
    let_the_window_pass(&app);
    let (before, total) = (replica_statements(&app).await, app.statements().await);
    let res = app
        .op(&dashboard, "Dashboard", json!({}), Some(&token))
        .await;
    let top = res.data()["notices"]["edges"][0]["node"].clone();
    assert_eq!(top["isRead"], false);
    assert_eq!(replica_statements(&app).await - before, 2);
    assert_eq!(app.statements().await - total, 4);

    // The member reads the notice: the write goes to the primary (the
    // replica could not take it) and is recorded as theirs …
    let marked = app
        .op(
            &dashboard,
            "MarkNoticeRead",
            json!({ "id": top["id"] }),
            Some(&token),
        )
        .await;
    assert_eq!(marked.data()["markNoticeRead"]["notice"]["isRead"], true);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM members WHERE id = 1 AND last_write_at IS NOT NULL")
            .await,
        1
    );
    // … so the next page is read from the primary, with the mark.
    let before = replica_statements(&app).await;
    let res = app
        .op(&dashboard, "Dashboard", json!({}), Some(&token))
        .await;
    assert_eq!(res.data()["notices"]["edges"][0]["node"]["isRead"], true);
    assert_eq!(replica_statements(&app).await, before);

    // Once the window has passed, the replica again, with the mark.
    let_the_window_pass(&app);
    let before = replica_statements(&app).await;
    let res = app
        .op(&dashboard, "Dashboard", json!({}), Some(&token))
        .await;
    assert_eq!(res.data()["notices"]["edges"][0]["node"]["isRead"], true);
    assert_eq!(replica_statements(&app).await - before, 2);
}

#[tokio::test]
async fn every_member_query_of_the_clients_runs_on_a_replica_that_cannot_write() {
    let Some((app, _)) = replica_app().await else {
        return;
    };
    let token = app.login_demo().await;
    let_the_window_pass(&app);
    let usage = operations("usage-and-bills.graphql");
    let bills = app
        .op(
            &usage,
            "Bills",
            json!({ "locationId": "1", "first": 3 }),
            Some(&token),
        )
        .await;
    let bill = bills.data()["serviceLocation"]["bills"]["edges"][0]["node"]["id"].clone();
    assert!(bill.is_string(), "{}", bills.body);
    let queries: Vec<(&str, &str, Value)> = vec![
        ("dashboard.graphql", "Dashboard", json!({})),
        ("dashboard.graphql", "Notice", json!({ "id": "1" })),
        (
            "usage-and-bills.graphql",
            "UsageGraph",
            json!({ "locationId": "1", "months": 24 }),
        ),
        (
            "usage-and-bills.graphql",
            "Bills",
            json!({ "locationId": "2", "first": 5 }),
        ),
        (
            "usage-and-bills.graphql",
            "BillDetail",
            json!({ "id": bill }),
        ),
        (
            "charges.graphql",
            "BillExplained",
            json!({ "id": bill, "newTariffOn": "2099-04-01" }),
        ),
        ("compared.graphql", "UsageCompared", json!({})),
        ("usage-alert.graphql", "UsageAlerts", json!({})),
        ("documents.graphql", "Documents", json!({ "first": 10 })),
        ("account.graphql", "AccountSettings", json!({})),
        ("sessions.graphql", "Sessions", json!({})),
        ("whats-next.graphql", "WhatsNext", json!({})),
    ];
    // (TariffRevisions, SimulateCharge and UsageExport read no rows: the
    // city profile, a signature.)
    for (file, name, variables) in queries {
        let before = replica_statements(&app).await;
        let res = app
            .op(&operations(file), name, variables, Some(&token))
            .await;
        assert!(
            res.body["errors"].is_null(),
            "{name} on the replica: {}",
            res.body["errors"]
        );
        assert!(!res.body["data"].is_null(), "{name}");
        assert!(
            replica_statements(&app).await > before,
            "{name} read nothing from the replica"
        );
    }
}

#[tokio::test]
async fn the_support_desk_and_every_mutation_stay_on_the_primary() {
    let Some((app, _)) = replica_app().await else {
        return;
    };
    let staff = app
        .staff_login("staff", "staff-password-2024")
        .await
        .expect("staff signs in");
    let_the_window_pass(&app);
    let before = replica_statements(&app).await;
    // A search is audited: it writes, so it must not reach the replica.
    let res = app
        .op(
            &operations("support-desk.graphql"),
            "SupportSearch",
            json!({ "query": "金沢" }),
            Some(&staff),
        )
        .await;
    assert!(
        res.data()["support"]["search"]["edges"]
            .as_array()
            .is_some_and(|e| !e.is_empty())
    );
    assert_eq!(replica_statements(&app).await, before);
}

#[tokio::test]
async fn a_replica_that_is_down_or_fails_leaves_the_reads_on_the_primary() {
    if !is_postgres() {
        eprintln!("read replicas are PostgreSQL's: skipped on SQLite");
        return;
    }
    // Nothing listens there: the service still starts and serves.
    let app = spawn_app_with(&[(
        "DATABASE_READ_URL",
        "postgres://postgres@127.0.0.1:1/portal",
    )])
    .await;
    let replica = until_replica(&app, "down").await;
    assert_eq!(replica["servingReads"], false);
    let token = app.login_demo().await;
    let_the_window_pass(&app);
    let res = app.dashboard(&token).await;
    assert_eq!(
        res.data()["me"]["serviceLocations"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(replica_statements(&app).await, 0);

    // A replica that answers its probe but fails the queries (here: a
    // database without the portal's tables): the request runs again on
    // the primary, and the replica stops serving.
    let url = std::env::var("TEST_DATABASE_URL").unwrap_or_default();
    let elsewhere = match url.rsplit_once('/') {
        Some((server, _)) => format!("{server}/postgres"),
        None => url,
    };
    let app = spawn_app_with(&[("DATABASE_READ_URL", elsewhere.as_str())]).await;
    until_replica(&app, "streaming").await;
    let token = app.login_demo().await;
    let_the_window_pass(&app);
    let res = app.dashboard(&token).await;
    assert_eq!(
        res.data()["me"]["serviceLocations"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert!(replica_statements(&app).await > 0, "the replica was tried");
    assert_eq!(replica_state(&app).await["servingReads"], false);
}

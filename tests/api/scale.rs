//! Several stateless instances on one database: sessions, attempt limits
//! and the mail outbox are shared, nothing lives in one process.

use serde_json::json;

use crate::helpers::{operations, spawn_app};

#[tokio::test]
async fn two_instances_on_one_database_share_sessions_locks_and_mail() {
    let a = spawn_app().await;
    let b = a.sibling().await;
    assert_ne!(a.base, b.base);

    // Signed in on one, recognised on the other; logged out on the other,
    // refused on the first.
    let token = a.login_demo().await;
    let me = b
        .op("{ me { loginId } }", "", json!({}), Some(&token))
        .await;
    assert_eq!(me.data()["me"]["loginId"], "demo");
    b.op(
        &operations("dashboard.graphql"),
        "Logout",
        json!({}),
        Some(&token),
    )
    .await;
    let after = a
        .op("{ me { loginId } }", "", json!({}), Some(&token))
        .await;
    assert_eq!(after.error_codes(), vec!["UNAUTHENTICATED"]);

    // Failed sign-ins spread over both instances lock the account on both.
    let doc = operations("login-screen.graphql");
    for i in 0..5 {
        let app = if i % 2 == 0 { &a } else { &b };
        app.op(
            &doc,
            "Login",
            json!({ "loginId": "demo", "password": "wrong-password-0" }),
            None,
        )
        .await;
    }
    for app in [&a, &b] {
        let res = app
            .op(
                &doc,
                "Login",
                json!({ "loginId": "demo", "password": "demo-password-2024" }),
                None,
            )
            .await;
        assert_eq!(
            res.data()["login"]["userErrors"][0]["code"],
            "ACCOUNT_LOCKED"
        );
    }

    // Both workers drain one outbox, and every mail goes out exactly once.
    for i in 0..6 {
        let app = if i % 2 == 0 { &a } else { &b };
        let email = format!("scale{i}@example.jp");
        app.op(&doc, "RequestRegistration", json!({ "email": email }), None)
            .await;
    }
    a.wait_until_outbox_is_empty().await;
    let mut delivered: Vec<String> = a
        .mails()
        .into_iter()
        .chain(b.mails())
        .map(|m| m.to)
        .collect();
    delivered.sort();
    // Six registration mails and the one telling demo of the lock.
    assert_eq!(delivered.len(), 7, "{delivered:?}");
    delivered.dedup();
    assert_eq!(delivered.len(), 7, "no mail twice");
}

/// A statement a request gave up on (the client left, a timeout fired)
/// leaves its pooled connection clean for the next: the pool flushes a
/// returning connection, reading back what the dropped statement left
/// unread, and sends the ROLLBACK a dropped transaction queued (the
/// vendored sqlx-core does this without a round trip when nothing is
/// pending; vendor/README.md).
#[tokio::test]
async fn statements_given_up_on_leave_their_pooled_connections_clean() {
    use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
    use std::time::Duration;

    let app = spawn_app().await;
    let token = app.login_demo().await;
    let backend = app.db.get_database_backend();
    // Long enough that every one is cut off mid-way, on either engine.
    let slow = Statement::from_string(
        backend,
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000) \
         SELECT count(*) FROM c",
    );
    // More than the pool holds (16 on PostgreSQL, 8 on SQLite), at once:
    // every connection gets one.
    let cut_off = futures_util::future::join_all((0..20).map(|_| {
        tokio::time::timeout(
            Duration::from_millis(30),
            app.db.query_one_raw(slow.clone()),
        )
    }))
    .await;
    assert!(cut_off.iter().all(Result::is_err), "each was cut off");

    // A transaction dropped after a write, without commit.
    {
        let txn = app.db.begin().await.expect("begins");
        txn.execute_unprepared(
            "UPDATE members SET display_name = 'dropped' WHERE login_id = 'demo'",
        )
        .await
        .expect("writes");
    }

    // Every connection answers its own statement again, none inside the
    // dropped transaction.
    let answers = futures_util::future::join_all((0..40).map(|n| {
        let db = &app.db;
        async move {
            let row = db
                .query_one_raw(Statement::from_string(
                    backend,
                    format!(
                        "SELECT CAST({n} AS BIGINT) AS n, (SELECT COUNT(*) FROM members WHERE display_name = 'dropped') AS d"
                    ),
                ))
                .await
                .expect("runs")
                .expect("a row");
            (
                row.try_get::<i64>("", "n").expect("n"),
                row.try_get::<i64>("", "d").expect("d"),
            )
        }
    }))
    .await;
    for (n, (got, dropped)) in answers.into_iter().enumerate() {
        assert_eq!(got, n as i64, "statement {n} read its own answer");
        assert_eq!(dropped, 0, "the dropped transaction was rolled back");
    }
    // And the member's page through the endpoint is the member's.
    let dashboard = app.dashboard(&token).await;
    assert_eq!(dashboard.data()["me"]["displayName"], "金沢 太郎");
}

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

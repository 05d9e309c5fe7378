//! Signing in and out, sessions and cookies.

use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::helpers::{operations, spawn_app};

#[tokio::test]
async fn login_returns_a_token_and_sets_an_http_only_strict_cookie() {
    let app = spawn_app().await;
    let res = app
        .op(
            &operations("login-screen.graphql"),
            "Login",
            json!({ "loginId": "demo", "password": "demo-password-2024" }),
            None,
        )
        .await;
    let login = &res.data()["login"];
    assert_eq!(login["customer"]["displayName"], "金沢 太郎");
    assert_eq!(login["userErrors"], json!([]));
    let token = login["session"]["token"].as_str().expect("token");
    assert!(token.len() >= 22, "at least 128 bits");
    let expires = login["session"]["expiresAt"].as_str().expect("expiry");
    assert!(expires.ends_with("+09:00"), "{expires}");

    let cookie = res
        .headers
        .get("set-cookie")
        .expect("cookie")
        .to_str()
        .expect("ascii");
    assert!(
        cookie.starts_with(&format!("portal_session={token};")),
        "{cookie}"
    );
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Strict"));

    // Only the hash of the token is stored.
    let stored = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM sessions WHERE token_hash = '{}'",
            hex::encode(Sha256::digest(token.as_bytes()))
        ))
        .await;
    assert_eq!(stored, 1);
    let plain = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM sessions WHERE token_hash = '{token}'"
        ))
        .await;
    assert_eq!(plain, 0);
}

#[tokio::test]
async fn the_session_cookie_alone_signs_a_web_client_in() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let mut headers = HeaderMap::new();
    headers.insert(
        "cookie",
        HeaderValue::from_str(&format!("portal_session={token}")).expect("header"),
    );
    let res = app
        .post(json!({ "query": "{ me { loginId } }" }), headers)
        .await;
    assert_eq!(res.data()["me"]["loginId"], "demo");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_login_id_get_the_same_answer() {
    let app = spawn_app().await;
    let doc = operations("login-screen.graphql");
    let wrong = app
        .op(
            &doc,
            "Login",
            json!({ "loginId": "demo", "password": "not-the-password" }),
            None,
        )
        .await;
    let unknown = app
        .op(
            &doc,
            "Login",
            json!({ "loginId": "nobody-here", "password": "not-the-password" }),
            None,
        )
        .await;
    let malformed = app
        .op(
            &doc,
            "Login",
            json!({ "loginId": "x", "password": "not-the-password" }),
            None,
        )
        .await;
    for res in [&wrong, &unknown, &malformed] {
        let login = &res.data()["login"];
        assert!(login["session"].is_null());
        assert_eq!(login["userErrors"][0]["code"], "INVALID_CREDENTIALS");
        assert!(res.headers.get("set-cookie").is_none());
    }
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(wrong.body, malformed.body);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM sessions").await, 0);
}

#[tokio::test]
async fn a_logged_out_token_is_refused_and_the_cookie_cleared() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let dashboard = operations("dashboard.graphql");
    let before = app
        .op(&dashboard, "Dashboard", json!({}), Some(&token))
        .await;
    assert_eq!(before.data()["me"]["id"], "1");

    let out = app.op(&dashboard, "Logout", json!({}), Some(&token)).await;
    assert_eq!(out.data()["logout"]["success"], true);
    let cookie = out
        .headers
        .get("set-cookie")
        .expect("cookie")
        .to_str()
        .expect("ascii");
    assert!(cookie.contains("Max-Age=0"), "{cookie}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM sessions WHERE revoked_at IS NOT NULL")
            .await,
        1
    );

    let after = app
        .op(&dashboard, "Dashboard", json!({}), Some(&token))
        .await;
    assert!(
        after.error_codes().contains(&"UNAUTHENTICATED".to_string()),
        "{:?}",
        after.body
    );
    assert!(after.body["data"]["me"].is_null());
}

#[tokio::test]
async fn an_idle_or_expired_session_is_refused() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let query = json!({ "query": "{ me { id } }" });
    let bearer = || {
        let mut h = HeaderMap::new();
        h.insert(
            "authorization",
            HeaderValue::from_str(&format!("Bearer {token}")).expect("h"),
        );
        h
    };
    assert_eq!(
        app.post(query.clone(), bearer()).await.data()["me"]["id"],
        "1"
    );

    // Unused for longer than the idle limit (30 minutes by default).
    let stale = if crate::helpers::is_postgres() {
        "UPDATE sessions SET last_seen_at = NOW() - INTERVAL '31 minutes'"
    } else {
        "UPDATE sessions SET last_seen_at = '2000-01-01T00:00:00+00:00'"
    };
    app.sql(stale).await;
    let res = app.post(query, bearer()).await;
    assert_eq!(res.error_codes(), vec!["UNAUTHENTICATED"]);
}

#[tokio::test]
async fn without_a_session_member_data_is_unauthenticated() {
    let app = spawn_app().await;
    let res = app
        .op(
            &operations("dashboard.graphql"),
            "Dashboard",
            json!({}),
            Some("made-up-token"),
        )
        .await;
    assert!(
        res.error_codes().iter().all(|c| c == "UNAUTHENTICATED"),
        "{:?}",
        res.body
    );
    assert!(!res.error_codes().is_empty());
}

#[tokio::test]
async fn housekeeping_removes_ended_sessions_and_spent_links_only() {
    let app = spawn_app().await;
    let live = app.login_demo().await;
    let ended = app.login_demo().await;
    app.op(
        &operations("dashboard.graphql"),
        "Logout",
        json!({}),
        Some(&ended),
    )
    .await;
    let long_ago = if crate::helpers::is_postgres() {
        "NOW() - INTERVAL '3 days'"
    } else {
        "'2000-01-01T00:00:00+00:00'"
    };
    app.sql(&format!(
        "UPDATE sessions SET revoked_at = {long_ago} WHERE revoked_at IS NOT NULL"
    ))
    .await;
    app.op(
        &operations("login-screen.graphql"),
        "RequestRegistration",
        json!({ "email": "later@example.jp" }),
        None,
    )
    .await;
    app.sql(&format!("UPDATE registrations SET expires_at = {long_ago}"))
        .await;

    let purged = water_portal::housekeeping::purge(&app.db, chrono::Utc::now())
        .await
        .expect("purge");
    assert_eq!(purged.sessions, 1);
    assert_eq!(purged.registrations, 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM sessions").await, 1);
    let me = app
        .post(json!({ "query": "{ me { id } }" }), {
            let mut h = HeaderMap::new();
            h.insert(
                "authorization",
                HeaderValue::from_str(&format!("Bearer {live}")).expect("h"),
            );
            h
        })
        .await;
    assert_eq!(me.data()["me"]["id"], "1");
}

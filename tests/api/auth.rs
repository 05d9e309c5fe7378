//! Signing in and out, sessions and cookies.

use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::helpers::{operations, spawn_app, spawn_app_with};

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
    app.clock.advance(chrono::Duration::minutes(31));
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
    // A time both engines read as a timestamp.
    let long_ago = "'2000-01-01T00:00:00+00:00'";
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

async fn login_as(app: &crate::helpers::TestApp, user_agent: &str) -> String {
    let res = app
        .post_raw(
            json!({
                "query": operations("login-screen.graphql"),
                "operationName": "Login",
                "variables": { "loginId": "demo", "password": "demo-password-2024" },
            }),
            &[("user-agent", user_agent)],
        )
        .await;
    let body = crate::helpers::Gql::from_response(res).await;
    body.data()["login"]["session"]["token"]
        .as_str()
        .expect("token")
        .to_string()
}

#[tokio::test]
async fn a_member_sees_their_sessions_and_ends_one_they_do_not_want() {
    let app = spawn_app().await;
    let sessions = crate::helpers::operations("sessions.graphql");
    let phone = login_as(
        &app,
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1",
    )
    .await;
    let desk = login_as(
        &app,
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36",
    )
    .await;
    let res = app.op(&sessions, "Sessions", json!({}), Some(&desk)).await;
    let list = res.data()["me"]["sessions"]
        .as_array()
        .expect("list")
        .clone();
    assert_eq!(list.len(), 2, "{list:?}");
    let current = list.iter().find(|s| s["current"] == true).expect("current");
    assert_eq!(current["device"], "Windows · Chrome");
    assert_eq!(current["address"], "127.0.0.1");
    let other = list.iter().find(|s| s["current"] == false).expect("other");
    assert_eq!(other["device"], "iPhone · Safari");

    let ended = app
        .op(
            &sessions,
            "EndSession",
            json!({ "id": other["id"] }),
            Some(&desk),
        )
        .await;
    assert_eq!(ended.data()["endSession"]["success"], true);
    let gone = app.op("{ me { id } }", "", json!({}), Some(&phone)).await;
    assert_eq!(gone.error_codes(), vec!["UNAUTHENTICATED"]);
    // Again, or someone else's: not found.
    let again = app
        .op(
            &sessions,
            "EndSession",
            json!({ "id": other["id"] }),
            Some(&desk),
        )
        .await;
    assert_eq!(
        again.data()["endSession"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    let staff = app
        .staff_login("staff", "staff-password-2024")
        .await
        .expect("staff");
    let staff_session = app
        .scalar("SELECT MAX(id) FROM sessions WHERE staff_id IS NOT NULL")
        .await;
    let res = app
        .op(
            &sessions,
            "EndSession",
            json!({ "id": staff_session.to_string() }),
            Some(&desk),
        )
        .await;
    assert_eq!(
        res.data()["endSession"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    assert!(
        app.op(
            "{ support { auditLog(first: 1) { edges { node { id } } } } }",
            "",
            json!({}),
            Some(&staff)
        )
        .await
        .body["errors"]
            .is_null()
    );
}

#[tokio::test]
async fn a_session_used_moments_ago_counts_as_used_then() {
    let app = spawn_app_with(&[("PORTAL_SESSION_IDLE_MINUTES", "1")]).await;
    let token = app.login_demo().await;
    let fifty_seconds_ago = (chrono::Utc::now() - chrono::Duration::seconds(50)).to_rfc3339();
    app.sql(&format!(
        "UPDATE sessions SET last_seen_at = '{fifty_seconds_ago}'"
    ))
    .await;
    let res = app
        .op(
            &crate::helpers::operations("sessions.graphql"),
            "Sessions",
            json!({}),
            Some(&token),
        )
        .await;
    let seen = res.data()["me"]["sessions"][0]["lastSeenAt"]
        .as_str()
        .expect("a time")
        .to_string();
    let seen = chrono::DateTime::parse_from_rfc3339(&seen).expect("rfc3339");
    let lag = chrono::Utc::now().signed_duration_since(seen);
    assert!(lag < chrono::Duration::seconds(5), "last seen {lag} ago");
}

#[tokio::test]
async fn a_member_who_opts_in_is_mailed_on_a_sign_in_from_a_new_device_only() {
    let app = spawn_app().await;
    let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile/15E148 Safari/604.1";
    let windows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36";
    let first = login_as(&app, iphone).await;
    let res = app
        .op(
            &operations("sessions.graphql"),
            "NewDeviceMail",
            json!({ "billIssued": true, "noticePublished": true, "newDevice": true }),
            Some(&first),
        )
        .await;
    assert_eq!(
        res.data()["updateNotificationSettings"]["notificationSettings"]["newDevice"],
        true
    );
    login_as(&app, iphone).await;
    login_as(&app, windows).await;
    app.wait_until_outbox_is_empty().await;
    let mails: Vec<_> = app
        .mails()
        .into_iter()
        .filter(|m| m.subject.contains("新しい端末からのログイン"))
        .collect();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(
        mails[0].body.contains("Windows · Chrome"),
        "{}",
        mails[0].body
    );
}

//! What an attacker with nothing but the public endpoint tries (issue 8):
//! each attack as a test of the defence against it.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::helpers::{TestApp, operations, spawn_app, spawn_app_with};

async fn login(app: &TestApp, login_id: &str, password: &str) -> Value {
    let res = app
        .op(
            &operations("login-screen.graphql"),
            "Login",
            json!({ "loginId": login_id, "password": password }),
            None,
        )
        .await;
    res.body.clone()
}

fn login_code(body: &Value) -> String {
    body["data"]["login"]["userErrors"][0]["code"]
        .as_str()
        .or_else(|| body["errors"][0]["extensions"]["code"].as_str())
        .unwrap_or("")
        .to_string()
}

/// Password hashes the service has computed, from `GET /metrics`.
async fn hashes(app: &TestApp) -> u64 {
    let text = app
        .get("/metrics", None)
        .await
        .text()
        .await
        .expect("metrics");
    text.lines()
        .find_map(|l| l.strip_prefix("portal_password_hashes_total "))
        .and_then(|n| n.trim().parse().ok())
        .expect("hash counter")
}

#[tokio::test]
async fn a_locked_login_id_costs_no_hash_and_its_refusals_count_against_the_address() {
    let app = spawn_app().await;
    for _ in 0..5 {
        assert_eq!(
            login_code(&login(&app, "someone", "wrong-password-1").await),
            "INVALID_CREDENTIALS"
        );
    }
    let before = hashes(&app).await;
    let flood: Vec<_> = (0..20)
        .map(|_| {
            let app = &app;
            async move { login_code(&login(app, "someone", "wrong-password-1").await) }
        })
        .collect();
    let codes = join_all(flood).await;
    assert!(codes.iter().all(|c| c == "ACCOUNT_LOCKED"), "{codes:?}");
    assert_eq!(hashes(&app).await, before, "a locked ID was hashed");
    // 5 failures and 20 refusals, all counted against the one address.
    assert_eq!(
        app.scalar("SELECT failures FROM throttles WHERE key = 'ip:login:127.0.0.1'")
            .await,
        25
    );
}

#[tokio::test]
async fn concurrent_failures_from_one_address_cannot_slip_past_its_limit() {
    let app = spawn_app_with(&[("PORTAL_ADDRESS_FAILURE_LIMIT", "10")]).await;
    let flood: Vec<_> = (0..40)
        .map(|i| {
            let app = &app;
            async move { login_code(&login(app, &format!("guess{i:02}"), "wrong-password-1").await) }
        })
        .collect();
    let codes = join_all(flood).await;
    let tried = codes.iter().filter(|c| *c == "INVALID_CREDENTIALS").count();
    let refused = codes.iter().filter(|c| *c == "RATE_LIMITED").count();
    assert_eq!(tried, 10, "{codes:?}");
    assert_eq!(refused, 30, "{codes:?}");
    // The member's own sign-in from another address still works; from this
    // one it waits for the window.
    assert_eq!(
        login_code(&login(&app, "demo", "demo-password-2024").await),
        "RATE_LIMITED"
    );
}

#[tokio::test]
async fn a_successful_sign_in_gives_its_address_count_back() {
    let app = spawn_app_with(&[("PORTAL_ADDRESS_FAILURE_LIMIT", "3")]).await;
    for _ in 0..10 {
        assert!(
            login(&app, "demo", "demo-password-2024").await["data"]["login"]["session"]["token"]
                .is_string()
        );
    }
}

/// Opens `n` connections that start a request and never finish its headers.
async fn half_open(app: &TestApp, n: usize) -> Vec<tokio::net::TcpStream> {
    use tokio::io::AsyncWriteExt as _;
    let address = app.base.trim_start_matches("http://").to_string();
    let mut streams = Vec::with_capacity(n);
    for _ in 0..n {
        let mut stream = tokio::net::TcpStream::connect(&address)
            .await
            .expect("connects");
        stream
            .write_all(b"POST /graphql HTTP/1.1\r\nHost: portal\r\nContent-Type: appl")
            .await
            .expect("writes");
        streams.push(stream);
    }
    streams
}

/// Whether the service closed `stream` within `wait` (what it sent first
/// is returned, possibly nothing).
async fn closed_within(stream: &mut tokio::net::TcpStream, wait: Duration) -> Option<String> {
    use tokio::io::AsyncReadExt as _;
    let mut answer = Vec::new();
    let read = tokio::time::timeout(wait, stream.read_to_end(&mut answer)).await;
    read.is_ok()
        .then(|| String::from_utf8_lossy(&answer).into_owned())
}

use std::time::Duration;

#[tokio::test]
async fn slow_headers_are_cut_off_while_the_service_keeps_answering() {
    let app = spawn_app_with(&[("PORTAL_HEADER_TIMEOUT_SECONDS", "1")]).await;
    let mut slow = half_open(&app, 300).await;
    let res = app
        .op("{ portalStatus { open } }", "", json!({}), None)
        .await;
    assert_eq!(res.data()["portalStatus"]["open"], true);
    for stream in slow.iter_mut().step_by(50) {
        assert!(
            closed_within(stream, Duration::from_secs(5))
                .await
                .is_some(),
            "a connection with half-sent headers stayed open"
        );
    }
}

#[tokio::test]
async fn a_body_that_never_arrives_gets_408() {
    use tokio::io::AsyncWriteExt as _;
    let app = spawn_app_with(&[("PORTAL_BODY_TIMEOUT_SECONDS", "1")]).await;
    let address = app.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connects");
    stream
        .write_all(
            b"POST /graphql HTTP/1.1\r\nHost: portal\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"query\":",
        )
        .await
        .expect("writes");
    let answer = closed_within(&mut stream, Duration::from_secs(5))
        .await
        .unwrap_or_default();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("BAD_REQUEST"), "{answer}");
}

#[tokio::test]
async fn past_the_connection_limit_new_connections_are_closed_until_some_end() {
    let app = spawn_app_with(&[("PORTAL_MAX_CONNECTIONS", "5")]).await;
    let held = half_open(&app, 5).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let refused = app
        .client
        .get(app.url("/healthz"))
        .timeout(Duration::from_secs(5))
        .send()
        .await;
    assert!(refused.is_err(), "a sixth connection was served");
    drop(held);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let fresh = reqwest::Client::new();
    let ok = fresh
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("served again");
    assert_eq!(ok.status().as_u16(), 200);
}

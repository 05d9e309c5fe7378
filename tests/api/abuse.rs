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

#[tokio::test]
async fn a_locked_login_id_costs_no_hash_and_its_refusals_count_against_the_address() {
    let app = spawn_app().await;
    for _ in 0..5 {
        assert_eq!(
            login_code(&login(&app, "someone", "wrong-password-1").await),
            "INVALID_CREDENTIALS"
        );
    }
    let before = app.hashes().await;
    let flood: Vec<_> = (0..20)
        .map(|_| {
            let app = &app;
            async move { login_code(&login(app, "someone", "wrong-password-1").await) }
        })
        .collect();
    let codes = join_all(flood).await;
    assert!(codes.iter().all(|c| c == "ACCOUNT_LOCKED"), "{codes:?}");
    assert_eq!(app.hashes().await, before, "a locked ID was hashed");
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

fn header<'a>(res: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    res.headers().get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn every_answer_refuses_sniffing_referrers_and_framing() {
    let app = spawn_app().await;
    for path in [
        "/graphql?query=%7B__typename%7D",
        "/playground",
        "/healthz",
        "/nowhere",
    ] {
        let res = app.get(path, None).await;
        assert_eq!(
            header(&res, "x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            header(&res, "referrer-policy"),
            Some("no-referrer"),
            "{path}"
        );
        assert_eq!(header(&res, "x-frame-options"), Some("DENY"), "{path}");
        assert!(
            header(&res, "content-security-policy")
                .is_some_and(|v| v.contains("frame-ancestors 'none'")),
            "{path}"
        );
        // Cookies are not Secure in tests, so there is no TLS to pin.
        assert_eq!(header(&res, "strict-transport-security"), None);
    }
}

#[tokio::test]
async fn secure_cookies_take_the_host_prefix_and_bring_hsts() {
    let app = spawn_app_with(&[("PORTAL_COOKIE_SECURE", "true")]).await;
    let res = app
        .post_raw(
            json!({
                "query": operations("login-screen.graphql"),
                "operationName": "Login",
                "variables": { "loginId": "demo", "password": "demo-password-2024" },
            }),
            &[],
        )
        .await;
    assert!(header(&res, "strict-transport-security").is_some_and(|v| v.contains("max-age=")));
    let cookie = header(&res, "set-cookie").expect("a cookie").to_string();
    assert!(cookie.starts_with("__Host-portal_session="), "{cookie}");
    assert!(
        cookie.contains("; Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let token = cookie
        .trim_start_matches("__Host-portal_session=")
        .split(';')
        .next()
        .unwrap_or_default()
        .to_string();
    let me = |cookie: String| {
        let app = &app;
        async move {
            let res = app
                .client
                .post(app.url("/graphql"))
                .header("cookie", cookie)
                .json(&json!({ "query": "{ me { loginId } }" }))
                .send()
                .await
                .expect("sent");
            crate::helpers::Gql::from_response(res).await.body
        }
    };
    assert_eq!(
        me(format!("__Host-portal_session={token}")).await["data"]["me"]["loginId"],
        "demo"
    );
    // Without the prefix the cookie may come from another host: ignored.
    assert!(me(format!("portal_session={token}")).await["data"].is_null());
}

#[tokio::test]
async fn staff_get_a_cookie_of_their_own_that_ends_with_the_browser() {
    let app = spawn_app().await;
    let res = app
        .post_raw(
            json!({
                "query": operations("support.graphql"),
                "operationName": "StaffLogin",
                "variables": { "loginId": "staff", "password": "staff-password-2024" },
            }),
            &[],
        )
        .await;
    let cookie = header(&res, "set-cookie").expect("a cookie").to_string();
    assert!(cookie.starts_with("portal_staff_session="), "{cookie}");
    assert!(!cookie.contains("Max-Age"), "{cookie}");
    let jar = cookie.split(';').next().unwrap_or_default().to_string();
    let support = app
        .client
        .post(app.url("/graphql"))
        .header("cookie", &jar)
        .json(&json!({ "query": "{ support { auditLog(first: 1) { edges { node { id } } } } }" }))
        .send()
        .await
        .expect("sent");
    let body = crate::helpers::Gql::from_response(support).await;
    assert!(body.data()["support"]["auditLog"]["edges"].is_array());

    let logout = app
        .client
        .post(app.url("/graphql"))
        .header("cookie", &jar)
        .json(&json!({ "query": "mutation { logout { success } }" }))
        .send()
        .await
        .expect("sent");
    let cleared: Vec<&str> = logout
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(
        cleared
            .iter()
            .any(|c| c.starts_with("portal_staff_session=;") && c.contains("Max-Age=0")),
        "{cleared:?}"
    );
    assert!(cleared.iter().any(|c| c.starts_with("portal_session=;")));
}

#[tokio::test]
async fn a_new_password_may_be_neither_the_current_one_nor_contain_a_customer_number() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let dashboard = app.dashboard(&token).await;
    let second = &dashboard.data()["me"]["serviceLocations"][1];
    let customer = second["customerNumber"]
        .as_str()
        .expect("number")
        .to_string();
    let portal = second["portalCustomerNumber"]
        .as_str()
        .expect("number")
        .to_string();
    let change = |new: String| {
        let app = &app;
        let token = token.clone();
        async move {
            let res = app
                .op(
                    &operations("account.graphql"),
                    "ChangePassword",
                    json!({ "currentPassword": "demo-password-2024", "newPassword": new }),
                    Some(&token),
                )
                .await;
            res.data()["changePassword"]["userErrors"][0]["code"]
                .as_str()
                .unwrap_or("")
                .to_string()
        }
    };
    assert_eq!(change("demo-password-2024".into()).await, "SAME_AS_CURRENT");
    assert_eq!(
        change(format!("water{customer}bill")).await,
        "PASSWORD_CONTAINS_PERSONAL_INFO"
    );
    assert_eq!(
        change(format!("water{portal}x")).await,
        "PASSWORD_CONTAINS_PERSONAL_INFO"
    );
    // The password is unchanged.
    assert!(!app.login("demo", "demo-password-2024").await.is_empty());
}

async fn login_from(app: &TestApp, forwarded: &[&str], login_id: &str) -> String {
    let mut headers = reqwest::header::HeaderMap::new();
    for line in forwarded {
        headers.append(
            "x-forwarded-for",
            reqwest::header::HeaderValue::from_str(line).expect("header"),
        );
    }
    let res = app
        .post(
            json!({
                "query": operations("login-screen.graphql"),
                "operationName": "Login",
                "variables": { "loginId": login_id, "password": "wrong-password-1" },
            }),
            headers,
        )
        .await;
    login_code(&res.body)
}

#[tokio::test]
async fn behind_a_proxy_the_client_is_the_rightmost_untrusted_entry_and_ipv6_counts_by_64() {
    let app = spawn_app_with(&[
        ("PORTAL_TRUST_FORWARDED_FOR", "true"),
        ("PORTAL_TRUSTED_PROXIES", "10.0.0.0/8"),
        ("PORTAL_ADDRESS_FAILURE_LIMIT", "2"),
    ])
    .await;
    // Whatever the client puts on the left, across header lines, it is
    // 198.51.100.1 that the proxies (10.x) saw.
    for forwarded in [
        &["203.0.113.1", "198.51.100.1, 10.0.0.5"][..],
        &["203.0.113.2, 198.51.100.1"][..],
    ] {
        assert_eq!(
            login_from(&app, forwarded, "a1").await,
            "INVALID_CREDENTIALS"
        );
    }
    assert_eq!(
        login_from(&app, &["192.0.2.99, 198.51.100.1"], "a2").await,
        "RATE_LIMITED"
    );
    assert_eq!(
        app.scalar("SELECT failures FROM throttles WHERE key = 'ip:login:198.51.100.1'")
            .await,
        3
    );
    // One /64 is one subscriber.
    for suffix in ["1", "2"] {
        let address = format!("2001:db8:5:6::{suffix}");
        assert_eq!(
            login_from(&app, &[&address], "a3").await,
            "INVALID_CREDENTIALS"
        );
    }
    assert_eq!(
        login_from(&app, &["2001:db8:5:6:ffff::9"], "a4").await,
        "RATE_LIMITED"
    );
    assert_eq!(
        login_from(&app, &["2001:db8:5:7::1"], "a5").await,
        "INVALID_CREDENTIALS"
    );
}

#[tokio::test]
async fn one_client_cannot_send_registration_mail_to_address_after_address() {
    let app = spawn_app().await;
    let mut codes = Vec::new();
    for i in 0..12 {
        let res = app
            .op(
                &operations("login-screen.graphql"),
                "RequestRegistration",
                json!({ "email": format!("visitor{i}@example.jp"), "agreeToTerms": true }),
                None,
            )
            .await;
        codes.push(
            res.body["errors"][0]["extensions"]["code"]
                .as_str()
                .unwrap_or("accepted")
                .to_string(),
        );
    }
    assert_eq!(
        codes.iter().filter(|c| *c == "accepted").count(),
        10,
        "{codes:?}"
    );
    assert!(codes[10..].iter().all(|c| c == "RATE_LIMITED"), "{codes:?}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM registrations").await,
        10,
        "no link was made for a refused request"
    );
}

#[tokio::test]
async fn metrics_are_not_public_and_a_staff_only_schema_suggests_no_names() {
    let app = spawn_app_with(&[("PORTAL_INTROSPECTION", "staff")]).await;
    assert_eq!(app.get("/metrics", None).await.status().as_u16(), 404);
    assert!(app.hashes().await > 0, "served on the metrics port");
    let token = app.login_demo().await;
    for document in [
        "{ me { displayNam } }",
        "{ me { serviceLocations } }",
        "{ portalStatu }",
    ] {
        let res = app.op(document, "", json!({}), Some(&token)).await;
        let text = res.body["errors"].to_string();
        assert!(!res.body["errors"].is_null(), "{document}");
        assert!(!text.contains("displayName"), "{text}");
        assert!(
            !text.to_lowercase().contains("did you mean \"portalstatus"),
            "{text}"
        );
        assert!(!text.contains("portalStatus\""), "{text}");
    }
}

#[tokio::test]
async fn the_security_log_records_sign_ins_locks_and_session_ends_without_secrets() {
    let app = spawn_app().await;
    let probe = "seclog-probe";
    let res = app
        .post_raw(
            json!({
                "query": operations("login-screen.graphql"),
                "operationName": "Login",
                "variables": { "loginId": probe, "password": "hunter2-secret-pw" },
            }),
            &[],
        )
        .await;
    let request_id = header(&res, "x-request-id")
        .expect("a request id")
        .to_string();
    for _ in 0..5 {
        login(&app, probe, "hunter2-secret-pw").await;
    }
    let token = app.login_demo().await;
    app.op(
        "mutation { logout { success } }",
        "",
        json!({}),
        Some(&token),
    )
    .await;
    let lines = crate::helpers::security_log();
    let mine: Vec<&Value> = lines
        .iter()
        .filter(|l| l["fields"]["login_id"] == probe)
        .collect();
    let first = mine
        .iter()
        .find(|l| l["fields"]["request_id"] == request_id.as_str())
        .expect("the first failure is logged with its request id");
    assert_eq!(first["fields"]["event"], "sign_in");
    assert_eq!(first["fields"]["success"], false);
    assert_eq!(first["fields"]["client"], "127.0.0.1");
    assert!(first["timestamp"].is_string());
    assert!(
        mine.iter()
            .any(|l| l["fields"]["event"] == "sign_in_locked")
    );
    assert!(
        lines.iter().any(
            |l| l["fields"]["event"] == "session_ended" && l["fields"]["member_id"].is_number()
        )
    );
    let all = serde_json::to_string(&lines).expect("json");
    assert!(
        !all.contains("hunter2-secret-pw"),
        "a password reached the log"
    );
    assert!(!all.contains(&token), "a session token reached the log");
}

#[tokio::test]
async fn a_member_locked_out_by_an_attacker_signs_in_with_the_mailed_link() {
    let app = spawn_app().await;
    for _ in 0..8 {
        login(&app, "demo", "attacker-guess-1").await;
    }
    assert_eq!(
        login_code(&login(&app, "demo", "demo-password-2024").await),
        "ACCOUNT_LOCKED"
    );
    let mail = app
        .wait_for_mail("demo@example.jp", "ログイン一時停止")
        .await;
    app.wait_until_outbox_is_empty().await;
    let lock_mails = app
        .mails()
        .iter()
        .filter(|m| m.subject.contains("ログイン一時停止"))
        .count();
    assert_eq!(lock_mails, 1, "one mail per lock, not per failure");
    let token = mail.link_param("token");
    let unlock = |password: &'static str| {
        let app = &app;
        let token = token.clone();
        async move {
            app.op(
                &operations("unlock.graphql"),
                "UnlockSignIn",
                json!({ "token": token, "password": password }),
                None,
            )
            .await
            .body
        }
    };
    // The attacker keeps at it; a wrong password with the link spends nothing.
    login(&app, "demo", "attacker-guess-2").await;
    let wrong = unlock("attacker-guess-3").await;
    assert_eq!(
        wrong["data"]["unlockSignIn"]["userErrors"][0]["code"],
        "INVALID_CREDENTIALS"
    );
    let signed_in = unlock("demo-password-2024").await;
    let session = signed_in["data"]["unlockSignIn"]["session"]["token"]
        .as_str()
        .expect("signed in past the lock")
        .to_string();
    let me = app
        .op("{ me { loginId } }", "", json!({}), Some(&session))
        .await;
    assert_eq!(me.data()["me"]["loginId"], "demo");
    // Once only.
    let again = unlock("demo-password-2024").await;
    assert!(again["data"]["unlockSignIn"]["session"].is_null());
}

#[tokio::test]
async fn attempt_counters_keep_no_login_id_email_or_number_in_the_clear() {
    let app = spawn_app().await;
    login(&app, "private-login-7", "wrong-password-1").await;
    app.op(
        &operations("login-screen.graphql"),
        "RequestRegistration",
        json!({ "email": "private-mail@example.jp" }),
        None,
    )
    .await;
    app.op(
        &operations("login-screen.graphql"),
        "RecoverLoginId",
        json!({ "portalCustomerNumber": "200158386223", "secretAnswer": "wrong" }),
        None,
    )
    .await;
    for secret in ["private-login-7", "private-mail", "200158386223"] {
        assert_eq!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM throttles WHERE key LIKE '%{secret}%'"
            ))
            .await,
            0,
            "{secret} is stored in the clear"
        );
    }
    // The counters are there, keyed.
    let key = app.keyring().await.login("private-login-7");
    assert_eq!(
        app.scalar(&format!(
            "SELECT failures FROM throttles WHERE key = '{}'",
            key.as_str()
        ))
        .await,
        1
    );
}

//! The portal speaks as the city, in Japanese by default and in English
//! on request: error paths of the clients' documents and the mails of each
//! flow, read in both languages.

use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_reads_as_japanese, operations, spawn_app, spawn_app_with};

pub(crate) fn english() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        "accept-language",
        HeaderValue::from_static("en-GB,en;q=0.9"),
    );
    headers
}

fn has_japanese(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(c, '\u{3040}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}'))
}

/// Sends a client document with `headers` (plus a bearer token).
async fn send(
    app: &TestApp,
    file: &str,
    operation: &str,
    variables: Value,
    token: Option<&str>,
    mut headers: HeaderMap,
) -> crate::helpers::Gql {
    if let Some(token) = token {
        headers.insert(
            "authorization",
            HeaderValue::from_str(&format!("Bearer {token}")).expect("header"),
        );
    }
    app.post(
        json!({ "query": operations(file), "operationName": operation, "variables": variables }),
        headers,
    )
    .await
}

/// Every message of a response: errors and userErrors, wherever they are.
fn messages(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(m)) = map.get("message") {
                out.push(m.clone());
            }
            map.values().for_each(|v| messages(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| messages(v, out)),
        _ => {}
    }
}

/// The clients' error paths, as a member without help would hit them.
async fn error_paths(app: &TestApp, headers: &HeaderMap) -> Vec<String> {
    let mut out = vec![];
    let token = app.login_demo().await;
    let answers = [
        // Wrong password; then a locked sign-in message with its end.
        send(app, "login-screen.graphql", "Login",
            json!({ "loginId": "demo", "password": "wrong-password-000" }), None, headers.clone()).await,
        // Not signed in.
        send(app, "dashboard.graphql", "Dashboard", json!({}), None, headers.clone()).await,
        // A bad registration: every field wrong at once.
        app.post(json!({
            "query": "mutation R($i: CompleteRegistrationInput!) { completeRegistration(input: $i) { userErrors { field code message } } }",
            "variables": { "i": {
                "token": "nope", "loginId": "x", "password": "short",
                "portalCustomerNumber": "123", "displayName": "",
                "secretQuestionId": "999", "secretAnswer": ""
            } }
        }), headers.clone()).await,
        // A bad e-mail and terms not agreed.
        app.post(json!({
            "query": "mutation { requestRegistration(input: { email: \"not-an-address\", agreeToTerms: false }) { userErrors { code message } } }"
        }), headers.clone()).await,
        // A wrong current password, and an out-of-range argument.
        send(app, "account.graphql", "ChangePassword",
            json!({ "currentPassword": "wrong-password-000", "newPassword": "another-password-2026" }),
            Some(&token), headers.clone()).await,
        app.post(json!({ "query": "{ me { serviceLocations { usageHistory(months: 500) { billingMonth } } } }" }),
            { let mut h = headers.clone(); h.insert("authorization", HeaderValue::from_str(&format!("Bearer {token}")).expect("h")); h }).await,
        // The edge: a batch, and an unknown path.
        app.post(json!([{ "query": "{ __typename }" }]), headers.clone()).await,
    ];
    for answer in &answers {
        messages(&answer.body, &mut out);
    }
    out
}

#[tokio::test]
async fn error_messages_read_as_japanese_by_default_and_as_english_on_request() {
    let app = spawn_app().await;
    let japanese = error_paths(&app, &HeaderMap::new()).await;
    assert!(japanese.len() >= 12, "{japanese:?}");
    for message in &japanese {
        assert!(has_japanese(message), "{message}");
        assert_reads_as_japanese(message);
    }
    assert!(
        japanese
            .iter()
            .any(|m| m.contains("ポータルサイト用お客さま番号")),
        "{japanese:?}"
    );

    let english = error_paths(&app, &english()).await;
    assert_eq!(english.len(), japanese.len(), "{english:?}");
    for message in &english {
        assert!(!has_japanese(message), "Japanese in English: {message}");
    }
    assert!(
        english
            .iter()
            .any(|m| m.contains("login ID or the password")),
        "{english:?}"
    );
}

#[tokio::test]
async fn a_closed_portal_and_a_rate_limit_say_when_in_the_members_words() {
    let now = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Tokyo);
    use chrono::Timelike;
    let opens = (now.hour() + 2) % 24;
    let hours = format!("{opens:02}:00-{:02}:00", (opens + 1) % 24);
    let app = spawn_app_with(&[("PORTAL_SERVICE_HOURS", hours.as_str())]).await;
    let login = send(
        &app,
        "login-screen.graphql",
        "Login",
        json!({ "loginId": "demo", "password": "demo-password-2024" }),
        None,
        HeaderMap::new(),
    )
    .await;
    let message = login.body["errors"][0]["message"]
        .as_str()
        .expect("message");
    assert!(message.contains(&format!("毎日{opens}時から")), "{message}");
    assert_reads_as_japanese(message);
    let login = send(
        &app,
        "login-screen.graphql",
        "Login",
        json!({ "loginId": "demo", "password": "demo-password-2024" }),
        None,
        english(),
    )
    .await;
    let message = login.body["errors"][0]["message"]
        .as_str()
        .expect("message");
    assert!(
        message.contains(&format!("from {opens:02}:00")),
        "{message}"
    );

    // A client address over its limit is told until when.
    let app = spawn_app_with(&[("PORTAL_ADDRESS_FAILURE_LIMIT", "1")]).await;
    let wrong = json!({ "loginId": "demo", "password": "wrong-password-000" });
    send(
        &app,
        "login-screen.graphql",
        "Login",
        wrong.clone(),
        None,
        HeaderMap::new(),
    )
    .await;
    let limited = send(
        &app,
        "login-screen.graphql",
        "Login",
        wrong,
        None,
        HeaderMap::new(),
    )
    .await;
    assert_eq!(limited.error_codes(), vec!["RATE_LIMITED"]);
    let message = limited.body["errors"][0]["message"]
        .as_str()
        .expect("message");
    assert!(message.contains("以降にもう一度"), "{message}");
    assert_reads_as_japanese(message);
    assert!(limited.body["errors"][0]["extensions"]["retryAt"].is_string());
}

#[tokio::test]
async fn every_flow_mails_in_the_members_language_and_signs_as_the_bureau() {
    let app = spawn_app().await;
    // Registration mails follow the language the link was asked in.
    app.post(json!({
        "query": "mutation { requestRegistration(input: { email: \"visitor@example.jp\", agreeToTerms: true }) { accepted } }"
    }), english()).await;
    let link = app
        .wait_for_mail("visitor@example.jp", "registration")
        .await;
    assert!(
        link.subject
            .starts_with("[Kanazawa City Public Enterprise Bureau]"),
        "{}",
        link.subject
    );
    assert!(!has_japanese(&link.body), "{}", link.body);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM registrations WHERE email = 'visitor@example.jp' AND terms_version = '2026-04-01' AND language = 'en'").await,
        1,
        "the terms version agreed to and the language are recorded"
    );
    // An address already registered gets the Japanese notice (no Accept-Language).
    app.post(json!({
        "query": "mutation { requestRegistration(input: { email: \"demo@example.jp\", agreeToTerms: true }) { accepted } }"
    }), HeaderMap::new()).await;

    // The demo member's own flows, in Japanese.
    let token = app.login_demo().await;
    send(
        &app,
        "account.graphql",
        "ChangePassword",
        json!({ "currentPassword": "demo-password-2024", "newPassword": "kenrokuen-garden-2026" }),
        Some(&token),
        HeaderMap::new(),
    )
    .await;
    app.wait_for_mail("demo@example.jp", "パスワード変更").await;
    app.wait_until_outbox_is_empty().await;
    let japanese: Vec<_> = app
        .mails()
        .into_iter()
        .filter(|m| m.to.contains("demo@"))
        .collect();
    assert!(japanese.len() >= 2, "{japanese:?}");
    for mail in &japanese {
        assert!(
            mail.subject.starts_with("【金沢市企業局】"),
            "{}",
            mail.subject
        );
        assert!(
            mail.body.contains("金沢市企業局 お客さまサービスセンター"),
            "{}",
            mail.body
        );
        assert_eq!(
            mail.body.matches("――――――――――――――――――――").count(),
            1,
            "one footer: {}",
            mail.body
        );
        assert_reads_as_japanese(&mail.subject);
        assert_reads_as_japanese(&mail.body);
    }

    // The member switches to English: the next mail is in English.
    let token = app.login("demo", "kenrokuen-garden-2026").await;
    let switched = app
        .op(
            "mutation { updateLanguage(language: EN) { customer { language } } }",
            "",
            json!({}),
            Some(&token),
        )
        .await;
    assert_eq!(
        switched.data()["updateLanguage"]["customer"]["language"],
        "EN"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM members WHERE login_id = 'demo' AND language = 'en'")
            .await,
        1
    );
    send(
        &app,
        "account.graphql",
        "ChangePassword",
        json!({ "currentPassword": "kenrokuen-garden-2026", "newPassword": "higashi-chaya-2026" }),
        Some(&token),
        HeaderMap::new(),
    )
    .await;
    let mail = app
        .wait_for_mail("demo@example.jp", "password was changed")
        .await;
    assert!(mail.body.starts_with("Dear 金沢 太郎,"), "{}", mail.body);
    assert!(
        mail.body.contains("Customer Service Centre"),
        "{}",
        mail.body
    );
}

#[tokio::test]
async fn the_login_screen_links_to_the_citys_desk_faq_and_terms() {
    let app = spawn_app().await;
    let query = "{ portalInfo { organisationName portalName about contactDesk { name phone hours formUrl } offices { name phone } faq { question answer } terms { version url text } privacy { version text } } }";
    let ja = app.op(query, "", json!({}), None).await;
    let info = &ja.data()["portalInfo"];
    assert_eq!(info["organisationName"], "金沢市企業局");
    assert_eq!(info["portalName"], "金沢市上下水道ポータルサイト");
    assert_eq!(info["terms"]["version"], "2026-04-01");
    assert!(
        info["terms"]["text"]
            .as_str()
            .expect("terms")
            .contains("第1条")
    );
    assert!(info["faq"].as_array().expect("faq").len() >= 3);
    assert!(info["offices"].as_array().expect("offices").len() >= 2);
    let en = app.post(json!({ "query": query }), english()).await;
    let info = &en.data()["portalInfo"];
    assert!(!has_japanese(info["about"].as_str().expect("about")));
    assert!(!has_japanese(
        info["contactDesk"]["hours"].as_str().expect("hours")
    ));

    // The secret questions follow the language too.
    let questions = "{ secretQuestions { id text } }";
    let ja = app.op(questions, "", json!({}), None).await;
    assert_eq!(ja.data()["secretQuestions"][0]["text"], "母親の旧姓は？");
    let en = app.post(json!({ "query": questions }), english()).await;
    assert_eq!(
        en.data()["secretQuestions"][0]["text"],
        "What is your mother's maiden name?"
    );

    // Another city is a file, not a build.
    let dir = std::env::temp_dir().join(format!("city-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let profile = include_str!("../../src/city/kanazawa.toml")
        .replace("金沢市企業局", "白山市上下水道部")
        .replace("076-220-2211", "076-274-9999");
    let path = dir.join("hakusan.toml");
    std::fs::write(&path, profile).expect("write");
    let other = spawn_app_with(&[("PORTAL_CITY", path.to_str().expect("path"))]).await;
    let answer = other
        .op(
            "{ portalInfo { organisationName contactDesk { phone } } }",
            "",
            json!({}),
            None,
        )
        .await;
    assert_eq!(
        answer.data()["portalInfo"]["organisationName"],
        "白山市上下水道部"
    );
    assert_eq!(
        answer.data()["portalInfo"]["contactDesk"]["phone"],
        "076-274-9999"
    );
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[tokio::test]
async fn bill_lines_the_portal_worded_follow_the_language() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let query = json!({ "query": "{ me { serviceLocations { latestBill { lineItems { label amountYen } } } } }" });
    let mut headers = english();
    headers.insert(
        "authorization",
        HeaderValue::from_str(&format!("Bearer {token}")).expect("header"),
    );
    let en = app.post(query.clone(), headers).await;
    let labels: Vec<String> = en.data()["me"]["serviceLocations"][0]["latestBill"]["lineItems"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l["label"].as_str().expect("label").to_string())
        .collect();
    assert_eq!(labels[0], "Water: base charge", "{labels:?}");
    assert!(labels.iter().all(|l| !has_japanese(l)), "{labels:?}");
    let ja = app
        .op(
            "{ me { serviceLocations { latestBill { lineItems { label } } } } }",
            "",
            json!({}),
            Some(&token),
        )
        .await;
    assert_eq!(
        ja.data()["me"]["serviceLocations"][0]["latestBill"]["lineItems"][0]["label"],
        "水道料金 基本料金"
    );
}

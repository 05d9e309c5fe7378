//! 書類ダウンロード: listing and downloading PDFs, for their owner only.

use hmac::{Hmac, Mac};
use sea_orm::ConnectionTrait;
use serde_json::json;
use sha2::Sha256;

use crate::helpers::{TestApp, operations, spawn_app};

async fn demo_documents(app: &TestApp, token: &str) -> Vec<serde_json::Value> {
    let res = app
        .op(
            &operations("documents.graphql"),
            "Documents",
            json!({ "first": 20 }),
            Some(token),
        )
        .await;
    res.data()["me"]["documents"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

/// A second member, registered through the real flow.
async fn another_member(app: &TestApp) -> String {
    let doc = operations("login-screen.graphql");
    app.op(
        &doc,
        "RequestRegistration",
        json!({ "email": "other@example.jp" }),
        None,
    )
    .await;
    let token = app
        .wait_for_mail("other@example.jp", "会員仮登録")
        .await
        .link_param("token");
    let res = app
        .op(
            &doc,
            "CompleteRegistration",
            json!({ "input": {
                "token": token, "loginId": "other-member", "password": "犀川の桜並木2025年春",
                "portalCustomerNumber": "200158386223", "displayName": "別 会員",
                "secretQuestionId": "1", "secretAnswer": "さいがわ",
            }}),
            None,
        )
        .await;
    res.data()["completeRegistration"]["session"]["token"]
        .as_str()
        .expect("registered")
        .to_string()
}

#[tokio::test]
async fn a_member_downloads_each_of_their_documents_as_a_pdf() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let docs = demo_documents(&app, &token).await;
    let titles: Vec<&str> = docs
        .iter()
        .map(|d| d["title"].as_str().expect("title"))
        .collect();
    assert_eq!(docs.len(), 4, "{titles:?}");
    assert!(titles.contains(&"水道料金・下水道使用料改定のお知らせ"));
    // Titles say which month, as the bureau words it (no ISO month).
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("未納のお知らせ（") && t.ends_with("月分）")),
        "{titles:?}"
    );
    assert!(
        titles.iter().any(|t| t.starts_with("検針のお知らせ（")),
        "{titles:?}"
    );
    for title in &titles {
        crate::helpers::assert_reads_as_japanese(title);
    }
    let dates: Vec<&str> = docs
        .iter()
        .map(|d| d["issuedOn"].as_str().expect("date"))
        .collect();
    let mut newest_first = dates.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, newest_first);
    let kinds: Vec<&str> = docs
        .iter()
        .map(|d| d["kind"].as_str().expect("kind"))
        .collect();
    assert!(kinds.contains(&"METER_READING") && kinds.contains(&"PAYMENT_REMINDER"));

    for doc in &docs {
        // The signed link works without any header, as a PDF viewer opens it.
        let url = doc["downloadUrl"].as_str().expect("url");
        let res = app.client.get(app.url(url)).send().await.expect("sent");
        assert_eq!(res.status().as_u16(), 200, "{url}");
        let h = res.headers().clone();
        assert_eq!(h["content-type"], "application/pdf");
        assert_eq!(h["cache-control"], "no-store");
        assert_eq!(h["x-content-type-options"], "nosniff");
        let disposition = h["content-disposition"].to_str().expect("ascii");
        assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
        assert!(
            disposition.contains("%E3%81%8A%E7%9F%A5%E3%82%89%E3%81%9B"),
            "お知らせ: {disposition}"
        );
        let bytes = res.bytes().await.expect("body");
        assert_eq!(bytes.len() as i64, doc["sizeBytes"].as_i64().expect("size"));
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(bytes.trim_ascii_end().ends_with(b"%%EOF"));
        // The font is embedded (a subset), and the member's details are in
        // the text as a PDF reader extracts it.
        let raw = String::from_utf8_lossy(&bytes);
        assert!(raw.contains("/FontFile2"), "an embedded font");
        assert!(
            raw.contains("+BIZUDGothic-Regular"),
            "a subset of BIZ UDGothic"
        );
        let text = crate::pdf_text::notice_text(&bytes);
        let number = doc["serviceLocation"]["customerNumber"]
            .as_str()
            .expect("number");
        assert!(text.contains(number), "{number} in the PDF: {text}");
        assert!(
            text.contains("金沢") && text.contains(" 様\n"),
            "addressed to the holder: {text}"
        );
        if doc["kind"] == "METER_READING" {
            assert!(text.contains("ポータルサイト用お客さま番号: "), "{text}");
        }
        crate::helpers::assert_reads_as_japanese(&text);

        // And the session alone works too.
        let id = doc["id"].as_str().expect("id");
        let by_session = app.get(&format!("/documents/{id}"), Some(&token)).await;
        assert_eq!(by_session.status().as_u16(), 200);
    }
}

#[tokio::test]
async fn others_logged_out_clients_and_expired_or_forged_links_get_404() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let docs = demo_documents(&app, &token).await;
    let id = docs[0]["id"].as_str().expect("id").to_string();
    let path = format!("/documents/{id}");

    let other = another_member(&app).await;
    assert_eq!(app.get(&path, Some(&other)).await.status().as_u16(), 404);
    assert_eq!(app.get(&path, None).await.status().as_u16(), 404);
    assert_eq!(
        app.get("/documents/999999", Some(&token))
            .await
            .status()
            .as_u16(),
        404
    );

    // The other member's own list does not show the demo member's documents.
    let theirs = demo_documents(&app, &other).await;
    assert!(theirs.iter().all(|d| d["id"] != json!(id)));

    // A link for one member cannot be used for another, or edited.
    let url = docs[0]["downloadUrl"].as_str().expect("url").to_string();
    let forged = url.replace("member=1&", "member=2&");
    assert_eq!(
        app.client
            .get(app.url(&forged))
            .send()
            .await
            .expect("sent")
            .status()
            .as_u16(),
        404
    );
    let tampered = format!("{}0", url);
    assert_eq!(
        app.client
            .get(app.url(&tampered))
            .send()
            .await
            .expect("sent")
            .status()
            .as_u16(),
        404
    );

    // A genuinely signed link whose time is up.
    let key: String = {
        let row = app
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                app.db.get_database_backend(),
                "SELECT value FROM app_secrets WHERE name = 'document_links'",
            ))
            .await
            .expect("query")
            .expect("row");
        row.try_get_by_index(0).expect("value")
    };
    let expired = chrono::Utc::now().timestamp() - 60;
    let mut mac = Hmac::<Sha256>::new_from_slice(&hex::decode(key).expect("hex")).expect("key");
    mac.update(format!("document:{id}:member:1:expires:{expired}").as_bytes());
    let signature = hex::encode(mac.finalize().into_bytes());
    let old = format!("{path}?member=1&expires={expired}&signature={signature}");
    assert_eq!(
        app.client
            .get(app.url(&old))
            .send()
            .await
            .expect("sent")
            .status()
            .as_u16(),
        404
    );

    // A logged-out session no longer downloads.
    app.op(
        &operations("dashboard.graphql"),
        "Logout",
        json!({}),
        Some(&token),
    )
    .await;
    assert_eq!(app.get(&path, Some(&token)).await.status().as_u16(), 404);
}

//! Notices: the list, one notice, read marks.

use serde_json::{Value, json};

use crate::helpers::{operations, spawn_app};

#[tokio::test]
async fn opening_a_notice_and_marking_it_read_is_stored_once() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let doc = operations("dashboard.graphql");
    let notice = app
        .op(&doc, "Notice", json!({ "id": "1" }), Some(&token))
        .await;
    let n = &notice.data()["notice"];
    assert_eq!(n["isRead"], false);
    assert!(n["body"].as_str().expect("body").contains("改定"));

    for _ in 0..2 {
        let res = app
            .op(&doc, "MarkNoticeRead", json!({ "id": "1" }), Some(&token))
            .await;
        let payload = &res.data()["markNoticeRead"];
        assert_eq!(payload["userErrors"], json!([]));
        assert_eq!(payload["notice"]["isRead"], true);
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM notice_reads WHERE member_id = 1 AND notice_id = 1")
            .await,
        1
    );
    let again = app
        .op(&doc, "Notice", json!({ "id": "1" }), Some(&token))
        .await;
    assert_eq!(again.data()["notice"]["isRead"], true);
}

#[tokio::test]
async fn a_notice_addressed_to_another_member_is_not_found() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let other = app
        .scalar("SELECT MIN(member_id) FROM service_locations WHERE member_id > 1")
        .await;
    // A time both engines read as a timestamp.
    let now = "'2020-01-01T00:00:00+00:00'";
    app.sql(&format!(
        "INSERT INTO notices (member_id, title, body, published_at) VALUES ({other}, '個別', '他の会員宛て', {now})"
    ))
    .await;
    let id = app.scalar("SELECT MAX(id) FROM notices").await.to_string();
    let doc = operations("dashboard.graphql");
    let res = app
        .op(&doc, "Notice", json!({ "id": id }), Some(&token))
        .await;
    assert_eq!(res.error_codes(), vec!["NOT_FOUND"]);
    let mark = app
        .op(&doc, "MarkNoticeRead", json!({ "id": id }), Some(&token))
        .await;
    let payload = &mark.data()["markNoticeRead"];
    assert!(payload["notice"].is_null());
    assert_eq!(payload["userErrors"][0]["code"], "NOT_FOUND");
    assert_eq!(payload["userErrors"][0]["field"], "id");
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM notice_reads WHERE notice_id = (SELECT MAX(id) FROM notices)"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn paging_through_notices_shows_each_once_with_read_marks() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let query = "query($after: String) { notices(first: 3, after: $after) { \
                 edges { node { id isRead } } pageInfo { hasNextPage endCursor } } }";
    let mut ids = Vec::new();
    let mut read = 0;
    let mut after = Value::Null;
    loop {
        let res = app
            .op(query, "", json!({ "after": after }), Some(&token))
            .await;
        let page = &res.data()["notices"];
        for edge in page["edges"].as_array().expect("edges") {
            ids.push(edge["node"]["id"].as_str().expect("id").to_string());
            if edge["node"]["isRead"] == true {
                read += 1;
            }
        }
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    // Eight notices to everyone and two to the demo member; three read.
    assert_eq!(ids.len(), 10);
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 10);
    assert_eq!(read, 3);
}

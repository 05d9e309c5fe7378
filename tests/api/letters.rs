//! The dead end: a member who forgot both password and secret answer gets
//! a posted letter with a one-time code from the support desk.

use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_reads_as_japanese, operations, spawn_app};
use crate::pdf_text::notice_text;

const NEW_PASSWORD: &str = "kenrokuen-garden-2026";

/// A second clerk, who prints what the first issues.
async fn second_clerk(app: &TestApp) -> String {
    let added = app
        .tool(
            &["staff", "add", "clerk01", "--name", "窓口 花子"],
            "counter-password-2025\n",
        )
        .await;
    assert!(added.success, "{}", added.stderr);
    app.staff_login("clerk01", "counter-password-2025")
        .await
        .expect("clerk signs in")
}

async fn issue(app: &TestApp, staff: &str) -> Value {
    let res = app
        .op(
            &operations("support-desk.graphql"),
            "IssueResetLetter",
            json!({ "memberId": "1" }),
            Some(staff),
        )
        .await;
    let payload = &res.data()["support"]["issueResetLetter"];
    assert_eq!(payload["userErrors"], json!([]), "{}", res.body);
    payload["letter"].clone()
}

/// Downloads a letter's PDF with `token`: its status and body.
async fn download(app: &TestApp, path: &str, token: Option<&str>) -> (u16, Vec<u8>) {
    let res = app.get(path, token).await;
    let status = res.status().as_u16();
    (status, res.bytes().await.expect("body").to_vec())
}

fn code_of(text: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix("再設定コード: "))
        .unwrap_or_else(|| panic!("no code in {text}"))
        .trim()
        .to_string()
}

async fn redeem(app: &TestApp, number: &str, code: &str, password: &str) -> Value {
    let res = app
        .op(
            &operations("reset-letter.graphql"),
            "ResetPasswordWithLetter",
            json!({ "input": {
                "portalCustomerNumber": number, "code": code, "newPassword": password,
                "secretQuestionId": "2", "secretAnswer": "ポチ"
            } }),
            None,
        )
        .await;
    res.data()["resetPasswordWithLetter"].clone()
}

fn codes(payload: &Value) -> Vec<String> {
    payload["userErrors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["code"].as_str().expect("code").to_string())
        .collect()
}

#[tokio::test]
async fn a_posted_letter_lets_a_member_who_forgot_everything_set_a_new_password_and_answer() {
    let app = spawn_app().await;
    let old_session = app.login_demo().await;
    let staff = app
        .staff_login("staff", "staff-password-2024")
        .await
        .expect("staff signs in");
    let letter = issue(&app, &staff).await;
    let to = &letter["addressedTo"];
    assert_eq!(to["customerNumber"], "3100000001");
    let number = to["portalCustomerNumber"]
        .as_str()
        .expect("number")
        .to_string();
    let path = letter["downloadPath"].as_str().expect("path").to_string();
    // Valid 14 days.
    let created = chrono::DateTime::parse_from_rfc3339(letter["createdAt"].as_str().expect("t"))
        .expect("time");
    let expires = chrono::DateTime::parse_from_rfc3339(letter["expiresAt"].as_str().expect("t"))
        .expect("time");
    assert_eq!(expires - created, chrono::Duration::days(14));
    // Only the code's hash is kept; the letter waits to be printed.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM reset_letters WHERE member_id = 1 AND LENGTH(code_hash) = 64 AND pdf IS NOT NULL AND used_at IS NULL").await,
        1
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'issue_reset_letter' AND member_id = 1"
        )
        .await,
        1
    );
    let mail = app
        .wait_for_mail("demo@example.jp", "パスワード再設定のご案内を郵送します")
        .await;
    assert!(mail.body.contains("石川県金沢市"), "{}", mail.body);
    assert_reads_as_japanese(&mail.body);

    // Only a staff session other than the issuer's gets the PDF, once.
    assert_eq!(download(&app, &path, None).await.0, 404);
    assert_eq!(download(&app, &path, Some(&old_session)).await.0, 404);
    assert_eq!(download(&app, &path, Some(&staff)).await.0, 403);
    let printer = second_clerk(&app).await;
    let (status, pdf) = download(&app, &path, Some(&printer)).await;
    assert_eq!(status, 200);
    let text = notice_text(&pdf);
    assert!(text.contains("金沢 太郎 様"), "{text}");
    assert!(
        text.contains(&format!("ポータルサイト用お客さま番号: {number}")),
        "{text}"
    );
    let code = code_of(&text);
    assert_eq!(code.len(), 14, "{code}");
    assert_eq!(download(&app, &path, Some(&printer)).await.0, 404);
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM reset_letters WHERE pdf IS NULL AND downloaded_at IS NOT NULL"
        )
        .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'download_reset_letter'")
            .await,
        1
    );

    // Wrong code, another number, nonsense: refused, nothing changes.
    let wrong = redeem(&app, &number, "AAAA-BBBB-CCCC", NEW_PASSWORD).await;
    assert_eq!(codes(&wrong), vec!["CODE_INVALID"]);
    assert_eq!(wrong["success"], false);
    let other = redeem(&app, "200158386223", &code, NEW_PASSWORD).await;
    assert_eq!(codes(&other), vec!["CODE_INVALID"]);
    let short = redeem(&app, &number, &code, "short").await;
    assert_eq!(codes(&short), vec!["PASSWORD_TOO_SHORT"]);
    app.login_demo().await;

    // Typed in lower case with spaces, it works once.
    let typed = code.to_lowercase().replace('-', " ");
    let done = redeem(&app, &number, &typed, NEW_PASSWORD).await;
    assert_eq!(done["success"], true, "{done}");
    assert_eq!(codes(&done), Vec::<String>::new());
    let again = redeem(&app, &number, &code, "another-garden-2027").await;
    assert_eq!(codes(&again), vec!["CODE_INVALID"]);
    // Every old session ended; the old password is gone, the new one works.
    let me = app
        .op("{ me { id } }", "", json!({}), Some(&old_session))
        .await;
    assert!(
        me.error_codes().contains(&"UNAUTHENTICATED".to_string()),
        "{}",
        me.body
    );
    let old = app
        .op(
            &operations("login-screen.graphql"),
            "Login",
            json!({ "loginId": "demo", "password": "demo-password-2024" }),
            None,
        )
        .await;
    assert!(old.data()["login"]["session"].is_null());
    app.login("demo", NEW_PASSWORD).await;
    // The new secret answer works too.
    let recovered = app
        .op(
            &operations("login-screen.graphql"),
            "RecoverLoginId",
            json!({ "portalCustomerNumber": number, "secretAnswer": "ぽち" }),
            None,
        )
        .await;
    assert_eq!(
        recovered.data()["recoverLoginId"]["loginId"],
        "demo",
        "{}",
        recovered.body
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM members WHERE id = 1 AND secret_question_id = 2")
            .await,
        1
    );
    app.wait_for_mail("demo@example.jp", "秘密の質問の再設定完了")
        .await;
}

#[tokio::test]
async fn a_new_letter_voids_the_old_one_and_a_letter_expires_after_fourteen_days() {
    let app = spawn_app().await;
    let staff = app
        .staff_login("staff", "staff-password-2024")
        .await
        .expect("staff signs in");
    let printer = second_clerk(&app).await;
    let first = issue(&app, &staff).await;
    let (_, pdf) = download(
        &app,
        first["downloadPath"].as_str().expect("path"),
        Some(&printer),
    )
    .await;
    let first_code = code_of(&notice_text(&pdf));
    let number = notice_text(&pdf)
        .lines()
        .find_map(|l| {
            l.strip_prefix("ポータルサイト用お客さま番号: ")
                .map(str::to_string)
        })
        .expect("number");
    let second = issue(&app, &staff).await;
    let (_, pdf) = download(
        &app,
        second["downloadPath"].as_str().expect("path"),
        Some(&printer),
    )
    .await;
    let second_code = code_of(&notice_text(&pdf));
    assert_ne!(first_code, second_code);
    assert_eq!(
        codes(&redeem(&app, &number, &first_code, NEW_PASSWORD).await),
        vec!["CODE_INVALID"]
    );
    // A member who does not exist, or a location not theirs, gets no letter.
    let res = app
        .op(
            &operations("support-desk.graphql"),
            "IssueResetLetter",
            json!({ "memberId": "99999" }),
            Some(&staff),
        )
        .await;
    assert_eq!(
        res.data()["support"]["issueResetLetter"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    let res = app
        .op(
            &operations("support-desk.graphql"),
            "IssueResetLetter",
            json!({ "memberId": "1", "serviceLocationId": "3" }),
            Some(&staff),
        )
        .await;
    assert_eq!(
        res.data()["support"]["issueResetLetter"]["userErrors"][0]["code"],
        "NO_ADDRESS"
    );
    // Members cannot issue letters.
    let member = app.login_demo().await;
    let res = app
        .op(
            &operations("support-desk.graphql"),
            "IssueResetLetter",
            json!({ "memberId": "1" }),
            Some(&member),
        )
        .await;
    assert!(
        res.error_codes().contains(&"FORBIDDEN".to_string()),
        "{}",
        res.body
    );
    // Fourteen days on, the second code has expired too.
    app.clock.advance(chrono::Duration::days(15));
    assert_eq!(
        codes(&redeem(&app, &number, &second_code, NEW_PASSWORD).await),
        vec!["CODE_INVALID"]
    );
}

#[tokio::test]
async fn a_member_who_withdraws_leaves_no_letter_behind() {
    let app = spawn_app().await;
    let staff = app
        .staff_login("staff", "staff-password-2024")
        .await
        .expect("staff signs in");
    let letter = issue(&app, &staff).await;
    let token = app.login_demo().await;
    let res = app
        .op(
            &operations("account.graphql"),
            "Withdraw",
            json!({ "currentPassword": "demo-password-2024" }),
            Some(&token),
        )
        .await;
    assert_eq!(res.data()["withdraw"]["success"], true, "{}", res.body);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM reset_letters").await, 0);
    let printer = second_clerk(&app).await;
    let path = letter["downloadPath"].as_str().expect("path");
    assert_eq!(download(&app, path, Some(&printer)).await.0, 404);
}

//! Membership: registration, recovery, settings, service locations and
//! withdrawal, with the mails read back from the mail directory.

use serde_json::{Value, json};

use crate::helpers::{
    Gql, TestApp, assert_reads_as_japanese, operations, spawn_app, spawn_app_with,
};

/// Unregistered portal customer numbers of the demo city (README).
const FREE_NUMBER: &str = "200158386223";
const FREE_NUMBER_2: &str = "200237579335";
/// The demo member's home.
const DEMO_NUMBER: &str = "200000000006";
const GOOD_PASSWORD: &str = "ゆきつり兼六園2025spring";

fn login_screen() -> String {
    operations("login-screen.graphql")
}

fn account() -> String {
    operations("account.graphql")
}

async fn request_registration(app: &TestApp, email: &str) -> Gql {
    app.op(
        &login_screen(),
        "RequestRegistration",
        json!({ "email": email }),
        None,
    )
    .await
}

/// Step 1 and the mailed token.
async fn registration_token(app: &TestApp, email: &str) -> String {
    let res = request_registration(app, email).await;
    assert_eq!(res.data()["requestRegistration"]["accepted"], true);
    app.wait_for_mail(email, "会員仮登録")
        .await
        .link_param("token")
}

fn completion(token: &str, login_id: &str, number: &str) -> Value {
    json!({ "input": {
        "token": token,
        "loginId": login_id,
        "password": GOOD_PASSWORD,
        "portalCustomerNumber": number,
        "displayName": "犀川 花子",
        "secretQuestionId": "2",
        "secretAnswer": "ポチ",
        "notificationSettings": { "billIssued": true, "noticePublished": false },
    }})
}

async fn complete(app: &TestApp, input: Value) -> Gql {
    app.op(&login_screen(), "CompleteRegistration", input, None)
        .await
}

fn codes(payload: &Value) -> Vec<String> {
    payload["userErrors"]
        .as_array()
        .expect("userErrors")
        .iter()
        .map(|e| e["code"].as_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test]
async fn a_new_member_registers_from_the_mailed_link_and_is_signed_in() {
    let app = spawn_app().await;
    let token = registration_token(&app, "hanako@example.jp").await;
    assert!(token.len() >= 43);

    let res = complete(
        &app,
        completion(&token, "hanako", "２００１-５８３８-６２２３"),
    )
    .await;
    let payload = &res.data()["completeRegistration"];
    assert_eq!(payload["userErrors"], json!([]));
    assert_eq!(payload["customer"]["loginId"], "hanako");
    assert_eq!(payload["customer"]["displayName"], "犀川 花子");
    let session = payload["session"]["token"].as_str().expect("token");
    assert!(res.headers.get("set-cookie").is_some());

    let settings = app
        .op(&account(), "AccountSettings", json!({}), Some(session))
        .await;
    let me = &settings.data()["me"];
    assert_eq!(me["email"], "hanako@example.jp");
    assert_eq!(me["secretQuestion"]["text"], "初めて飼ったペットの名前は？");
    assert_eq!(
        me["notificationSettings"],
        json!({ "billIssued": true, "noticePublished": false })
    );

    // Stored: argon2id hashes only, and the location linked.
    let id = me["id"].as_str().expect("id");
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM members WHERE id = {id} AND password_hash LIKE '$argon2id$%' \
             AND secret_answer_hash LIKE '$argon2id$%' AND secret_answer_hash NOT LIKE '%ポチ%'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM service_locations WHERE member_id = {id} AND portal_customer_number = '{FREE_NUMBER}'"
        ))
        .await,
        1
    );
    let done = app.wait_for_mail("hanako@example.jp", "会員登録完了").await;
    assert!(done.body.contains("hanako"));

    // The link works once.
    let again = complete(&app, completion(&token, "hanako2", FREE_NUMBER_2)).await;
    assert_eq!(
        codes(&again.data()["completeRegistration"]),
        vec!["TOKEN_INVALID"]
    );
    // And the new credentials sign in.
    app.login("hanako", GOOD_PASSWORD).await;
}

#[tokio::test]
async fn registration_refuses_bad_input_and_writes_nothing() {
    let app = spawn_app().await;
    let refused = app
        .op(
            "mutation($e: String!) { requestRegistration(input: { email: $e, agreeToTerms: false }) { accepted userErrors { field code } } }",
            "",
            json!({ "e": "not-an-address" }),
            None,
        )
        .await;
    let payload = &refused.data()["requestRegistration"];
    assert_eq!(payload["accepted"], false);
    assert_eq!(codes(payload), vec!["TERMS_NOT_AGREED", "INVALID_EMAIL"]);

    let token = registration_token(&app, "taro@example.jp").await;
    let members = app.scalar("SELECT COUNT(*) FROM members").await;
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({ "password": "short" }),
            "password",
            "PASSWORD_TOO_SHORT",
        ),
        (
            json!({ "password": "1qaz2wsx3edc" }),
            "password",
            "PASSWORD_TOO_COMMON",
        ),
        (
            json!({ "password": "taro-no-password" , "loginId": "taro-no" }),
            "password",
            "PASSWORD_CONTAINS_PERSONAL_INFO",
        ),
        (
            json!({ "password": "Kanazawa-water-2025" }),
            "password",
            "PASSWORD_CONTAINS_PERSONAL_INFO",
        ),
        (json!({ "loginId": "x" }), "loginId", "INVALID_LOGIN_ID"),
        (json!({ "loginId": "demo" }), "loginId", "LOGIN_ID_TAKEN"),
        (
            json!({ "portalCustomerNumber": "200158386224" }),
            "portalCustomerNumber",
            "INVALID_CUSTOMER_NUMBER",
        ),
        (
            json!({ "portalCustomerNumber": DEMO_NUMBER }),
            "portalCustomerNumber",
            "CUSTOMER_NUMBER_UNAVAILABLE",
        ),
        (
            json!({ "portalCustomerNumber": "999999999991" }),
            "portalCustomerNumber",
            "CUSTOMER_NUMBER_UNAVAILABLE",
        ),
        (
            json!({ "secretQuestionId": "99" }),
            "secretQuestionId",
            "INVALID_SECRET_QUESTION",
        ),
        (
            json!({ "secretAnswer": "   " }),
            "secretAnswer",
            "INVALID_SECRET_ANSWER",
        ),
        (
            json!({ "displayName": "" }),
            "displayName",
            "INVALID_DISPLAY_NAME",
        ),
        (json!({ "token": "made-up" }), "token", "TOKEN_INVALID"),
    ];
    for (change, field, code) in cases {
        let mut input = completion(&token, "taro", FREE_NUMBER);
        for (k, v) in change.as_object().expect("object") {
            input["input"][k] = v.clone();
        }
        let res = complete(&app, input).await;
        let payload = &res.data()["completeRegistration"];
        assert_eq!(codes(payload), vec![code], "{change}");
        assert_eq!(payload["userErrors"][0]["field"], field);
        let message = payload["userErrors"][0]["message"]
            .as_str()
            .expect("message");
        assert!(!message.is_ascii(), "a Japanese message: {message}");
        assert!(payload["session"].is_null());
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM members").await, members);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM registrations WHERE used_at IS NOT NULL")
            .await,
        0
    );
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM service_locations WHERE portal_customer_number = '{FREE_NUMBER}' AND member_id IS NOT NULL")).await,
        0
    );

    // An expired link is refused too: a day and a minute later.
    app.clock
        .advance(chrono::Duration::hours(24) + chrono::Duration::minutes(1));
    let res = complete(&app, completion(&token, "taro", FREE_NUMBER)).await;
    assert_eq!(
        codes(&res.data()["completeRegistration"]),
        vec!["TOKEN_INVALID"]
    );
}

#[tokio::test]
async fn a_registered_address_gets_the_same_answer_and_a_different_mail() {
    let app = spawn_app().await;
    let fresh = request_registration(&app, "someone-new@example.jp").await;
    let known = request_registration(&app, "demo@example.jp").await;
    assert_eq!(fresh.body, known.body);
    let mail = app
        .wait_for_mail("demo@example.jp", "会員登録のお申し込みについて")
        .await;
    assert!(mail.body.contains("すでに会員として登録されています"));
    assert!(!mail.body.contains("token="));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM registrations WHERE email = 'demo@example.jp'")
            .await,
        0
    );
}

#[tokio::test]
async fn two_clients_completing_for_one_location_end_with_one_member() {
    let app = spawn_app().await;
    let a = registration_token(&app, "a@example.jp").await;
    let b = registration_token(&app, "b@example.jp").await;
    let (ra, rb) = tokio::join!(
        complete(&app, completion(&a, "first-client", FREE_NUMBER)),
        complete(&app, completion(&b, "second-client", FREE_NUMBER)),
    );
    let results = [
        &ra.data()["completeRegistration"],
        &rb.data()["completeRegistration"],
    ];
    let won = results
        .iter()
        .filter(|p| p["userErrors"] == json!([]))
        .count();
    assert_eq!(won, 1, "{results:?}");
    let lost = results
        .iter()
        .find(|p| p["userErrors"] != json!([]))
        .expect("a loser");
    assert_eq!(codes(lost), vec!["CUSTOMER_NUMBER_UNAVAILABLE"]);
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM members WHERE login_id IN ('first-client', 'second-client')"
        )
        .await,
        1
    );

    // The same login ID for two locations at once: one wins.
    let c = registration_token(&app, "c@example.jp").await;
    let d = registration_token(&app, "d@example.jp").await;
    let (rc, rd) = tokio::join!(
        complete(&app, completion(&c, "same-id", FREE_NUMBER_2)),
        complete(&app, completion(&d, "same-id", "200316772447")),
    );
    let results = [
        &rc.data()["completeRegistration"],
        &rd.data()["completeRegistration"],
    ];
    assert_eq!(
        results
            .iter()
            .filter(|p| p["userErrors"] == json!([]))
            .count(),
        1
    );
    let lost = results
        .iter()
        .find(|p| p["userErrors"] != json!([]))
        .expect("a loser");
    assert_eq!(codes(lost), vec!["LOGIN_ID_TAKEN"]);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM members WHERE login_id = 'same-id'")
            .await,
        1
    );
    // The loser's location and token are untouched.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM registrations WHERE used_at IS NOT NULL")
            .await,
        2
    );
}

#[tokio::test]
async fn the_secret_question_recovers_the_login_id_in_any_kana() {
    let app = spawn_app().await;
    let doc = login_screen();
    let q = app
        .op(
            &doc,
            "RecoveryQuestion",
            json!({ "portalCustomerNumber": DEMO_NUMBER }),
            None,
        )
        .await;
    assert_eq!(q.data()["recoveryQuestion"]["text"], "母親の旧姓は？");

    // A number without a member gets a decoy, the same every time.
    let decoy1 = app
        .op(
            &doc,
            "RecoveryQuestion",
            json!({ "portalCustomerNumber": FREE_NUMBER }),
            None,
        )
        .await;
    let decoy2 = app
        .op(
            &doc,
            "RecoveryQuestion",
            json!({ "portalCustomerNumber": FREE_NUMBER }),
            None,
        )
        .await;
    assert_eq!(decoy1.body, decoy2.body);
    assert!(decoy1.data()["recoveryQuestion"]["text"].is_string());

    for answer in ["カナザワ", "ｶﾅｻﾞﾜ", " か な ざ わ "] {
        let res = app
            .op(
                &doc,
                "RecoverLoginId",
                json!({ "portalCustomerNumber": DEMO_NUMBER, "secretAnswer": answer }),
                None,
            )
            .await;
        let payload = &res.data()["recoverLoginId"];
        assert_eq!(payload["loginId"], "demo", "{answer}");
    }
    app.wait_for_mail("demo@example.jp", "ログインID表示").await;

    // Wrong answers and unknown numbers answer alike.
    let wrong = app
        .op(
            &doc,
            "RecoverLoginId",
            json!({ "portalCustomerNumber": DEMO_NUMBER, "secretAnswer": "のと" }),
            None,
        )
        .await;
    let unknown = app
        .op(
            &doc,
            "RecoverLoginId",
            json!({ "portalCustomerNumber": FREE_NUMBER, "secretAnswer": "のと" }),
            None,
        )
        .await;
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(codes(&wrong.data()["recoverLoginId"]), vec!["WRONG_ANSWER"]);
    assert!(wrong.data()["recoverLoginId"]["loginId"].is_null());
}

#[tokio::test]
async fn five_wrong_answers_lock_recovery_for_a_day_and_mail_the_member() {
    let app = spawn_app().await;
    let doc = login_screen();
    let attempt = |number: &'static str, answer: &'static str| {
        let app = &app;
        let doc = &doc;
        async move {
            let res = app
                .op(
                    doc,
                    "RecoverLoginId",
                    json!({ "portalCustomerNumber": number, "secretAnswer": answer }),
                    None,
                )
                .await;
            res.data()["recoverLoginId"].clone()
        }
    };
    for _ in 0..5 {
        assert_eq!(
            codes(&attempt(DEMO_NUMBER, "はずれ").await),
            vec!["WRONG_ANSWER"]
        );
        assert_eq!(
            codes(&attempt(FREE_NUMBER, "はずれ").await),
            vec!["WRONG_ANSWER"]
        );
    }
    // Locked: even the right answer is refused, and unknown numbers lock alike.
    let locked = attempt(DEMO_NUMBER, "かなざわ").await;
    assert_eq!(codes(&locked), vec!["ACCOUNT_LOCKED"]);
    assert!(locked["loginId"].is_null());
    assert_eq!(
        codes(&attempt(FREE_NUMBER, "かなざわ").await),
        vec!["ACCOUNT_LOCKED"]
    );
    let message = locked["userErrors"][0]["message"]
        .as_str()
        .expect("message");
    assert!(
        message.contains("日(") && message.contains("時"),
        "{message}"
    );
    assert_reads_as_japanese(message);
    let mail = app.wait_for_mail("demo@example.jp", "回答停止").await;
    assert!(mail.body.contains("停止しています"), "{}", mail.body);
    assert_reads_as_japanese(&mail.body);
    let key = app.keyring().await.recovery(DEMO_NUMBER);
    let hours = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM throttles WHERE key = '{}' AND locked_until IS NOT NULL",
            key.as_str()
        ))
        .await;
    assert_eq!(hours, 1);

    // When the lock ends, the right answer works again.
    app.clock.advance(chrono::Duration::hours(25));
    assert_eq!(attempt(DEMO_NUMBER, "かなざわ").await["loginId"], "demo");
}

#[tokio::test]
async fn a_password_reset_takes_the_answer_and_the_members_mailbox_and_ends_every_session() {
    let app = spawn_app().await;
    let old_session = app.login_demo().await;
    let reset = |login_id: &'static str| {
        let app = &app;
        async move {
            let res = app
                .op(
                    &login_screen(),
                    "ResetPassword",
                    json!({ "input": {
                        "loginId": login_id,
                        "portalCustomerNumber": DEMO_NUMBER,
                        "secretAnswer": "カナザワ",
                        "newPassword": GOOD_PASSWORD,
                    }}),
                    None,
                )
                .await;
            assert!(res.headers.get("set-cookie").is_none());
            res.data()["resetPassword"].clone()
        }
    };
    let complete_reset = |token: String| {
        let app = &app;
        async move {
            let res = app
                .op(
                    &operations("password-reset.graphql"),
                    "CompletePasswordReset",
                    json!({ "token": token }),
                    None,
                )
                .await;
            res.data()["completePasswordReset"].clone()
        }
    };
    let wrong_id = reset("someone").await;
    assert_eq!(wrong_id["success"], false);
    assert_eq!(codes(&wrong_id), vec!["WRONG_ANSWER"]);

    // Step 1: the right answer changes nothing yet; a link is mailed.
    assert_eq!(reset("demo").await["success"], true);
    let first = app
        .wait_for_mail("demo@example.jp", "パスワード再設定の確認")
        .await
        .link_param("token");
    assert!(!app.login("demo", "demo-password-2024").await.is_empty());
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM password_resets WHERE used_at IS NULL")
            .await,
        1
    );
    // A second request voids the first link.
    assert_eq!(reset("demo").await["success"], true);
    app.wait_until_outbox_is_empty().await;
    let mails: Vec<_> = app
        .mails()
        .into_iter()
        .filter(|m| m.subject.contains("パスワード再設定の確認"))
        .collect();
    let second = mails.last().expect("a second link").link_param("token");
    assert_ne!(first, second);
    assert_eq!(codes(&complete_reset(first).await), vec!["TOKEN_INVALID"]);
    assert_eq!(
        codes(&complete_reset("forged-token".into()).await),
        vec!["TOKEN_INVALID"]
    );

    // Step 2: the link sets the password, once.
    assert_eq!(complete_reset(second.clone()).await["success"], true);
    app.wait_for_mail("demo@example.jp", "パスワード再設定完了")
        .await;
    assert_eq!(codes(&complete_reset(second).await), vec!["TOKEN_INVALID"]);
    let me = app
        .op("{ me { id } }", "", json!({}), Some(&old_session))
        .await;
    assert_eq!(me.error_codes(), vec!["UNAUTHENTICATED"]);
    let old = app
        .op(
            &login_screen(),
            "Login",
            json!({ "loginId": "demo", "password": "demo-password-2024" }),
            None,
        )
        .await;
    assert_eq!(codes(&old.data()["login"]), vec!["INVALID_CREDENTIALS"]);
    app.login("demo", GOOD_PASSWORD).await;
    // No spent or voided link keeps a password hash.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM password_resets WHERE password_hash <> ''")
            .await,
        0
    );
}

#[tokio::test]
async fn failed_logins_lock_known_and_unknown_ids_alike_until_the_lock_ends() {
    let app = spawn_app().await;
    let doc = login_screen();
    let login = |id: &'static str, password: &'static str| {
        let app = &app;
        let doc = &doc;
        async move {
            app.op(
                doc,
                "Login",
                json!({ "loginId": id, "password": password }),
                None,
            )
            .await
            .data()["login"]
                .clone()
        }
    };
    for _ in 0..5 {
        assert_eq!(
            codes(&login("demo", "wrong-password-1").await),
            vec!["INVALID_CREDENTIALS"]
        );
        assert_eq!(
            codes(&login("ghost-member", "wrong-password-1").await),
            vec!["INVALID_CREDENTIALS"]
        );
    }
    let locked = login("demo", "demo-password-2024").await;
    assert_eq!(codes(&locked), vec!["ACCOUNT_LOCKED"]);
    assert!(locked["session"].is_null());
    let ghost = login("ghost-member", "demo-password-2024").await;
    assert_eq!(codes(&ghost), vec!["ACCOUNT_LOCKED"]);
    // A wrong password while locked gets the very same answer.
    assert_eq!(login("demo", "wrong-password-1").await, locked);

    // The first lock lasts a minute.
    app.clock.advance(chrono::Duration::minutes(2));
    let key = app.keyring().await.login("demo");
    assert!(login("demo", "demo-password-2024").await["session"]["token"].is_string());
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM throttles WHERE key = '{}'",
            key.as_str()
        ))
        .await,
        0
    );
}

#[tokio::test]
async fn a_password_change_needs_the_current_one_and_ends_other_sessions() {
    let app = spawn_app().await;
    let phone = app.login_demo().await;
    let web = app.login_demo().await;
    let doc = account();
    let change = |current: &'static str, new: &'static str| {
        let app = &app;
        let doc = &doc;
        let web = &web;
        async move {
            app.op(
                doc,
                "ChangePassword",
                json!({ "currentPassword": current, "newPassword": new }),
                Some(web),
            )
            .await
            .data()["changePassword"]
                .clone()
        }
    };
    assert_eq!(
        codes(&change("not-it-at-all", GOOD_PASSWORD).await),
        vec!["WRONG_PASSWORD"]
    );
    assert_eq!(
        codes(&change("demo-password-2024", "password1234").await),
        vec!["PASSWORD_TOO_COMMON"]
    );
    assert_eq!(
        codes(&change("demo-password-2024", "my-demo-password").await),
        vec!["PASSWORD_CONTAINS_PERSONAL_INFO"]
    );
    let ok = change("demo-password-2024", GOOD_PASSWORD).await;
    assert_eq!(ok["success"], true);
    app.wait_for_mail("demo@example.jp", "パスワード変更").await;

    let on_phone = app.op("{ me { id } }", "", json!({}), Some(&phone)).await;
    assert_eq!(on_phone.error_codes(), vec!["UNAUTHENTICATED"]);
    let on_web = app.op("{ me { id } }", "", json!({}), Some(&web)).await;
    assert_eq!(on_web.data()["me"]["id"], "1");
    app.login("demo", GOOD_PASSWORD).await;
}

#[tokio::test]
async fn an_email_change_takes_effect_only_through_the_mailed_link() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let doc = account();
    let wrong = app
        .op(
            &doc,
            "ChangeEmail",
            json!({ "currentPassword": "nope-nope-nope", "email": "new@example.jp" }),
            Some(&token),
        )
        .await;
    assert_eq!(codes(&wrong.data()["changeEmail"]), vec!["WRONG_PASSWORD"]);

    let res = app
        .op(
            &doc,
            "ChangeEmail",
            json!({ "currentPassword": "demo-password-2024", "email": "New@Example.JP" }),
            Some(&token),
        )
        .await;
    let payload = &res.data()["changeEmail"];
    assert_eq!(payload["userErrors"], json!([]));
    assert_eq!(
        payload["customer"]["email"], "demo@example.jp",
        "unchanged until confirmed"
    );
    let confirm = app
        .wait_for_mail("New@example.jp", "メールアドレス変更の確認")
        .await;
    app.wait_for_mail("demo@example.jp", "メールアドレス変更のお申し込み")
        .await;

    let link = confirm.link_param("token");
    let mutation = "mutation($t: String!) { confirmEmailChange(input: { token: $t }) { success userErrors { code } } }";
    let done = app.op(mutation, "", json!({ "t": link }), None).await;
    assert_eq!(done.data()["confirmEmailChange"]["success"], true);
    // The link's holder needs no session and is told nothing of the member.
    let customer = app
        .op(
            "mutation($t: String!) { confirmEmailChange(input: { token: $t }) { customer { loginId } } }",
            "",
            json!({ "t": link }),
            None,
        )
        .await;
    assert!(customer.body.get("data").is_none(), "{}", customer.body);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM members WHERE email = 'New@example.jp'")
            .await,
        1
    );
    let again = app.op(mutation, "", json!({ "t": link }), None).await;
    assert_eq!(
        codes(&again.data()["confirmEmailChange"]),
        vec!["TOKEN_INVALID"]
    );
}

#[tokio::test]
async fn notification_settings_are_stored() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let res = app
        .op(
            &account(),
            "UpdateNotificationSettings",
            json!({ "billIssued": false, "noticePublished": true }),
            Some(&token),
        )
        .await;
    assert_eq!(
        res.data()["updateNotificationSettings"]["notificationSettings"],
        json!({ "billIssued": false, "noticePublished": true })
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM members WHERE id = 1 AND notify_bill_issued = false AND notify_notice_published = true").await,
        1
    );
}

#[tokio::test]
async fn service_locations_are_added_by_number_and_the_last_one_stays() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let doc = account();
    let add = |number: &'static str| {
        let app = &app;
        let doc = &doc;
        let token = &token;
        async move {
            app.op(
                doc,
                "AddServiceLocation",
                json!({ "portalCustomerNumber": number }),
                Some(token),
            )
            .await
            .data()["addServiceLocation"]
                .clone()
        }
    };
    let added = add(FREE_NUMBER).await;
    assert_eq!(added["serviceLocation"]["customerNumber"], "3100000003");
    // Already the member's own, or unknown.
    let taken = app
        .op(
            &doc,
            "AddServiceLocation",
            json!({ "portalCustomerNumber": "200000000006" }),
            Some(&token),
        )
        .await;
    assert_eq!(
        codes(&taken.data()["addServiceLocation"]),
        vec!["ALREADY_LINKED"]
    );
    let unknown = add("999999999991").await;
    assert_eq!(codes(&unknown), vec!["CUSTOMER_NUMBER_UNAVAILABLE"]);

    let dash = app.dashboard(&token).await;
    let ids: Vec<String> = dash.data()["me"]["serviceLocations"]
        .as_array()
        .expect("list")
        .iter()
        .map(|l| l["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(ids, vec!["1", "2", "3"]);

    let remove = |id: &str, password: &str| {
        let app = &app;
        let doc = &doc;
        let token = &token;
        let vars = json!({ "id": id, "currentPassword": password });
        async move {
            app.op(doc, "RemoveServiceLocation", vars, Some(token))
                .await
                .data()["removeServiceLocation"]
                .clone()
        }
    };
    assert_eq!(
        codes(&remove("3", "wrong-password-x").await),
        vec!["WRONG_PASSWORD"]
    );
    assert_eq!(
        codes(&remove("7", "demo-password-2024").await),
        vec!["NOT_FOUND"]
    );
    assert_eq!(remove("3", "demo-password-2024").await["success"], true);
    assert_eq!(remove("2", "demo-password-2024").await["success"], true);
    assert_eq!(
        codes(&remove("1", "demo-password-2024").await),
        vec!["LAST_SERVICE_LOCATION"]
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM service_locations WHERE member_id = 1")
            .await,
        1
    );
}

#[tokio::test]
async fn a_linked_number_of_another_member_and_an_unknown_one_answer_alike() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    // Give location 3 to another member, then try to add it.
    app.sql("UPDATE service_locations SET member_id = (SELECT MIN(member_id) FROM service_locations WHERE member_id > 1) WHERE id = 3").await;
    let doc = account();
    let taken = app
        .op(
            &doc,
            "AddServiceLocation",
            json!({ "portalCustomerNumber": FREE_NUMBER }),
            Some(&token),
        )
        .await;
    let unknown = app
        .op(
            &doc,
            "AddServiceLocation",
            json!({ "portalCustomerNumber": "999999999991" }),
            Some(&token),
        )
        .await;
    assert_eq!(taken.body, unknown.body);
    assert_eq!(
        codes(&taken.data()["addServiceLocation"]),
        vec!["CUSTOMER_NUMBER_UNAVAILABLE"]
    );
}

#[tokio::test]
async fn withdrawal_erases_the_members_own_data_and_frees_the_login_id() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let other_session = app.login_demo().await;
    let doc = account();
    let wrong = app
        .op(
            &doc,
            "Withdraw",
            json!({ "currentPassword": "no-no-no-no" }),
            Some(&token),
        )
        .await;
    assert_eq!(codes(&wrong.data()["withdraw"]), vec!["WRONG_PASSWORD"]);

    let res = app
        .op(
            &doc,
            "Withdraw",
            json!({ "currentPassword": "demo-password-2024" }),
            Some(&token),
        )
        .await;
    assert_eq!(res.data()["withdraw"]["success"], true);
    let cookie = res
        .headers
        .get("set-cookie")
        .expect("cookie")
        .to_str()
        .expect("ascii");
    assert!(cookie.contains("Max-Age=0"));
    let farewell = app.wait_for_mail("demo@example.jp", "退会手続き完了").await;
    assert!(farewell.body.contains("金沢 太郎"));
    app.wait_until_outbox_is_empty().await;

    for session in [&token, &other_session] {
        let me = app.op("{ me { id } }", "", json!({}), Some(session)).await;
        assert_eq!(me.error_codes(), vec!["UNAUTHENTICATED"]);
    }
    // Nothing of the member's own is left in any table.
    for (query, expected) in [
        (
            "SELECT COUNT(*) FROM members WHERE id = 1 AND login_id IS NULL AND email IS NULL AND password_hash IS NULL AND secret_answer_hash IS NULL AND status = 'withdrawn'",
            1,
        ),
        (
            "SELECT COUNT(*) FROM members WHERE display_name = '金沢 太郎'",
            0,
        ),
        ("SELECT COUNT(*) FROM sessions WHERE member_id = 1", 0),
        ("SELECT COUNT(*) FROM notice_reads WHERE member_id = 1", 0),
        ("SELECT COUNT(*) FROM notices WHERE member_id = 1", 0),
        (
            "SELECT COUNT(*) FROM service_locations WHERE member_id = 1",
            0,
        ),
        ("SELECT COUNT(*) FROM throttles WHERE key LIKE '%demo%'", 0),
        (
            "SELECT COUNT(*) FROM mail_outbox WHERE to_address LIKE '%demo@example.jp%' OR body LIKE '%金沢 太郎%'",
            0,
        ),
    ] {
        assert_eq!(app.scalar(query).await, expected, "{query}");
    }
    // The bureau's own records stay.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM bills WHERE service_location_id IN (1, 2)")
            .await,
        26
    );

    // The login ID can be registered again, and the old one no longer signs in.
    let old = app
        .op(
            &login_screen(),
            "Login",
            json!({ "loginId": "demo", "password": "demo-password-2024" }),
            None,
        )
        .await;
    assert_eq!(codes(&old.data()["login"]), vec!["INVALID_CREDENTIALS"]);
    let reg = registration_token(&app, "demo-again@example.jp").await;
    let res = complete(&app, completion(&reg, "demo", DEMO_NUMBER)).await;
    assert_eq!(
        res.data()["completeRegistration"]["customer"]["loginId"],
        "demo"
    );
}

#[tokio::test]
async fn one_client_address_is_rate_limited_across_many_login_ids() {
    let app = crate::helpers::spawn_app_with(&[("PORTAL_ADDRESS_FAILURE_LIMIT", "3")]).await;
    let doc = login_screen();
    for id in ["guess-one", "guess-two", "guess-three"] {
        let res = app
            .op(
                &doc,
                "Login",
                json!({ "loginId": id, "password": "some-password-1" }),
                None,
            )
            .await;
        assert_eq!(codes(&res.data()["login"]), vec!["INVALID_CREDENTIALS"]);
    }
    let res = app
        .op(
            &doc,
            "Login",
            json!({ "loginId": "demo", "password": "demo-password-2024" }),
            None,
        )
        .await;
    assert_eq!(res.error_codes(), vec!["RATE_LIMITED"]);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM sessions").await, 0);
}

#[tokio::test]
async fn one_registration_link_cannot_probe_login_ids_or_guess_numbers() {
    let app = spawn_app().await;
    let token = registration_token(&app, "prober@example.jp").await;
    let before = app.hashes().await;
    for attempt in 0..5 {
        // Taken IDs in any case, and a number with no free location.
        let input = if attempt % 2 == 0 {
            completion(&token, "DEMO", FREE_NUMBER)
        } else {
            completion(&token, "prober01", "200000000006")
        };
        let res = complete(&app, input).await;
        let expected = if attempt % 2 == 0 {
            "LOGIN_ID_TAKEN"
        } else {
            "CUSTOMER_NUMBER_UNAVAILABLE"
        };
        assert_eq!(codes(&res.data()["completeRegistration"]), vec![expected]);
    }
    assert_eq!(app.hashes().await, before, "refusals cost no hash");
    // The fifth failure spent the link: even a good completion is refused.
    let res = complete(&app, completion(&token, "prober01", FREE_NUMBER)).await;
    assert_eq!(
        codes(&res.data()["completeRegistration"]),
        vec!["TOKEN_INVALID"]
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM members WHERE login_id = 'prober01'")
            .await,
        0
    );
}

#[tokio::test]
async fn aliased_completions_in_one_request_run_none() {
    let app = spawn_app().await;
    let token = registration_token(&app, "aliases@example.jp").await;
    let before = app.hashes().await;
    let document = "mutation($a: CompleteRegistrationInput!, $b: CompleteRegistrationInput!) { a: completeRegistration(input: $a) { userErrors { code } } b: completeRegistration(input: $b) { userErrors { code } } }";
    let res = app
        .op(
            document,
            "",
            json!({
                "a": completion(&token, "alias0001", FREE_NUMBER)["input"],
                "b": completion(&token, "alias0002", FREE_NUMBER)["input"],
            }),
            None,
        )
        .await;
    assert!(res.body.get("data").is_none(), "{}", res.body);
    assert_eq!(res.error_codes(), vec!["BAD_REQUEST"]);
    assert_eq!(app.hashes().await, before);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM members WHERE login_id LIKE 'alias%'")
            .await,
        0
    );
}

#[tokio::test]
async fn completions_from_one_address_are_limited() {
    let app = spawn_app_with(&[("PORTAL_ADDRESS_FAILURE_LIMIT", "3")]).await;
    let mut answers = Vec::new();
    for i in 0..4 {
        let res = complete(
            &app,
            completion(&format!("forged-token-{i}"), "forger01", FREE_NUMBER),
        )
        .await;
        answers.push(
            res.body["errors"][0]["extensions"]["code"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| codes(&res.data()["completeRegistration"]).join(",")),
        );
    }
    assert_eq!(
        answers,
        vec![
            "TOKEN_INVALID",
            "TOKEN_INVALID",
            "TOKEN_INVALID",
            "RATE_LIMITED"
        ]
    );
}

#[tokio::test]
async fn login_ids_are_read_without_regard_to_case() {
    let app = spawn_app().await;
    assert!(!app.login("DeMo", "demo-password-2024").await.is_empty());
}

#[tokio::test]
async fn an_address_belongs_to_one_member_and_a_newer_change_voids_older_links() {
    use sea_orm::ConnectionTrait as _;
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let change = |email: String| {
        let app = &app;
        let token = token.clone();
        async move {
            app.op(
                &account(),
                "ChangeEmail",
                json!({ "currentPassword": "demo-password-2024", "email": email }),
                Some(&token),
            )
            .await
        }
    };
    let confirm = |link: String| {
        let app = &app;
        async move {
            let res = app
                .op(
                    "mutation($t: String!) { confirmEmailChange(input: { token: $t }) { success userErrors { code } } }",
                    "",
                    json!({ "t": link }),
                    None,
                )
                .await;
            res.data()["confirmEmailChange"].clone()
        }
    };
    change("first@example.jp".into()).await;
    let first = app
        .wait_for_mail("first@example.jp", "メールアドレス変更の確認")
        .await
        .link_param("token");
    change("second@example.jp".into()).await;
    let second = app
        .wait_for_mail("second@example.jp", "メールアドレス変更の確認")
        .await
        .link_param("token");
    assert_eq!(
        codes(&confirm(first).await),
        vec!["TOKEN_INVALID"],
        "voided"
    );
    assert_eq!(confirm(second).await["success"], true);

    // Another member's address: the same answer, and no link is sent.
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT email FROM members WHERE login_id <> 'demo' AND email IS NOT NULL ORDER BY id LIMIT 1",
        ))
        .await
        .expect("query")
        .expect("another member with an address");
    let theirs: String = row.try_get_by_index(0).expect("email");
    let res = change(theirs.clone()).await;
    assert_eq!(res.data()["changeEmail"]["userErrors"], json!([]));
    app.wait_for_mail(&theirs, "").await;
    app.wait_until_outbox_is_empty().await;
    assert!(
        !app.mails()
            .iter()
            .any(|m| m.to.contains(&theirs) && m.subject.contains("メールアドレス変更の確認")),
        "a link was mailed to another member's address"
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM members WHERE email = '{theirs}'"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn recovery_questions_are_limited_per_client_address() {
    let app = spawn_app_with(&[("PORTAL_ADDRESS_FAILURE_LIMIT", "3")]).await;
    let mut answers = Vec::new();
    for number in [DEMO_NUMBER, FREE_NUMBER, FREE_NUMBER_2, DEMO_NUMBER] {
        let res = app
            .op(
                &login_screen(),
                "RecoveryQuestion",
                json!({ "portalCustomerNumber": number }),
                None,
            )
            .await;
        answers.push(
            res.body["errors"][0]["extensions"]["code"]
                .as_str()
                .unwrap_or("question")
                .to_string(),
        );
    }
    assert_eq!(
        answers,
        vec!["question", "question", "question", "RATE_LIMITED"]
    );
}

#[tokio::test]
async fn a_display_name_cannot_hide_or_reverse_text() {
    let app = spawn_app().await;
    let token = registration_token(&app, "bidi@example.jp").await;
    let mut input = completion(&token, "bidi0001", FREE_NUMBER);
    input["input"]["displayName"] = json!("金沢\u{202E}郎太");
    let res = complete(&app, input).await;
    assert_eq!(
        codes(&res.data()["completeRegistration"]),
        vec!["INVALID_DISPLAY_NAME"]
    );
}

#[tokio::test]
async fn sqlite_overwrites_what_it_deletes() {
    if crate::helpers::is_postgres() {
        return; // PostgreSQL's VACUUM reclaims; this setting is SQLite's.
    }
    let app = spawn_app().await;
    assert_eq!(app.scalar("PRAGMA secure_delete").await, 1);
}

#[tokio::test]
async fn the_link_mailed_with_a_recovery_lock_lets_the_member_answer_once() {
    let app = spawn_app().await;
    let recover = |answer: &'static str, unlock: Option<String>| {
        let app = &app;
        async move {
            let res = app
                .op(
                    "mutation($n: String!, $a: String!, $u: String) { recoverLoginId(input: { portalCustomerNumber: $n, secretAnswer: $a, unlockToken: $u }) { loginId userErrors { code } } }",
                    "",
                    json!({ "n": DEMO_NUMBER, "a": answer, "u": unlock }),
                    None,
                )
                .await;
            res.data()["recoverLoginId"].clone()
        }
    };
    for _ in 0..5 {
        recover("はずれ", None).await;
    }
    assert_eq!(
        codes(&recover("かなざわ", None).await),
        vec!["ACCOUNT_LOCKED"]
    );
    let mail = app.wait_for_mail("demo@example.jp", "回答停止").await;
    let token = mail.link_param("unlock");
    assert_eq!(
        recover("かなざわ", Some("forged".into())).await["loginId"],
        Value::Null
    );
    assert_eq!(recover("かなざわ", Some(token)).await["loginId"], "demo");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM sign_in_links WHERE used_at IS NULL")
            .await,
        0,
        "the link works once"
    );
    // The right answer lifted the lock.
    assert_eq!(recover("かなざわ", None).await["loginId"], "demo");
}

#[tokio::test]
async fn each_mailed_link_opens_the_playground_on_its_document_with_the_token() {
    let app = spawn_app().await;
    request_registration(&app, "linked@example.jp").await;
    let mail = app.wait_for_mail("linked@example.jp", "会員仮登録").await;
    let link = mail.link();
    // PORTAL_PUBLIC_URL is the default in tests; the path is what counts.
    let path = &link[link
        .find("/register?token=")
        .expect("the registration link")..];
    let token = mail.link_param("token");
    let no_follow = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let answer = no_follow.get(app.url(path)).send().await.expect("sent");
    assert_eq!(answer.status(), 303);
    let location = answer.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert!(
        location.starts_with(
            "/playground#file=login-screen.graphql&operation=CompleteRegistration&variables="
        ),
        "{location}"
    );
    assert!(location.contains(&token), "{location}");
    // The page it leads to is the playground, and the document it names is
    // one of its tabs.
    let page = app
        .client
        .get(app.url("/playground"))
        .send()
        .await
        .expect("sent");
    assert_eq!(page.status(), 200);
    for path in ["/password/reset", "/email/confirm", "/unlock", "/recover"] {
        let answer = no_follow
            .get(app.url(&format!("{path}?token=abc")))
            .send()
            .await
            .expect("sent");
        assert_eq!(answer.status(), 303, "{path}");
        let location = answer.headers()["location"].to_str().expect("ascii");
        let file = location
            .split("file=")
            .nth(1)
            .and_then(|rest| rest.split('&').next())
            .expect("file");
        let served = app
            .client
            .get(app.url(&format!("/playground/operations/{file}")))
            .send()
            .await
            .expect("sent");
        assert_eq!(served.status(), 200, "{path} → {file}");
    }
}

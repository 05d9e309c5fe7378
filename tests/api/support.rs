//! Support staff: look-ups, unlocking, the audit log, and who may do what.

use serde_json::{Value, json};

use crate::helpers::{Gql, TestApp, operations, spawn_app, spawn_app_with};

fn support() -> String {
    operations("support.graphql")
}

/// SupportLookup of the demo member's home (customer number 3100000001).
async fn lookup(app: &TestApp, token: Option<&str>) -> Gql {
    app.op(
        &support(),
        "SupportLookup",
        json!({ "customerNumber": "3100000001" }),
        token,
    )
    .await
}

#[tokio::test]
async fn staff_look_a_location_up_and_every_read_is_audited() {
    let app = spawn_app().await;
    let staff = app
        .staff_login("staff", "staff-password-2024")
        .await
        .expect("staff signs in");
    let res = lookup(&app, Some(&staff)).await;
    let location = &res.data()["support"]["serviceLocation"];
    assert_eq!(location["holderName"], "金沢 太郎");
    assert_eq!(location["member"]["loginId"], "demo");
    assert_eq!(location["member"]["email"], "demo@example.jp");
    assert_eq!(location["member"]["status"], "ACTIVE");
    assert!(location["member"]["lockedUntil"].is_null());
    assert_eq!(
        location["bills"]["edges"].as_array().map(Vec::len),
        Some(13)
    );

    let unknown = app
        .op(
            &support(),
            "SupportLookup",
            json!({ "customerNumber": "0000000000" }),
            Some(&staff),
        )
        .await;
    assert_eq!(unknown.error_codes(), vec!["NOT_FOUND"]);

    let log = app
        .op(
            "{ support { auditLog(first: 10) { edges { node { staffLoginId action detail memberId serviceLocationId createdAt } } } } }",
            "",
            json!({}),
            Some(&staff),
        )
        .await;
    let entries = log.data()["support"]["auditLog"]["edges"]
        .as_array()
        .expect("edges")
        .clone();
    // The look-up, and the member it opened (newest first).
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["node"]["action"].as_str().expect("action"))
        .collect();
    assert_eq!(actions, vec!["VIEW_MEMBER", "VIEW_SERVICE_LOCATION"]);
    assert_eq!(entries[0]["node"]["memberId"], "1");
    assert_eq!(entries[0]["node"]["serviceLocationId"], "1");
    let entry = &entries[1]["node"];
    assert_eq!(entry["staffLoginId"], "staff");
    assert_eq!(entry["action"], "VIEW_SERVICE_LOCATION");
    // Worded for the clerk, in Japanese by default.
    let detail = entry["detail"].as_str().expect("detail");
    assert!(detail.starts_with("お客さま番号 31000000"), "{detail}");
    crate::helpers::assert_reads_as_japanese(detail);
    assert_eq!(entry["memberId"], "1");
    assert_eq!(entry["serviceLocationId"], "1");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE member_id = 1")
            .await,
        2
    );
}

#[tokio::test]
async fn staff_unlock_a_locked_member_and_the_action_is_audited() {
    let app = spawn_app().await;
    let doc = operations("login-screen.graphql");
    for _ in 0..5 {
        app.op(
            &doc,
            "Login",
            json!({ "loginId": "demo", "password": "wrong-password-0" }),
            None,
        )
        .await;
    }
    let staff = app
        .staff_login("staff", "staff-password-2024")
        .await
        .expect("staff");
    let looked_up = lookup(&app, Some(&staff)).await;
    assert!(looked_up.data()["support"]["serviceLocation"]["member"]["lockedUntil"].is_string());

    let res = app
        .op(
            &support(),
            "SupportUnlockMember",
            json!({ "memberId": "1" }),
            Some(&staff),
        )
        .await;
    let payload = &res.data()["support"]["unlockMember"];
    assert_eq!(payload["userErrors"], json!([]));
    assert_eq!(payload["member"]["status"], "ACTIVE");
    assert!(payload["member"]["lockedUntil"].is_null());
    app.login_demo().await;
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'unlock_member' AND member_id = 1"
        )
        .await,
        1
    );
    let missing = app
        .op(
            &support(),
            "SupportUnlockMember",
            json!({ "memberId": "99999" }),
            Some(&staff),
        )
        .await;
    assert_eq!(
        missing.data()["support"]["unlockMember"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
}

#[tokio::test]
async fn members_are_forbidden_from_support_and_staff_cannot_act_as_members() {
    let app = spawn_app().await;
    let member = app.login_demo().await;
    let res = lookup(&app, Some(&member)).await;
    assert_eq!(res.error_codes(), vec!["FORBIDDEN"]);
    let res = app
        .op(
            &support(),
            "SupportUnlockMember",
            json!({ "memberId": "1" }),
            Some(&member),
        )
        .await;
    assert_eq!(res.error_codes(), vec!["FORBIDDEN"]);
    let anonymous = lookup(&app, None).await;
    assert_eq!(anonymous.error_codes(), vec!["UNAUTHENTICATED"]);

    let staff = app
        .staff_login("staff", "staff-password-2024")
        .await
        .expect("staff");
    let me = app.op("{ me { id } }", "", json!({}), Some(&staff)).await;
    assert_eq!(me.error_codes(), vec!["FORBIDDEN"]);
    // Staff have no way to change a member's password, answer or e-mail.
    let change = app
        .op(
            &operations("account.graphql"),
            "ChangePassword",
            json!({ "currentPassword": "x", "newPassword": "y" }),
            Some(&staff),
        )
        .await;
    assert_eq!(change.error_codes(), vec!["FORBIDDEN"]);

    let wrong = app.staff_login("staff", "not-the-password").await;
    assert!(wrong.is_none());
    assert!(
        app.staff_login("demo", "demo-password-2024")
            .await
            .is_none(),
        "members are not staff"
    );
}

#[tokio::test]
async fn staff_accounts_are_added_and_disabled_from_the_command_line() {
    let app = spawn_app().await;
    let added = app
        .tool(
            &["staff", "add", "clerk01", "--name", "窓口 花子"],
            "counter-password-2025\n",
        )
        .await;
    assert!(added.success, "{}", added.stderr);
    // The prompt is a line of its own on standard error.
    assert!(
        added
            .stderr
            .lines()
            .any(|l| l.starts_with("Password for staff account clerk01")),
        "{}",
        added.stderr
    );
    let token = app
        .staff_login("clerk01", "counter-password-2025")
        .await
        .expect("new clerk signs in");

    let weak = app.tool(&["staff", "add", "clerk02"], "short\n").await;
    assert!(!weak.success);
    assert!(weak.stderr.contains("12 characters"), "{}", weak.stderr);
    let twice = app
        .tool(&["staff", "add", "clerk01"], "counter-password-2025\n")
        .await;
    assert!(!twice.success);
    // A taken login ID is refused before any password is asked for.
    assert!(twice.stderr.contains("already exists"), "{}", twice.stderr);
    assert!(!twice.stderr.contains("Password for"), "{}", twice.stderr);

    let list = app.tool(&["staff", "list"], "").await;
    assert!(
        list.stdout.contains("clerk01\t窓口 花子\tactive"),
        "{}",
        list.stdout
    );

    let disabled = app.tool(&["staff", "disable", "clerk01"], "").await;
    assert!(disabled.success, "{}", disabled.stderr);
    let res = lookup(&app, Some(&token)).await;
    assert_eq!(res.error_codes(), vec!["UNAUTHENTICATED"]);
    assert!(
        app.staff_login("clerk01", "counter-password-2025")
            .await
            .is_none()
    );
}

#[tokio::test]
async fn introspection_can_be_kept_for_staff_only() {
    let app = spawn_app_with(&[("PORTAL_INTROSPECTION", "staff")]).await;
    let query = json!({ "query": "{ __schema { queryType { name } } }" });
    let anonymous = app.post(query.clone(), Default::default()).await;
    assert!(
        anonymous.body["data"]["__schema"].is_null(),
        "{}",
        anonymous.body
    );
    let member = app.login_demo().await;
    let as_member = app
        .op(
            "{ __schema { queryType { name } } }",
            "",
            json!({}),
            Some(&member),
        )
        .await;
    assert!(
        as_member.body["data"]["__schema"].is_null(),
        "{}",
        as_member.body
    );
    let staff = app
        .staff_login("staff", "staff-password-2024")
        .await
        .expect("staff");
    let as_staff = app
        .op(
            "{ __schema { queryType { name } } }",
            "",
            json!({}),
            Some(&staff),
        )
        .await;
    assert_eq!(as_staff.data()["__schema"]["queryType"]["name"], "Query");
    // Ordinary queries still work for everyone.
    let status = app
        .op("{ portalStatus { open } }", "", json!({}), None)
        .await;
    assert_eq!(status.data()["portalStatus"]["open"], true);
}

#[tokio::test]
async fn staff_unlink_a_location_from_an_unreachable_member_with_a_reason_on_record() {
    let app = spawn_app().await;
    let staff = app
        .staff_login("staff", "staff-password-2024")
        .await
        .expect("staff signs in");
    let unlink = |id: &str, reason: &str| {
        app.op(
            "mutation U($id: ID!, $reason: String!) { support { unlinkServiceLocation(input: { id: $id, reason: $reason }) { serviceLocation { id customerNumber } userErrors { field code message } } } }",
            "U",
            json!({ "id": id, "reason": reason }),
            Some(&staff),
        )
    };
    // The demo member's second location (お客さま番号 3100000002).
    let id = app
        .scalar("SELECT id FROM service_locations WHERE customer_number = '3100000002'")
        .await
        .to_string();
    let no_reason = unlink(&id, "  ").await;
    assert_eq!(
        no_reason.data()["support"]["unlinkServiceLocation"]["userErrors"][0]["code"],
        "REASON_REQUIRED"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM service_locations WHERE customer_number = '3100000002' AND member_id = 1").await,
        1,
        "nothing changed"
    );

    let done = unlink(&id, "転居のため（本人と連絡が取れない）").await;
    let payload = &done.data()["support"]["unlinkServiceLocation"];
    assert_eq!(payload["serviceLocation"]["customerNumber"], "3100000002");
    assert!(payload["userErrors"].as_array().expect("list").is_empty());
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM service_locations WHERE customer_number = '3100000002' AND member_id IS NULL AND linked_at IS NULL").await,
        1
    );
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'unlink_location' AND member_id = 1 AND service_location_id = {id}")).await,
        1
    );
    let log = app
        .op(
            "{ support { auditLog(first: 1) { edges { node { action detail } } } } }",
            "",
            json!({}),
            Some(&staff),
        )
        .await;
    let entry = &log.data()["support"]["auditLog"]["edges"][0]["node"];
    assert_eq!(entry["action"], "UNLINK_LOCATION");
    assert!(
        entry["detail"]
            .as_str()
            .expect("detail")
            .contains("転居のため")
    );

    // The member keeps the home; the unlinked location has gone from it.
    let token = app.login_demo().await;
    let dash = app.dashboard(&token).await;
    assert_eq!(
        dash.data()["me"]["serviceLocations"]
            .as_array()
            .expect("list")
            .len(),
        1
    );
    // Twice is not found; members may not do it at all.
    let again = unlink(&id, "再実行").await;
    assert_eq!(
        again.data()["support"]["unlinkServiceLocation"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    let member = app
        .op(
            "mutation { support { unlinkServiceLocation(input: { id: \"1\", reason: \"x\" }) { userErrors { code } } } }",
            "",
            json!({}),
            Some(&token),
        )
        .await;
    assert_eq!(member.error_codes(), vec!["FORBIDDEN"]);
}

async fn member_case(app: &TestApp, staff: &str) -> Value {
    let res = app
        .op(
            &operations("support-desk.graphql"),
            "MemberCase",
            json!({ "loginId": "demo" }),
            Some(staff),
        )
        .await;
    res.data()["support"]["member"].clone()
}

#[tokio::test]
async fn a_clerk_sees_each_lock_the_last_sign_in_the_papers_and_what_became_of_each_mail() {
    let app = spawn_app().await;
    let staff = app
        .staff_login("staff", "staff-password-2024")
        .await
        .expect("staff signs in");
    // Three wrong passwords (not locked yet), two wrong secret answers.
    for _ in 0..3 {
        app.op(
            &operations("login-screen.graphql"),
            "Login",
            json!({ "loginId": "demo", "password": "wrong-password-1" }),
            None,
        )
        .await;
    }
    let number = app.demo_portal_number().await;
    for _ in 0..2 {
        app.op(
            &operations("login-screen.graphql"),
            "RecoverLoginId",
            json!({ "portalCustomerNumber": number, "secretAnswer": "ちがう" }),
            None,
        )
        .await;
    }
    // A mail that goes out: the letter notice.
    app.op(
        &operations("support-desk.graphql"),
        "IssueResetLetter",
        json!({ "memberId": "1" }),
        Some(&staff),
    )
    .await;
    app.wait_until_outbox_is_empty().await;

    let member = member_case(&app, &staff).await;
    let locks: Vec<(String, String, i64, bool)> = member["locks"]
        .as_array()
        .expect("locks")
        .iter()
        .map(|l| {
            (
                l["kind"].as_str().expect("kind").to_string(),
                l["subject"].as_str().expect("subject").to_string(),
                l["failures"].as_i64().expect("failures"),
                l["lockedUntil"].is_null(),
            )
        })
        .collect();
    // The successful sign-in cleared the login ID's count; the answers
    // count against the number, and both against the address used.
    assert_eq!(
        locks,
        vec![
            ("RECOVERY".into(), number.clone(), 2, true),
            ("ADDRESS".into(), "127.0.0.1 (login)".into(), 3, true),
            ("ADDRESS".into(), "127.0.0.1 (recovery)".into(), 2, true),
        ]
    );
    let seen = chrono::DateTime::parse_from_rfc3339(member["lastSignInAt"].as_str().expect("time"))
        .expect("time");
    assert!((chrono::Utc::now() - seen.with_timezone(&chrono::Utc)).num_seconds() < 60);
    let documents = member["documents"].as_array().expect("documents").len() as i64;
    assert_eq!(
        documents,
        app.scalar("SELECT COUNT(*) FROM documents d JOIN service_locations l ON l.id = d.service_location_id WHERE l.member_id = 1").await
    );
    assert!(documents > 0);
    let notices = member["noticesSent"].as_array().expect("notices");
    assert_eq!(
        notices.len() as i64,
        app.scalar("SELECT COUNT(*) FROM notices WHERE member_id = 1")
            .await
    );
    let read = notices.iter().filter(|n| !n["readAt"].is_null()).count() as i64;
    assert_eq!(
        read,
        app.scalar("SELECT COUNT(*) FROM notice_reads r JOIN notices n ON n.id = r.notice_id WHERE n.member_id = 1 AND r.member_id = 1").await
    );
    // The mail went out: its address is erased, its fate kept.
    let mails = member["mails"].as_array().expect("mails");
    let letter_mail = mails
        .iter()
        .find(|m| {
            m["subject"]
                .as_str()
                .is_some_and(|s| s.contains("郵送します"))
        })
        .expect("the letter notice is listed");
    assert_eq!(letter_mail["state"], "SENT");
    assert!(letter_mail["toAddress"].is_null());
    assert!(!letter_mail["sentAt"].is_null());
    assert!(letter_mail["nextAttemptAt"].is_null());

    // Two more wrong passwords lock sign-in.
    for _ in 0..5 {
        app.op(
            &operations("login-screen.graphql"),
            "Login",
            json!({ "loginId": "demo", "password": "wrong-password-1" }),
            None,
        )
        .await;
    }
    let member = member_case(&app, &staff).await;
    let sign_in = member["locks"]
        .as_array()
        .expect("locks")
        .iter()
        .find(|l| l["kind"] == "SIGN_IN")
        .expect("a sign-in lock")
        .clone();
    assert_eq!(sign_in["subject"], "demo");
    assert!(sign_in["failures"].as_i64().expect("n") >= 5);
    assert!(!sign_in["lockedUntil"].is_null());
    assert_eq!(member["lockedUntil"], sign_in["lockedUntil"]);
}

#[tokio::test]
async fn a_clerk_sees_a_mail_that_keeps_failing_with_its_last_error() {
    // A mail server that is not there.
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        probe.local_addr().expect("addr").port()
    };
    let url = format!("smtp://127.0.0.1:{port}");
    let app = spawn_app_with(&[("PORTAL_SMTP_URL", url.as_str())]).await;
    let staff = app
        .staff_login("staff", "staff-password-2024")
        .await
        .expect("staff signs in");
    app.op(
        &operations("support-desk.graphql"),
        "IssueResetLetter",
        json!({ "memberId": "1" }),
        Some(&staff),
    )
    .await;
    let mut mail = Value::Null;
    for _ in 0..50 {
        let member = member_case(&app, &staff).await;
        let first = member["mails"][0].clone();
        if first["state"] == "FAILING" {
            mail = first;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(mail["state"], "FAILING", "the first try failed");
    assert_eq!(mail["toAddress"], "demo@example.jp");
    assert!(mail["attempts"].as_i64().expect("n") >= 1);
    assert!(!mail["lastError"].as_str().expect("error").is_empty());
    assert!(!mail["nextAttemptAt"].is_null());
    assert!(mail["sentAt"].is_null());
}

/// The customer numbers a search finds, every page followed.
async fn search_all(app: &TestApp, staff: &str, query: &str) -> Vec<String> {
    let mut found = vec![];
    let mut after = Value::Null;
    loop {
        let res = app
            .op(
                &operations("support-desk.graphql"),
                "SupportSearch",
                json!({ "query": query, "first": 20, "after": after }),
                Some(staff),
            )
            .await;
        let page = &res.data()["support"]["search"];
        for edge in page["edges"].as_array().expect("edges") {
            found.push(
                edge["node"]["customerNumber"]
                    .as_str()
                    .expect("number")
                    .to_string(),
            );
        }
        if page["pageInfo"]["hasNextPage"] != true {
            return found;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test]
async fn staff_find_a_caller_by_any_number_id_address_or_name_however_it_is_typed() {
    let app = spawn_app().await;
    let staff = app
        .staff_login("staff", "staff-password-2024")
        .await
        .expect("staff signs in");
    let home = || vec!["3100000001".to_string()];
    let both = || vec!["3100000001".to_string(), "3100000002".to_string()];
    let portal = app.demo_portal_number().await;
    // The portal number in full-width digits with hyphens, as a caller
    // reads it off the slip.
    let wide: String = format!("{}-{}-{}", &portal[..4], &portal[4..8], &portal[8..])
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
            } else {
                c
            }
        })
        .collect();
    assert_eq!(search_all(&app, &staff, &wide).await, home());
    assert_eq!(search_all(&app, &staff, "3100000001").await, home());
    assert_eq!(search_all(&app, &staff, "demo").await, both());
    assert_eq!(search_all(&app, &staff, "DEMO").await, both());
    assert_eq!(search_all(&app, &staff, "DEMO@example.jp").await, both());
    // 「金沢 太郎」 typed without the space: the home's holder and the
    // member of both.
    assert_eq!(search_all(&app, &staff, "金沢太郎").await, both());
    // An address fragment with a full-width digit.
    assert_eq!(search_all(&app, &staff, "諸江町５丁目3番").await, home());

    // A name that came in the feed in half-width katakana is found in
    // hiragana: the import keeps the search text current.
    let dir = app.mail_dir.with_file_name("feed-search");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("service_locations.csv"),
        "customer_number,portal_customer_number,holder_name,address,meter_diameter_mm,use_type,reading_month_parity\n\
         3200000001,300000000111,ｶﾅｻﾞﾜ 酒店,石川県金沢市兼六町1丁目2番3号,20,business,1\n",
    )
    .expect("write");
    let run = app.tool(&["import", dir.to_str().expect("path")], "").await;
    assert!(run.success, "{}", run.stderr);
    assert_eq!(
        search_all(&app, &staff, "かなざわ酒店").await,
        vec!["3200000001".to_string()]
    );
    assert_eq!(
        search_all(&app, &staff, "カナザワ　酒").await,
        vec!["3200000001".to_string()]
    );

    // Every location of the city is in 石川県金沢市, page by page.
    let city = search_all(&app, &staff, "石川県金沢市").await;
    assert_eq!(
        city.len() as i64,
        app.scalar("SELECT COUNT(*) FROM service_locations").await
    );
    let distinct: std::collections::HashSet<&String> = city.iter().collect();
    assert_eq!(distinct.len(), city.len());
    // Wildcards are letters, not patterns.
    assert_eq!(search_all(&app, &staff, "%%").await, Vec::<String>::new());
    assert_eq!(search_all(&app, &staff, "__").await, Vec::<String>::new());

    // Too short to mean anything.
    let res = app
        .op(
            &operations("support-desk.graphql"),
            "SupportSearch",
            json!({ "query": " 金 " }),
            Some(&staff),
        )
        .await;
    assert!(
        res.error_codes().contains(&"BAD_REQUEST".to_string()),
        "{}",
        res.body
    );
    // Each search is in the audit log, with its kind but not its words
    // (they are the member's).
    assert!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'search'")
            .await
            >= 13
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'search' AND detail NOT IN ('number', 'email', 'text')"
        )
        .await,
        0
    );
    assert!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'search' AND detail = 'number'")
            .await
            >= 2
    );
    // Opening a result's member is a member view, audited as such.
    let views = "SELECT COUNT(*) FROM audit_log WHERE action = 'view_member' AND member_id = 1";
    let before = app.scalar(views).await;
    search_all(&app, &staff, "DEMO").await;
    assert_eq!(
        app.scalar(views).await,
        before + 2,
        "two locations, one member each"
    );
    // Members cannot search.
    let member = app.login_demo().await;
    let res = app
        .op(
            &operations("support-desk.graphql"),
            "SupportSearch",
            json!({ "query": "demo" }),
            Some(&member),
        )
        .await;
    assert!(
        res.error_codes().contains(&"FORBIDDEN".to_string()),
        "{}",
        res.body
    );
}

#[tokio::test]
async fn rows_written_before_the_search_columns_are_filled_at_start() {
    let app = spawn_app().await;
    app.sql("UPDATE service_locations SET search_text = NULL")
        .await;
    app.sql("UPDATE members SET name_search = NULL").await;
    let sibling = app.sibling().await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM service_locations WHERE search_text IS NULL")
            .await,
        0
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM members WHERE name_search IS NULL AND status = 'active'")
            .await,
        0
    );
    let staff = sibling
        .staff_login("staff", "staff-password-2024")
        .await
        .expect("staff signs in");
    assert_eq!(
        search_all(&sibling, &staff, "諸江町５丁目3番").await,
        vec!["3100000001".to_string()]
    );
}

//! High usage and possible leaks: flagged after each import, shown on the
//! location, mailed once to members who opted in.

use serde_json::json;

use crate::helpers::{TestApp, assert_reads_as_japanese, spawn_app};

fn two_months_after(month: &str) -> String {
    let (y, m) = month.split_once('-').expect("month");
    let index = y.parse::<i32>().expect("y") * 12 + m.parse::<i32>().expect("m") - 1 + 2;
    format!("{:04}-{:02}", index / 12, index % 12 + 1)
}

const ALERT: &str = "{ me { notificationSettings { highUsage } serviceLocations { customerNumber latestBill { billingMonth } usageAlert { billingMonth usageCubicMeters lastYearCubicMeters typicalHighCubicMeters reason whatToCheck flaggedAt } } } }";

/// Imports the next period for locations 1 and 7 (read in the same
/// months: both are in the even reading group) with the given usages.
async fn import_next(app: &TestApp, month: &str, home: i64, six: i64) -> String {
    let next = two_months_after(month);
    let read_on = format!("{next}-08");
    let meter = |id: i64| async move {
        app.scalar(&format!(
            "SELECT MAX(current_reading) FROM meter_readings WHERE service_location_id = {id}"
        ))
        .await
    };
    let (m1, m6) = (meter(1).await, meter(7).await);
    let dir = app.mail_dir.with_file_name(format!("feed-leak-{next}"));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("meter_readings.csv"),
        format!(
            "customer_number,read_on,previous_reading,current_reading\n\
             3100000001,{read_on},{m1},{}\n3100000007,{read_on},{m6},{}\n",
            m1 + home,
            m6 + six
        ),
    )
    .expect("write");
    std::fs::write(
        dir.join("bills.csv"),
        format!(
            "customer_number,billing_month,period_start,period_end,read_on,usage_m3,water_charge_yen,sewer_charge_yen,tax_yen,amount_yen,due_date,payment_method\n\
             3100000001,{next},{month}-08,{read_on},{read_on},{home},20000,15000,3181,35000,{next}-28,account_transfer\n\
             3100000007,{next},{month}-08,{read_on},{read_on},{six},20000,15000,3181,35000,{next}-28,account_transfer\n"
        ),
    )
    .expect("write");
    let run = app.tool(&["import", dir.to_str().expect("path")], "").await;
    assert!(run.success, "{}", run.stderr);
    run.stdout
}

#[tokio::test]
async fn a_leak_is_flagged_after_the_import_shown_and_mailed_once_to_who_opted_in() {
    let app = spawn_app().await;
    // Location 7 gets a member who has not opted in.
    app.sql("UPDATE service_locations SET member_id = (SELECT MIN(member_id) FROM service_locations WHERE member_id > 1) WHERE id = 7").await;
    let token = app.login_demo().await;
    let before = app.op(ALERT, "", json!({}), Some(&token)).await;
    let me = &before.data()["me"];
    assert_eq!(
        me["notificationSettings"]["highUsage"], true,
        "the demo member opted in"
    );
    let home = &me["serviceLocations"][0];
    assert!(home["usageAlert"].is_null(), "40 m³ is the home's usual");
    let month = home["latestBill"]["billingMonth"]
        .as_str()
        .expect("month")
        .to_string();
    let six_max = app
        .scalar("SELECT MAX(usage_m3) FROM bills WHERE service_location_id = 7")
        .await;

    // The home uses 95 m³: the same period last year was 44 m³
    // (DEMO_HOME_USAGE), the six periods before 40, 43, 40, 37, 40, 44 —
    // 95 ≥ 44 × 1.5, 95 ≥ 44 × 1.3, and 51 m³ more.
    let out = import_next(&app, &month, 95, six_max * 3 + 20).await;
    assert!(out.contains("usage alerts 2"), "{out}");
    let after = app.op(ALERT, "", json!({}), Some(&token)).await;
    let alert = &after.data()["me"]["serviceLocations"][0]["usageAlert"];
    let next = two_months_after(&month);
    assert_eq!(alert["billingMonth"], json!(next));
    assert_eq!(alert["usageCubicMeters"], 95);
    assert_eq!(alert["lastYearCubicMeters"], 44);
    assert_eq!(alert["typicalHighCubicMeters"], 44);
    let reason = alert["reason"].as_str().expect("reason");
    assert!(
        reason.contains("ご使用水量 95m³ は、前年同期（44m³）の2.2倍"),
        "{reason}"
    );
    assert_reads_as_japanese(reason);
    let checks = alert["whatToCheck"].as_array().expect("checks");
    assert_eq!(checks.len(), 3);
    assert!(checks[2].as_str().expect("check").contains("パイロット"));
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM usage_alerts WHERE service_location_id = 1 AND billing_month = '{next}' AND usage_m3 = 95 AND last_year_m3 = 44"
        ))
        .await,
        1
    );

    // One mail, to the member who opted in; location 7's member did not.
    let (year, number) = next.split_once('-').expect("month");
    let subject = format!(
        "{year}年{}月分のご使用水量が多くなっています",
        number.parse::<u32>().expect("month")
    );
    let mail = app.wait_for_mail("demo@example.jp", &subject).await;
    for words in [
        "95m³",
        "44m³",
        "3100000001",
        "トイレ",
        "パイロット",
        "漏水の可能性",
    ] {
        assert!(mail.body.contains(words), "{words}: {}", mail.body);
    }
    assert_reads_as_japanese(&mail.body);
    app.wait_until_outbox_is_empty().await;
    let leak_mails = |app: &TestApp| {
        app.mails()
            .into_iter()
            .filter(|m| m.subject.contains("ご使用水量が多く"))
            .count()
    };
    assert_eq!(leak_mails(&app), 1);

    // The same feed again flags nothing new and mails nobody.
    let dir = app.mail_dir.with_file_name(format!("feed-leak-{next}"));
    let run = app.tool(&["import", dir.to_str().expect("path")], "").await;
    assert!(run.stdout.contains("no changes"), "{}", run.stdout);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM usage_alerts WHERE service_location_id IN (1, 7)")
            .await,
        2
    );
    app.wait_until_outbox_is_empty().await;
    assert_eq!(leak_mails(&app), 1);

    // A usual next period clears the flag from the location.
    let out = import_next(&app, &next, 41, 1).await;
    assert!(out.contains("usage alerts 0"), "{out}");
    let later = app.op(ALERT, "", json!({}), Some(&token)).await;
    assert!(later.data()["me"]["serviceLocations"][0]["usageAlert"].is_null());
}

#[tokio::test]
async fn the_demo_city_has_a_leaking_location_and_the_setting_can_be_turned_off() {
    let app = spawn_app().await;
    // Location i = 17 leaks in its latest period (3 × its usual use).
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM usage_alerts").await,
        1,
        "one leaking location among the test city's 40"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM usage_alerts a JOIN service_locations l ON l.id = a.service_location_id JOIN bills b ON b.id = a.bill_id WHERE l.customer_number = '3100000018' AND b.usage_m3 = a.usage_m3 AND a.usage_m3 > 3 * a.typical_high_m3 / 2").await,
        1
    );
    let token = app.login_demo().await;
    let res = app
        .op(
            "mutation { updateNotificationSettings(input: { billIssued: true, noticePublished: true, highUsage: false }) { notificationSettings { highUsage newDevice } userErrors { code } } }",
            "",
            json!({}),
            Some(&token),
        )
        .await;
    let settings = &res.data()["updateNotificationSettings"]["notificationSettings"];
    assert_eq!(settings["highUsage"], false);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM members WHERE id = 1 AND notify_high_usage = false")
            .await,
        1
    );
    // Absent, it stays as it was.
    app.op(
        "mutation { updateNotificationSettings(input: { billIssued: true, noticePublished: true }) { userErrors { code } } }",
        "",
        json!({}),
        Some(&token),
    )
    .await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM members WHERE id = 1 AND notify_high_usage = false")
            .await,
        1
    );
}

#[tokio::test]
async fn a_bill_corrected_upwards_by_a_later_feed_is_judged_on_its_new_usage() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let before = app.op(ALERT, "", json!({}), Some(&token)).await;
    let month = before.data()["me"]["serviceLocations"][0]["latestBill"]["billingMonth"]
        .as_str()
        .expect("month")
        .to_string();
    let out = import_next(&app, &month, 41, 1).await;
    assert!(out.contains("usage alerts 0"), "{out}");
    // The billing system corrects the same period: 95 m³ after all.
    let next = two_months_after(&month);
    let dir = app.mail_dir.with_file_name(format!("feed-leak-{next}"));
    let bills = std::fs::read_to_string(dir.join("bills.csv")).expect("bills");
    std::fs::write(
        dir.join("bills.csv"),
        bills.replacen(&format!("{next}-08,41,"), &format!("{next}-08,95,"), 1),
    )
    .expect("write");
    let run = app.tool(&["import", dir.to_str().expect("path")], "").await;
    assert!(run.success, "{}", run.stderr);
    assert!(run.stdout.contains("bills +0 ~1"), "{}", run.stdout);
    assert!(run.stdout.contains("usage alerts 1"), "{}", run.stdout);
    let after = app.op(ALERT, "", json!({}), Some(&token)).await;
    assert_eq!(
        after.data()["me"]["serviceLocations"][0]["usageAlert"]["usageCubicMeters"],
        95
    );
}

//! The billing system's feed: `water-portal import DIR`.

use std::path::{Path, PathBuf};

use reqwest::header::HeaderValue;
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::helpers::{TestApp, assert_reads_as_japanese, operations, spawn_app, spawn_app_with};
use crate::language::english;

fn sample_feed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feed")
}

/// A scratch copy of the sample feed (or an empty folder).
fn scratch(app: &TestApp, name: &str, copy_sample: bool) -> PathBuf {
    // Beside the app's mail folder: removed with the app.
    let dir = app.mail_dir.with_file_name(format!("feed-{name}"));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    if copy_sample {
        for entry in std::fs::read_dir(sample_feed()).expect("fixtures") {
            let path = entry.expect("entry").path();
            std::fs::copy(&path, dir.join(path.file_name().expect("name"))).expect("copy");
        }
    }
    dir
}

/// The demo member adds the sample feed's first location with the number
/// on its slip; returns their token and the location.
async fn add_feed_home(app: &TestApp) -> (String, serde_json::Value) {
    let token = app.login_demo().await;
    let added = app
        .op(
            &operations("account.graphql"),
            "AddServiceLocation",
            json!({ "portalCustomerNumber": "300000000111" }),
            Some(&token),
        )
        .await;
    let location = added.data()["addServiceLocation"]["serviceLocation"].clone();
    (token, location)
}

/// Replaces the first `from` in a feed file with `to` (it must be there).
fn rewrite_once(dir: &Path, file: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(dir.join(file)).expect("read");
    assert!(text.contains(from), "{file}: {from}");
    std::fs::write(dir.join(file), text.replacen(from, to, 1)).expect("write");
}

async fn counts(app: &TestApp) -> Vec<i64> {
    let mut out = vec![];
    for table in [
        "service_locations",
        "meter_readings",
        "bills",
        "bill_line_items",
        "notices",
        "documents",
        "mail_outbox",
        "data_imports",
    ] {
        out.push(app.scalar(&format!("SELECT COUNT(*) FROM {table}")).await);
    }
    out
}

#[tokio::test]
async fn a_good_feed_lands_and_shows_on_the_member_pages() {
    let app = spawn_app().await;
    let before = app
        .op(
            &operations("login-screen.graphql"),
            "LoginScreen",
            json!({}),
            None,
        )
        .await
        .data()["portalStatus"]["lastDataUpdateAt"]
        .clone();
    let run = app
        .tool(&["import", sample_feed().to_str().expect("path")], "")
        .await;
    assert!(run.success, "{}", run.stderr);
    assert!(run.stdout.contains("bills +6"), "{}", run.stdout);
    // The feed's PDFs are read through documents.csv: no warning for them.
    assert!(!run.stdout.contains("warning"), "{}", run.stdout);

    // The member adds the new location with the number on its slip.
    let (token, location) = add_feed_home(&app).await;
    assert_eq!(location["address"], "石川県金沢市兼六町1丁目2番3号");
    let id = location["id"].as_str().expect("id").to_string();

    let dash = app.dashboard(&token).await;
    let data = dash.data();
    let imported = data["me"]["serviceLocations"]
        .as_array()
        .expect("list")
        .iter()
        .find(|l| l["id"] == json!(id))
        .expect("on the dashboard")
        .clone();
    assert_eq!(imported["latestBill"]["billingMonth"], "2026-11");
    assert_eq!(imported["latestBill"]["amountYen"], 10_859);
    let after = data["portalStatus"]["lastDataUpdateAt"]
        .as_str()
        .expect("time");
    assert!(
        after >= before.as_str().expect("time"),
        "the data-update time moved on"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM data_imports").await,
        2,
        "the run is recorded"
    );
    // Every figure from the feed says when the feed was imported: the new
    // location's bills as of this import, the demo's as of its seeding,
    // and the portal's last update is the latest of them.
    let fresh = app
        .op(
            "{ me { serviceLocations { id latestBill { asOf } usageHistory(months: 24) { asOf } } } portalStatus { lastDataUpdateAt } }",
            "",
            json!({}),
            Some(&token),
        )
        .await;
    let fresh = fresh.data();
    let last = fresh["portalStatus"]["lastDataUpdateAt"]
        .as_str()
        .expect("time");
    for location in fresh["me"]["serviceLocations"].as_array().expect("list") {
        let as_of = location["latestBill"]["asOf"].as_str().expect("asOf");
        if location["id"] == json!(id) {
            assert_eq!(as_of, last, "the imported bill is as of the import");
        } else {
            // Seeded before the import (within the same second, often).
            assert!(as_of <= last, "the demo's bills are older: {as_of} {last}");
        }
        for point in location["usageHistory"].as_array().expect("points") {
            assert!(point["asOf"].as_str().expect("asOf") <= last);
        }
    }

    // The Dashboard shows the newest five; the feed's notice is dated, the
    // demo's move with the day, so look it up among all of them.
    let all = app
        .op(
            "query All { notices(first: 50) { edges { node { title } } } }",
            "All",
            json!({}),
            Some(&token),
        )
        .await;
    let titles: Vec<&str> = all.data()["notices"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap_or(""))
        .collect();
    assert!(titles.contains(&"断水のお知らせ（兼六町）"), "{titles:?}");

    let doc = operations("usage-and-bills.graphql");
    let bills = app
        .op(
            &doc,
            "Bills",
            json!({ "locationId": id, "first": 10 }),
            Some(&token),
        )
        .await;
    let edges = bills.data()["serviceLocation"]["bills"]["edges"]
        .as_array()
        .expect("edges")
        .clone();
    assert_eq!(edges.len(), 2);
    assert_eq!(edges[1]["node"]["paymentStatus"], "PAID");
    assert_eq!(edges[1]["node"]["paidOn"], "2026-09-30");
    let bill_id = edges[0]["node"]["id"].clone();
    let detail = app
        .op(&doc, "BillDetail", json!({ "id": bill_id }), Some(&token))
        .await;
    let bill = &detail.data()["bill"];
    assert_eq!(bill["lineItems"].as_array().map(Vec::len), Some(6));
    assert_eq!(bill["meterReading"]["usageCubicMeters"], 42);
    let graph = app
        .op(
            &doc,
            "UsageGraph",
            json!({ "locationId": id, "months": 24 }),
            Some(&token),
        )
        .await;
    let usage: Vec<i64> = graph.data()["serviceLocation"]["usageHistory"]
        .as_array()
        .expect("points")
        .iter()
        .map(|p| p["usageCubicMeters"].as_i64().expect("usage"))
        .collect();
    assert_eq!(usage, vec![36, 42]);

    let docs = app
        .op(
            &operations("documents.graphql"),
            "Documents",
            json!({ "first": 20 }),
            Some(&token),
        )
        .await;
    assert!(
        docs.data()["me"]["documents"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .any(|e| e["node"]["title"] == "検針のお知らせ（2026-11）")
    );
}

#[tokio::test]
async fn a_feed_with_one_bad_row_names_it_and_changes_nothing() {
    let app = spawn_app().await;
    let dir = scratch(&app, "bad", true);
    let bills = std::fs::read_to_string(dir.join("bills.csv")).expect("bills");
    let broken = bills.replacen(",9600,2026-09-30,", ",9601,2026-09-30,", 1);
    assert_ne!(bills, broken);
    std::fs::write(dir.join("bills.csv"), broken).expect("write");
    let before = counts(&app).await;
    let run = app.tool(&["import", dir.to_str().expect("path")], "").await;
    assert!(!run.success);
    assert!(
        run.stderr.contains("bills.csv:2: amount_yen:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was written"));
    assert_eq!(counts(&app).await, before);

    // A row that refers to an unknown location is caught too.
    let dir = scratch(&app, "orphan", false);
    std::fs::write(
        dir.join("meter_readings.csv"),
        "customer_number,read_on,previous_reading,current_reading\n3999999999,2026-11-08,1,2\n",
    )
    .expect("write");
    let run = app.tool(&["import", dir.to_str().expect("path")], "").await;
    assert!(!run.success);
    assert!(
        run.stderr
            .contains("meter_readings.csv:2: customer_number: no service location 3999999999"),
        "{}",
        run.stderr
    );
    assert_eq!(counts(&app).await, before);
}

#[tokio::test]
async fn importing_the_same_feed_twice_changes_nothing() {
    let app = spawn_app().await;
    let path = sample_feed();
    let first = app
        .tool(&["import", path.to_str().expect("path")], "")
        .await;
    assert!(first.success, "{}", first.stderr);
    let after_first = counts(&app).await;
    let updated = app.scalar("SELECT COUNT(*) FROM data_imports").await;
    let second = app
        .tool(&["import", path.to_str().expect("path")], "")
        .await;
    assert!(second.success, "{}", second.stderr);
    assert!(second.stdout.contains("no changes"), "{}", second.stdout);
    assert_eq!(counts(&app).await, after_first);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM data_imports").await,
        updated
    );
}

#[tokio::test]
async fn new_bills_land_as_they_stand_and_a_bill_without_lines_shows_its_totals() {
    let app = spawn_app().await;
    let dir = scratch(&app, "as-they-stand", true);
    // The billing system sends no lines for one bill.
    let items = std::fs::read_to_string(dir.join("bill_line_items.csv")).expect("read");
    let kept: Vec<&str> = items
        .lines()
        .filter(|l| !l.starts_with("3200000001,2026-11,"))
        .collect();
    assert_eq!(kept.len(), items.lines().count() - 6);
    std::fs::write(dir.join("bill_line_items.csv"), kept.join("\n") + "\n").expect("write");

    let run = app.tool(&["import", dir.to_str().expect("path")], "").await;
    assert!(run.success, "{}", run.stderr);
    // The September bills come with their payments; November's fell due
    // on 2026-11-30 and are unpaid.
    for expected in [
        "bills +6 ~0,",
        ", line item lists 5,",
        ", payments 3,",
        ", overdue 3,",
    ] {
        assert!(run.stdout.contains(expected), "{expected}: {}", run.stdout);
    }
    let bills = |status: &str, month: &str| {
        format!(
            "SELECT COUNT(*) FROM bills b JOIN service_locations l ON l.id = b.service_location_id \
             WHERE l.customer_number LIKE '32%' AND b.billing_month = '{month}' AND b.payment_status = '{status}'"
        )
    };
    assert_eq!(app.scalar(&bills("paid", "2026-09")).await, 3);
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM bills b JOIN service_locations l ON l.id = b.service_location_id \
                    WHERE l.customer_number = '3200000002' AND b.billing_month = '2026-09' \
                    AND b.paid_on = '2026-09-30' AND b.payment_method = 'payment_slip'"
        )
        .await,
        1
    );
    assert_eq!(app.scalar(&bills("overdue", "2026-11")).await, 3);
    let bill = "(SELECT b.id FROM bills b JOIN service_locations l ON l.id = b.service_location_id \
                WHERE l.customer_number = '3200000001' AND b.billing_month = '2026-11')";
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM bill_line_items WHERE bill_id = {bill}"
        ))
        .await,
        0,
        "nothing stored for a bill without lines"
    );

    // The member sees the bill's water and sewerage totals, in their language.
    let (token, location) = add_feed_home(&app).await;
    let id = location["id"].clone();
    let doc = operations("usage-and-bills.graphql");
    let list = app
        .op(
            &doc,
            "Bills",
            json!({ "locationId": id, "first": 1 }),
            Some(&token),
        )
        .await;
    let node = list.data()["serviceLocation"]["bills"]["edges"][0]["node"].clone();
    assert_eq!(node["billingMonth"], "2026-11");
    assert_eq!(node["paymentStatus"], "OVERDUE");
    let detail = app
        .op(
            &doc,
            "BillDetail",
            json!({ "id": node["id"] }),
            Some(&token),
        )
        .await;
    assert_eq!(
        detail.data()["bill"]["lineItems"],
        json!([
            { "label": "水道料金（税込）", "amountYen": 5293 },
            { "label": "下水道使用料（税込）", "amountYen": 5566 },
        ])
    );
    let mut headers = english();
    headers.insert(
        "authorization",
        HeaderValue::from_str(&format!("Bearer {token}")).expect("header"),
    );
    let query = format!(
        "{{ bill(id: {}) {{ lineItems {{ label amountYen }} }} }}",
        node["id"]
    );
    let en = app.post(json!({ "query": query }), headers).await;
    assert_eq!(
        en.data()["bill"]["lineItems"],
        json!([
            { "label": "Water (tax included)", "amountYen": 5293 },
            { "label": "Sewerage (tax included)", "amountYen": 5566 },
        ])
    );
}

#[tokio::test]
async fn files_sent_again_unchanged_are_not_compared_again() {
    let app = spawn_app().await;
    let dir = scratch(&app, "resent", true);
    let path = dir.to_str().expect("path").to_string();
    let first = app.tool(&["import", &path], "").await;
    assert!(first.success, "{}", first.stderr);
    assert!(!first.stdout.contains("not compared"), "{}", first.stdout);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM import_files").await, 5);

    let all = "not compared again: service_locations.csv, meter_readings.csv, bills.csv, \
               bill_line_items.csv, payments.csv";
    let again = app.tool(&["import", &path], "").await;
    assert!(again.success, "{}", again.stderr);
    assert!(again.stdout.contains("no changes"), "{}", again.stdout);
    assert!(again.stdout.contains(all), "{}", again.stdout);

    let rewrite = |file: &str, from: &str, to: &str| rewrite_once(&dir, file, from, to);
    // A payment recorded another day: only payments.csv is read.
    rewrite(
        "payments.csv",
        "3200000002,2026-09,2026-09-30",
        "3200000002,2026-09,2026-09-29",
    );
    let paid = app.tool(&["import", &path], "").await;
    assert!(paid.success, "{}", paid.stderr);
    assert!(paid.stdout.contains(", payments 1,"), "{}", paid.stdout);
    assert!(
        paid.stdout.contains(
            "not compared again: service_locations.csv, meter_readings.csv, bills.csv, bill_line_items.csv"
        ) && !paid.stdout.contains("payments.csv"),
        "{}",
        paid.stdout
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM bills b JOIN service_locations l ON l.id = b.service_location_id \
                    WHERE l.customer_number = '3200000002' AND b.billing_month = '2026-09' AND b.paid_on = '2026-09-29'")
            .await,
        1
    );

    // A bill corrected against the line items already stored is checked
    // against them, and refused whole.
    let before = counts(&app).await;
    rewrite(
        "bills.csv",
        "3200000001,2026-09,2026-07-08,2026-09-07,2026-09-08,36,4655,4945,872,9600,",
        "3200000001,2026-09,2026-07-08,2026-09-07,2026-09-08,36,4656,4945,872,9601,",
    );
    let bill_refused = refused(&app, &dir).await;
    assert!(
        bill_refused.contains("bills.csv:2: amount_yen: items of 3200000001 2026-09 add up to 9600, the bill says 9601"),
        "{bill_refused}"
    );
    assert_eq!(counts(&app).await, before);
    // With its lines corrected too, both files are read and written.
    rewrite(
        "bill_line_items.csv",
        "3200000001,2026-09,1,水道料金 基本料金,2000",
        "3200000001,2026-09,1,水道料金 基本料金,2001",
    );
    let corrected = app.tool(&["import", &path], "").await;
    assert!(corrected.success, "{}", corrected.stderr);
    for expected in ["bills +0 ~1,", ", line item lists 1,"] {
        assert!(
            corrected.stdout.contains(expected),
            "{expected}: {}",
            corrected.stdout
        );
    }
    assert_eq!(
        app.scalar("SELECT CAST(SUM(i.amount_yen) AS BIGINT) FROM bill_line_items i JOIN bills b ON b.id = i.bill_id \
                    JOIN service_locations l ON l.id = b.service_location_id \
                    WHERE l.customer_number = '3200000001' AND b.billing_month = '2026-09' AND b.amount_yen = 9601")
            .await,
        9601
    );
    // Lines that come against the stored bill (bills.csv unchanged, so
    // not read) are checked against it.
    rewrite(
        "bill_line_items.csv",
        "3200000001,2026-09,1,水道料金 基本料金,2001",
        "3200000001,2026-09,1,水道料金 基本料金,2002",
    );
    let lines_refused = refused(&app, &dir).await;
    assert!(
        lines_refused.contains("bill_line_items.csv:7: amount_yen: items of 3200000001 2026-09 add up to 9602, the bill says 9601"),
        "{lines_refused}"
    );
}

#[tokio::test]
async fn bill_totals_stored_by_earlier_imports_give_way_to_ones_worked_out_when_read() {
    use migration::{Migrator, MigratorTrait};
    let app = spawn_app().await;
    // A demo bill without lines, as imports before 2026-12-07 stored it.
    let bill = app.scalar("SELECT MIN(id) FROM bills").await;
    app.sql(&format!(
        "DELETE FROM bill_line_items WHERE bill_id = {bill}"
    ))
    .await;
    app.sql(&format!(
        "INSERT INTO bill_line_items (bill_id, position, label, amount_yen) \
         SELECT id, 1, '水道料金（税込）', water_charge_yen FROM bills WHERE id = {bill} \
         UNION ALL SELECT id, 2, '下水道使用料（税込）', sewer_charge_yen FROM bills WHERE id = {bill}"
    ))
    .await;
    let all = app.scalar("SELECT COUNT(*) FROM bill_line_items").await;
    // The clean-up runs again (its way down restores nothing).
    Migrator::down(&app.db, Some(1)).await.expect("down");
    Migrator::up(&app.db, None).await.expect("up");
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM bill_line_items WHERE bill_id = {bill}"
        ))
        .await,
        0
    );
    // The demo's own six lines a bill are kept.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM bill_line_items").await,
        all - 2
    );
}

/// The foreign keys of the tables a first load fills, as PostgreSQL
/// prints them, with whether each is checked (empty on SQLite).
async fn foreign_keys(app: &TestApp) -> Vec<String> {
    if !crate::helpers::is_postgres() {
        return vec![];
    }
    let rows = app
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT c.conrelid::regclass::text || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid) \
             || ' ' || c.convalidated::text AS k FROM pg_constraint c WHERE c.contype = 'f' \
             AND c.conrelid IN ('meter_readings'::regclass, 'bills'::regclass) ORDER BY 1",
        ))
        .await
        .expect("constraints");
    rows.iter()
        .map(|r| r.try_get::<String>("", "k").expect("k"))
        .collect()
}

#[tokio::test]
async fn a_first_load_keeps_every_foreign_key() {
    let app = spawn_app_with(&[("PORTAL_DEMO_DATA", "false")]).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM bills").await, 0);
    let before = foreign_keys(&app).await;
    if crate::helpers::is_postgres() {
        assert_eq!(before.len(), 3, "{before:?}");
    }
    // More bills than stored: on PostgreSQL the keys are dropped for the
    // import and added back, checked, before it commits.
    let run = app
        .tool(&["import", sample_feed().to_str().expect("path")], "")
        .await;
    assert!(run.success, "{}", run.stderr);
    assert!(run.stdout.contains("bills +6"), "{}", run.stdout);
    assert_eq!(
        run.stdout
            .contains("first load: the foreign keys of meter_readings and bills were checked once"),
        crate::helpers::is_postgres(),
        "{}",
        run.stdout
    );
    assert_eq!(foreign_keys(&app).await, before);
    assert!(before.iter().all(|k| k.ends_with(" true")), "{before:?}");

    // And they hold: a bill for no location is refused, a location's
    // bills and readings go with it.
    let orphan = app
        .db
        .execute_unprepared(
            "INSERT INTO bills (service_location_id, billing_month, period_start, period_end, \
             usage_m3, water_charge_yen, sewer_charge_yen, tax_yen, amount_yen, due_date, \
             payment_status, issued_at) VALUES (999999, '2026-11', '2026-09-08', '2026-11-07', \
             1, 1, 1, 0, 2, '2026-11-30', 'unpaid', '2026-11-08T00:00:00Z')",
        )
        .await;
    assert!(orphan.is_err(), "a bill for no location was stored");
    app.sql("DELETE FROM usage_alerts").await;
    app.sql("DELETE FROM documents").await;
    app.sql("DELETE FROM service_locations WHERE customer_number = '3200000003'")
        .await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM bills").await, 4);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM meter_readings").await, 4);
}

/// The month two after `YYYY-MM`.
fn two_months_after(month: &str) -> (String, String) {
    let (y, m) = month.split_once('-').expect("month");
    let index = y.parse::<i32>().expect("y") * 12 + m.parse::<i32>().expect("m") - 1 + 2;
    let next = format!("{:04}-{:02}", index / 12, index % 12 + 1);
    (next.clone(), format!("{next}-08"))
}

#[tokio::test]
async fn new_bills_and_notices_are_mailed_once_to_members_who_opted_in() {
    let app = spawn_app().await;
    // Location 6's member does not want bill mails.
    app.sql("UPDATE service_locations SET member_id = (SELECT MIN(member_id) FROM service_locations WHERE member_id > 1) WHERE id = 6").await;
    app.sql("UPDATE members SET notify_bill_issued = false WHERE id = (SELECT member_id FROM service_locations WHERE id = 6)").await;

    let latest: i64 = app
        .scalar("SELECT MAX(id) FROM bills WHERE service_location_id = 1")
        .await;
    let month_row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            format!("SELECT billing_month FROM bills WHERE id = {latest}"),
        ))
        .await
        .expect("query")
        .expect("row");
    let month: String = month_row.try_get_by_index(0).expect("month");
    let (next, read_on) = two_months_after(&month);
    let meter = app
        .scalar("SELECT MAX(current_reading) FROM meter_readings WHERE service_location_id = 1")
        .await;
    let meter6 = app
        .scalar("SELECT MAX(current_reading) FROM meter_readings WHERE service_location_id = 6")
        .await;

    let dir = scratch(&app, "mails", false);
    std::fs::write(
        dir.join("meter_readings.csv"),
        format!(
            "customer_number,read_on,previous_reading,current_reading\n\
             3100000001,{read_on},{meter},{}\n3100000006,{read_on},{meter6},{}\n",
            meter + 40,
            meter6 + 30
        ),
    )
    .expect("write");
    std::fs::write(
        dir.join("bills.csv"),
        format!(
            "customer_number,billing_month,period_start,period_end,read_on,usage_m3,water_charge_yen,sewer_charge_yen,tax_yen,amount_yen,due_date,payment_method\n\
             3100000001,{next},{month}-08,{read_on},{read_on},40,4994,5302,936,10296,{next}-28,account_transfer\n\
             3100000006,{next},{month}-08,{read_on},{read_on},30,3700,3900,690,7600,{next}-28,account_transfer\n"
        ),
    )
    .expect("write");
    std::fs::write(
        dir.join("notices.csv"),
        "notice_id,published_at,customer_number,title,body\n\
         mail-test-1,2026-11-01T09:00:00+09:00,,水道管の凍結にご注意ください,\"寒い日が続きます。\"\n",
    )
    .expect("write");

    // A stray file is not read, and the operator is told.
    std::fs::write(dir.join("bills_2026-10.csv"), "old").expect("write");
    let run = app.tool(&["import", dir.to_str().expect("path")], "").await;
    assert!(run.success, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("warning: bills_2026-10.csv is not a feed file"),
        "{}",
        run.stdout
    );
    let (year, month_number) = next.split_once('-').expect("YYYY-MM");
    let month_ja = format!(
        "{year}年{}月分のご請求",
        month_number.parse::<u32>().expect("month")
    );
    let bill_mail = app.wait_for_mail("demo@example.jp", &month_ja).await;
    assert!(bill_mail.body.contains("10,296円"), "{}", bill_mail.body);
    // Paid by 口座振替: a transfer date, not a due date; the volume says
    // how many months it covers; no ISO date leaks into the text.
    assert!(
        bill_mail.body.contains("口座振替日: "),
        "{}",
        bill_mail.body
    );
    assert!(!bill_mail.body.contains("お支払期限"), "{}", bill_mail.body);
    assert!(bill_mail.body.contains("か月分）"), "{}", bill_mail.body);
    assert_reads_as_japanese(&bill_mail.subject);
    assert_reads_as_japanese(&bill_mail.body);
    app.wait_for_mail("demo@example.jp", "水道管の凍結").await;
    app.wait_until_outbox_is_empty().await;
    // Only the demo member opted in: one bill mail and one notice mail.
    let mails = app.mails();
    assert_eq!(mails.len(), 2, "{mails:?}");

    // Re-running the feed sends nothing again.
    let again = app.tool(&["import", dir.to_str().expect("path")], "").await;
    assert!(again.success, "{}", again.stderr);
    assert!(again.stdout.contains("no changes"), "{}", again.stdout);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.mails().len(), 2);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM mail_outbox").await, 2);
}

/// SQLite's write-ahead log is folded back after an import, so the file
/// beside the database does not keep the feed's size. (PostgreSQL keeps
/// its own WAL; there is nothing of ours to check there.)
#[tokio::test]
async fn an_import_leaves_no_sqlite_write_ahead_log_behind() {
    if crate::helpers::is_postgres() {
        return;
    }
    let app = spawn_app().await;
    let url = app
        .db_env
        .iter()
        .find(|(k, _)| k == "DATABASE_URL")
        .map(|(_, v)| v.clone())
        .expect("url");
    let file = url.trim_start_matches("sqlite://").to_string();
    let wal = std::path::PathBuf::from(format!("{file}-wal"));
    let run = app
        .tool(&["import", sample_feed().to_str().expect("path")], "")
        .await;
    assert!(run.success, "{}", run.stderr);
    let size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    assert_eq!(size, 0, "{} is {size} bytes", wal.display());
    // What the import wrote is in the database itself.
    assert!(
        app.scalar("SELECT COUNT(*) FROM bills WHERE billing_month = '2026-11'")
            .await
            > 0
    );
}

/// Runs an import that must be refused; returns its problems.
async fn refused(app: &TestApp, dir: &Path) -> String {
    let before = counts(app).await;
    let run = app.tool(&["import", dir.to_str().expect("path")], "").await;
    assert!(!run.success, "{}", run.stdout);
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert_eq!(counts(app).await, before, "a refused feed writes nothing");
    run.stderr
}

#[tokio::test]
async fn the_staged_checks_name_every_problem_by_file_line_and_field() {
    let app = spawn_app().await;
    // In the feed itself: a location twice, items that do not add up.
    let dir = scratch(&app, "twice", true);
    let locations = std::fs::read_to_string(dir.join("service_locations.csv")).expect("read");
    std::fs::write(
        dir.join("service_locations.csv"),
        format!("{locations}3200000001,300000000111,兼六 一郎,石川県金沢市兼六町1丁目2番3号,20,household,1\n"),
    )
    .expect("write");
    let items = std::fs::read_to_string(dir.join("bill_line_items.csv")).expect("read");
    std::fs::write(
        dir.join("bill_line_items.csv"),
        items.replacen(",2000\n", ",2001\n", 1),
    )
    .expect("write");
    let out = refused(&app, &dir).await;
    for expected in [
        "service_locations.csv:5: customer_number: appears twice in the file",
        "service_locations.csv:5: portal_customer_number: appears twice in the file",
        "bill_line_items.csv:7: amount_yen: items of 3200000001 2026-09 add up to 9601, the bill says 9600",
    ] {
        assert!(out.contains(expected), "{expected}\n{out}");
    }

    // Against the database: a portal number issued to another contract,
    // a location nobody knows.
    let taken = app
        .scalar("SELECT CAST(portal_customer_number AS BIGINT) FROM service_locations WHERE customer_number = '3100000002'")
        .await;
    let dir = scratch(&app, "taken", false);
    std::fs::write(
        dir.join("service_locations.csv"),
        format!("customer_number,portal_customer_number,holder_name,address,meter_diameter_mm,use_type,reading_month_parity\n3200000009,{taken},広坂 三郎,石川県金沢市広坂1丁目1番1号,20,household,0\n"),
    )
    .expect("write");
    std::fs::write(
        dir.join("payments.csv"),
        "customer_number,billing_month,paid_on,payment_method\n3999999999,2026-09,2026-09-30,payment_slip\n",
    )
    .expect("write");
    let out = refused(&app, &dir).await;
    for expected in [
        "service_locations.csv:2: portal_customer_number: already issued for customer number 3100000002",
        "payments.csv:2: customer_number: no service location 3999999999",
    ] {
        assert!(out.contains(expected), "{expected}\n{out}");
    }

    // Once written: a bill without its reading, a payment without its bill.
    let dir = scratch(&app, "unread", false);
    std::fs::write(
        dir.join("bills.csv"),
        "customer_number,billing_month,period_start,period_end,read_on,usage_m3,water_charge_yen,sewer_charge_yen,tax_yen,amount_yen,due_date,payment_method\n\
         3100000001,2027-03,2027-01-08,2027-03-07,2027-03-08,36,4655,4945,872,9600,2027-03-30,account_transfer\n",
    )
    .expect("write");
    let out = refused(&app, &dir).await;
    assert!(
        out.contains("bills.csv:2: read_on: no meter reading on 2027-03-08"),
        "{out}"
    );
    let dir = scratch(&app, "unbilled", false);
    std::fs::write(
        dir.join("payments.csv"),
        "customer_number,billing_month,paid_on,payment_method\n3100000001,2027-05,2027-05-30,account_transfer\n",
    )
    .expect("write");
    let out = refused(&app, &dir).await;
    assert!(
        out.contains("payments.csv:2: billing_month: no bill for 2027-05"),
        "{out}"
    );
}

#[tokio::test]
async fn a_corrected_feed_rewrites_only_what_changed() {
    let app = spawn_app().await;
    let dir = scratch(&app, "corrected", true);
    let first = app.tool(&["import", dir.to_str().expect("path")], "").await;
    assert!(first.success, "{}", first.stderr);
    let bill = "(SELECT b.id FROM bills b JOIN service_locations l ON l.id = b.service_location_id \
                WHERE l.customer_number = '3200000001' AND b.billing_month = '2026-09')";
    let items = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM bill_line_items WHERE bill_id = {bill}"
        ))
        .await;
    assert!(items > 0);

    // The billing system renames one item, moves a holder, reads a meter
    // again and records the second location's payment another day.
    let rewrite = |file: &str, from: &str, to: &str| rewrite_once(&dir, file, from, to);
    rewrite(
        "bill_line_items.csv",
        "水道料金 基本料金",
        "水道料金 基本料金（改）",
    );
    rewrite("service_locations.csv", "兼六 一郎", "兼六 一朗");
    rewrite(
        "payments.csv",
        "3200000002,2026-09,2026-09-30",
        "3200000002,2026-09,2026-09-29",
    );
    let second = app.tool(&["import", dir.to_str().expect("path")], "").await;
    assert!(second.success, "{}", second.stderr);
    for expected in [
        "locations +0 ~1",
        "bills +0 ~0",
        "line item lists 1",
        "payments 1",
    ] {
        assert!(
            second.stdout.contains(expected),
            "{expected}: {}",
            second.stdout
        );
    }
    // The list is replaced, not added to.
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM bill_line_items WHERE bill_id = {bill}"
        ))
        .await,
        items
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM bill_line_items WHERE bill_id = {bill} AND label = '水道料金 基本料金（改）'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM service_locations WHERE holder_name = '兼六 一朗' AND search_text LIKE '%一朗%'")
            .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM bills b JOIN service_locations l ON l.id = b.service_location_id WHERE l.customer_number = '3200000002' AND b.billing_month = '2026-09' AND b.payment_status = 'paid' AND b.paid_on = '2026-09-29'")
            .await,
        1
    );
}

//! The member top page.

use serde_json::json;

use crate::helpers::{operations, spawn_app};

#[tokio::test]
async fn the_dashboard_shows_the_demo_members_locations_bills_and_notices() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let res = app.dashboard(&token).await;
    let data = res.data();
    let me = &data["me"];
    assert_eq!(me["displayName"], "金沢 太郎");
    assert!(
        ["おはようございます", "こんにちは", "こんばんは"]
            .contains(&me["greeting"].as_str().unwrap_or("")),
        "{}",
        me["greeting"]
    );
    let locations = me["serviceLocations"].as_array().expect("list");
    assert_eq!(locations.len(), 2);
    assert_eq!(locations[0]["customerNumber"], "3100000001");
    assert_eq!(locations[1]["customerNumber"], "3100000002");
    assert_eq!(
        locations[0]["portalCustomerNumber"].as_str().map(str::len),
        Some(12)
    );

    // The home's latest period: 40 m³ over two months, on Kanazawa's tariff.
    let home = &locations[0]["latestBill"];
    assert_eq!(home["usageCubicMeters"], 40);
    assert_eq!(home["amountYen"], 10_296);
    let month = home["billingMonth"].as_str().expect("month");
    assert_eq!(month.len(), 7);
    // Due (or transferred) some weeks after the reading in that month.
    let due = home["dueDate"].as_str().expect("date");
    assert!(due > month && due.len() == 10, "{due} after {month}");
    assert!(["PAID", "UNPAID"].contains(&home["paymentStatus"].as_str().unwrap_or("")));

    // Ten notices reach the demo member: five on the first page.
    let notices = &data["notices"];
    let edges = notices["edges"].as_array().expect("edges");
    assert_eq!(edges.len(), 5);
    assert_eq!(notices["pageInfo"]["hasNextPage"], true);
    assert_eq!(
        edges[0]["node"]["title"],
        "【重要】水道料金・下水道使用料の改定について"
    );
    assert_eq!(edges[0]["node"]["isNew"], true);
    assert_eq!(edges[0]["node"]["isRead"], false);
    assert_eq!(edges[4]["node"]["isNew"], false);
    let times: Vec<&str> = edges
        .iter()
        .map(|e| e["node"]["publishedAt"].as_str().expect("time"))
        .collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first");

    let updated = data["portalStatus"]["lastDataUpdateAt"]
        .as_str()
        .expect("time");
    assert!(updated.ends_with("+09:00"));
}

#[tokio::test]
async fn a_dashboard_costs_the_same_sql_statements_for_one_and_five_locations() {
    let app = spawn_app().await;
    let dashboard = operations("dashboard.graphql");

    let count_for = |locations: usize| {
        let app = &app;
        let dashboard = &dashboard;
        async move {
            // The demo member keeps location 1 and gets locations 6.. added.
            app.sql("UPDATE service_locations SET member_id = NULL WHERE member_id = 1")
                .await;
            app.sql(&format!(
                "UPDATE service_locations SET member_id = 1 WHERE id = 1 OR (id > 5 AND id <= {})",
                5 + locations - 1
            ))
            .await;
            let token = app.login_demo().await;
            // Warm up (trusted documents, prepared statements), then let
            // two seconds pass so the measured request always records the
            // session's last use: the count does not hang on the clock.
            app.op(dashboard, "Dashboard", json!({}), Some(&token))
                .await;
            app.clock.advance(chrono::Duration::seconds(2));
            let before = app.statements().await;
            let res = app
                .op(dashboard, "Dashboard", json!({}), Some(&token))
                .await;
            let after = app.statements().await;
            let shown = res.data()["me"]["serviceLocations"]
                .as_array()
                .map(Vec::len)
                .unwrap_or(0);
            assert_eq!(shown, locations);
            assert!(
                res.data()["me"]["serviceLocations"]
                    .as_array()
                    .expect("list")
                    .iter()
                    .all(|l| !l["latestBill"].is_null())
            );
            after - before
        }
    };
    let one = count_for(1).await;
    let five = count_for(5).await;
    assert_eq!(one, five, "statements for 1 location: {one}, for 5: {five}");
    // The session with its member and the data-update time (one
    // statement), the last-use touch (at most once a second), the notices
    // with their read marks (one), the locations with their latest bills
    // (one): 4, the page's data in 3. It was 9 while the member was read on
    // its own, 8 while notices, read marks, locations, latest months and
    // bills were each a statement, 5 while the update time was one.
    assert_eq!(one, 4, "a dashboard takes {one} statements");
}

#[tokio::test]
async fn the_dashboard_reads_only_the_members_own_read_marks_and_each_locations_newest_bill() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let first = app.dashboard(&token).await;
    let top = first.data()["notices"]["edges"][0]["node"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    // Two other members have read the top notice: it is still unread for
    // the demo member, and listed once.
    app.sql(&format!(
        "INSERT INTO notice_reads (member_id, notice_id, read_at) \
         SELECT DISTINCT member_id, {top}, (SELECT MIN(read_at) FROM notice_reads) FROM service_locations \
         WHERE member_id > 1 AND member_id <= 3"
    ))
    .await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM notice_reads WHERE notice_id = {top}"
        ))
        .await,
        2
    );
    // The office loses its bills; the home gets a newer one than its
    // latest, in a month the feed has not reached.
    app.sql(
        "DELETE FROM bill_line_items WHERE bill_id IN \
         (SELECT id FROM bills WHERE service_location_id = 2)",
    )
    .await;
    app.sql("DELETE FROM usage_alerts WHERE bill_id IN (SELECT id FROM bills WHERE service_location_id = 2)")
        .await;
    app.sql("DELETE FROM bills WHERE service_location_id = 2")
        .await;
    app.sql(
        "INSERT INTO bills (service_location_id, billing_month, period_start, period_end, \
         usage_m3, water_charge_yen, sewer_charge_yen, tax_yen, amount_yen, due_date, payment_status, \
         payment_method, issued_at) \
         SELECT service_location_id, '2099-02', period_start, period_end, 77, water_charge_yen, \
         sewer_charge_yen, tax_yen, 4321, due_date, payment_status, payment_method, issued_at FROM bills \
         WHERE service_location_id = 1 AND billing_month = \
         (SELECT MAX(billing_month) FROM bills WHERE service_location_id = 1)",
    )
    .await;

    let res = app.dashboard(&token).await;
    let data = res.data();
    let edges = data["notices"]["edges"].as_array().expect("edges");
    assert_eq!(edges.len(), 5);
    assert_eq!(edges[0]["node"]["id"], top.as_str());
    assert_eq!(edges[0]["node"]["isRead"], false);
    assert_eq!(
        edges
            .iter()
            .filter(|e| e["node"]["id"] == top.as_str())
            .count(),
        1
    );
    let locations = data["me"]["serviceLocations"].as_array().expect("list");
    assert_eq!(locations.len(), 2);
    assert_eq!(locations[0]["latestBill"]["billingMonth"], "2099-02");
    assert_eq!(locations[0]["latestBill"]["amountYen"], 4321);
    assert_eq!(locations[0]["latestBill"]["usageCubicMeters"], 77);
    assert!(locations[1]["latestBill"].is_null(), "{}", locations[1]);
}

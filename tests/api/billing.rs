//! Usage graph, bill list and bill details.

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::helpers::{TestApp, operations, spawn_app};

async fn demo_home(app: &TestApp) -> (String, String) {
    let token = app.login_demo().await;
    let res = app.dashboard(&token).await;
    let id = res.data()["me"]["serviceLocations"][0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    (token, id)
}

fn month_index(m: &str) -> i32 {
    let (y, mo) = m.split_once('-').expect("YYYY-MM");
    y.parse::<i32>().expect("year") * 12 + mo.parse::<i32>().expect("month")
}

#[tokio::test]
async fn the_usage_graph_covers_24_months_oldest_first() {
    let app = spawn_app().await;
    let (token, home) = demo_home(&app).await;
    let doc = operations("usage-and-bills.graphql");
    let res = app
        .op(
            &doc,
            "UsageGraph",
            json!({ "locationId": home, "months": 24 }),
            Some(&token),
        )
        .await;
    let points = res.data()["serviceLocation"]["usageHistory"]
        .as_array()
        .expect("list")
        .clone();
    // Bimonthly billing: 12 periods in 24 months.
    assert_eq!(points.len(), 12);
    let months: Vec<i32> = points
        .iter()
        .map(|p| month_index(p["billingMonth"].as_str().expect("month")))
        .collect();
    assert!(months.windows(2).all(|w| w[1] - w[0] == 2), "{months:?}");
    // The demo home's usage, oldest first (the 13th, older period is left out).
    let usage: Vec<i64> = points
        .iter()
        .map(|p| p["usageCubicMeters"].as_i64().expect("usage"))
        .collect();
    assert_eq!(usage, vec![41, 45, 40, 36, 39, 42, 44, 40, 37, 40, 43, 40]);
    assert_eq!(points[11]["amountYen"], 10_296);
    // Periods follow one another.
    for w in points.windows(2) {
        assert!(w[0]["periodEnd"].as_str() < w[1]["periodStart"].as_str());
    }

    let six = app
        .op(
            &doc,
            "UsageGraph",
            json!({ "locationId": home, "months": 6 }),
            Some(&token),
        )
        .await;
    assert_eq!(
        six.data()["serviceLocation"]["usageHistory"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );

    let bad = app
        .op(
            &doc,
            "UsageGraph",
            json!({ "locationId": home, "months": 0 }),
            Some(&token),
        )
        .await;
    assert_eq!(bad.error_codes(), vec!["BAD_REQUEST"]);
}

#[tokio::test]
async fn the_usage_graph_reads_its_bills_in_one_statement() {
    let app = spawn_app().await;
    let (token, home) = demo_home(&app).await;
    let doc = operations("usage-and-bills.graphql");
    let vars = json!({ "locationId": home, "months": 24 });
    app.op(&doc, "UsageGraph", vars.clone(), Some(&token)).await;
    // Two seconds on, the request always records the session's last use.
    app.clock.advance(chrono::Duration::seconds(2));
    let before = app.statements().await;
    let res = app.op(&doc, "UsageGraph", vars, Some(&token)).await;
    let used = app.statements().await - before;
    assert_eq!(
        res.data()["serviceLocation"]["usageHistory"]
            .as_array()
            .map(Vec::len),
        Some(12)
    );
    // The session, its last-use touch, the location (whose it is), its
    // bills: 4. It was 5 while the window's latest month was a statement
    // of its own.
    assert_eq!(used, 4, "a usage graph takes {used} statements");
}

#[tokio::test]
async fn paging_through_bills_visits_every_bill_exactly_once() {
    let app = spawn_app().await;
    let (token, home) = demo_home(&app).await;
    let doc = operations("usage-and-bills.graphql");
    let mut seen = Vec::new();
    let mut after: Value = Value::Null;
    let mut pages = 0;
    loop {
        let res = app
            .op(
                &doc,
                "Bills",
                json!({ "locationId": home, "first": 5, "after": after }),
                Some(&token),
            )
            .await;
        let bills = &res.data()["serviceLocation"]["bills"];
        for edge in bills["edges"].as_array().expect("edges") {
            seen.push(
                edge["node"]["billingMonth"]
                    .as_str()
                    .expect("month")
                    .to_string(),
            );
            let node = &edge["node"];
            assert_eq!(
                node["amountYen"].as_i64(),
                Some(
                    node["waterChargeYen"].as_i64().expect("w")
                        + node["sewerChargeYen"].as_i64().expect("s")
                )
            );
        }
        pages += 1;
        if bills["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = bills["pageInfo"]["endCursor"].clone();
        assert!(pages < 10, "paging does not end");
    }
    let stored = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM bills WHERE service_location_id = {home}"
        ))
        .await;
    assert_eq!(seen.len() as i64, stored);
    assert_eq!(
        seen.iter().collect::<HashSet<_>>().len(),
        seen.len(),
        "no bill twice"
    );
    let mut newest_first = seen.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, newest_first);
    assert_eq!(pages, 3, "13 bills in pages of 5");
}

#[tokio::test]
async fn a_page_larger_than_one_hundred_is_refused() {
    let app = spawn_app().await;
    let (token, home) = demo_home(&app).await;
    let res = app
        .op(
            &operations("usage-and-bills.graphql"),
            "Bills",
            json!({ "locationId": home, "first": 101 }),
            Some(&token),
        )
        .await;
    assert_eq!(res.error_codes(), vec!["BAD_REQUEST"]);
}

#[tokio::test]
async fn bill_details_add_up_and_show_the_reading() {
    let app = spawn_app().await;
    let (token, home) = demo_home(&app).await;
    let doc = operations("usage-and-bills.graphql");
    let list = app
        .op(
            &doc,
            "Bills",
            json!({ "locationId": home, "first": 1 }),
            Some(&token),
        )
        .await;
    let id = list.data()["serviceLocation"]["bills"]["edges"][0]["node"]["id"].clone();
    let res = app
        .op(&doc, "BillDetail", json!({ "id": id }), Some(&token))
        .await;
    let bill = &res.data()["bill"];
    assert_eq!(bill["amountYen"], 10_296);
    assert_eq!(bill["taxYen"], 936);
    let items: i64 = bill["lineItems"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["amountYen"].as_i64().expect("yen"))
        .sum();
    assert_eq!(items, 10_296);
    assert_eq!(bill["lineItems"][0]["label"], "水道料金 基本料金");
    let reading = &bill["meterReading"];
    assert_eq!(
        reading["currentReading"].as_i64().expect("cur")
            - reading["previousReading"].as_i64().expect("prev"),
        40
    );
    assert_eq!(bill["serviceLocation"]["id"], json!(home));
}

#[tokio::test]
async fn another_members_bill_and_location_are_not_found() {
    let app = spawn_app().await;
    let (token, _) = demo_home(&app).await;
    // Location 6 belongs to someone else (or nobody): never to the demo member.
    let other_bill = app
        .scalar("SELECT MIN(b.id) FROM bills b WHERE b.service_location_id = 6")
        .await;
    let doc = operations("usage-and-bills.graphql");
    let res = app
        .op(
            &doc,
            "BillDetail",
            json!({ "id": other_bill.to_string() }),
            Some(&token),
        )
        .await;
    assert_eq!(res.error_codes(), vec!["NOT_FOUND"]);
    assert!(res.body["data"]["bill"].is_null());

    for id in ["6", "999999", "not-a-number"] {
        let res = app
            .op(
                &doc,
                "UsageGraph",
                json!({ "locationId": id, "months": 24 }),
                Some(&token),
            )
            .await;
        assert_eq!(res.error_codes(), vec!["NOT_FOUND"], "location {id}");
    }
}

#[tokio::test]
async fn each_location_says_when_its_meter_is_read_next_and_when_a_transfer_is_due() {
    let app = spawn_app().await;
    let doc = operations("whats-next.graphql");
    let tokyo = |app: &crate::helpers::TestApp| {
        app.clock
            .now()
            .with_timezone(&chrono_tz::Asia::Tokyo)
            .date_naive()
    };
    for _ in 0..2 {
        // Signed in afresh: the clock moves past the session's life.
        let token = app.login_demo().await;
        let this_month = tokyo(&app).format("%Y-%m").to_string();
        let res = app.op(&doc, "WhatsNext", json!({}), Some(&token)).await;
        let locations = res.data()["me"]["serviceLocations"]
            .as_array()
            .expect("locations")
            .clone();
        assert_eq!(locations.len(), 2);
        for location in &locations {
            let id = location["id"].as_str().expect("id");
            let next = location["nextReadingMonth"].as_str().expect("month");
            let latest = location["latestBill"]["billingMonth"]
                .as_str()
                .expect("billed");
            // Later than the last bill, not before this month, and in the
            // location's reading group.
            assert!(
                next > latest && next >= this_month.as_str(),
                "{next} {latest} {this_month}"
            );
            let parity = app
                .scalar(&format!(
                    "SELECT CAST(reading_month_parity AS INTEGER) FROM service_locations WHERE id = {id}"
                ))
                .await;
            let month: i64 = next[5..].parse().expect("month");
            assert_eq!(month % 2, parity, "{next}");
            // A transfer date only for an unpaid 口座振替 bill due from today on.
            let bill_id = location["latestBill"]["id"].as_str().expect("bill");
            let open_transfer = app
                .scalar(&format!(
                    "SELECT COUNT(*) FROM bills WHERE id = {bill_id} AND payment_method = 'account_transfer' AND payment_status = 'unpaid' AND due_date >= '{}'",
                    tokyo(&app)
                ))
                .await;
            if open_transfer == 1 {
                assert_eq!(
                    location["nextTransferDate"],
                    location["latestBill"]["dueDate"]
                );
            } else {
                assert!(location["nextTransferDate"].is_null(), "{location}");
            }
        }
        // Two months on, with no new bill, the next reading has moved on too.
        app.clock.advance(chrono::Duration::days(61));
    }
}

#[tokio::test]
async fn bills_and_the_graph_are_compared_with_the_same_period_last_year() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let query = "{ me { serviceLocations { latestBill { billingMonth usageCubicMeters lastYear { billingMonth usageCubicMeters usageDifference usagePercent amountDifferenceYen summary } } usageHistory(months: 24) { billingMonth usageCubicMeters lastYear { usageCubicMeters usageDifference } } usageSummary } } }";
    let res = app.op(query, "", json!({}), Some(&token)).await;
    let home = &res.data()["me"]["serviceLocations"][0];
    // The demo home (DEMO_HOME_USAGE): 40 m³ now, 42 m³ a year earlier:
    // 2 m³ less, 2/42 = 4.8 % → 5 %.
    let bill = &home["latestBill"];
    let last_year = &bill["lastYear"];
    let month = bill["billingMonth"].as_str().expect("month");
    let year: i32 = month[..4].parse().expect("year");
    assert_eq!(
        last_year["billingMonth"],
        format!("{}{}", year - 1, &month[4..])
    );
    assert_eq!(last_year["usageCubicMeters"], 42);
    assert_eq!(last_year["usageDifference"], -2);
    assert_eq!(last_year["usagePercent"], -5);
    assert!(last_year["amountDifferenceYen"].as_i64().expect("yen") < 0);
    assert_eq!(
        last_year["summary"],
        "前年同期より2m³（5%）少なくなっています。"
    );

    // Each point of the graph carries its own; the oldest have none.
    let points = home["usageHistory"].as_array().expect("points");
    assert_eq!(points.len(), 12);
    let with_last_year: Vec<_> = points.iter().filter(|p| !p["lastYear"].is_null()).collect();
    assert_eq!(
        with_last_year.len(),
        7,
        "the 13 periods reach back 24 months"
    );
    let latest = points.last().expect("latest");
    assert_eq!(latest["lastYear"]["usageCubicMeters"], 42);
    // The graph in one sentence: 44+40+37+40+43+40 = 244 m³ against
    // 41+45+40+36+39+42 = 243 m³.
    assert_eq!(
        home["usageSummary"],
        "直近1年のご使用水量は244m³で、前年同期より1m³（0%）多くなっています。"
    );
    let mut english = reqwest::header::HeaderMap::new();
    english.insert("accept-language", "en".parse().expect("header"));
    english.insert(
        "authorization",
        format!("Bearer {token}").parse().expect("header"),
    );
    let en = app.post(json!({ "query": query }), english).await;
    assert_eq!(
        en.data()["me"]["serviceLocations"][0]["latestBill"]["lastYear"]["summary"],
        "2 m³ (5%) less than the same period last year."
    );
}

#[tokio::test]
async fn a_member_takes_every_bill_and_reading_away_as_csv_and_json() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let get = |path: &str, token: Option<&str>| {
        let mut request = app.client.get(app.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    let res = get("/exports/usage.csv", Some(&token)).await.expect("sent");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .expect("ascii")
            .contains("usage.csv")
    );
    let bytes = res.bytes().await.expect("body");
    // A BOM first, so Japanese Excel reads it as UTF-8.
    assert!(bytes.starts_with("\u{FEFF}".as_bytes()));
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header[0], "customer_number");
    assert_eq!(header.len(), 17);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    // Both of the demo member's locations, every period, and the same
    // figures as stored.
    let stored = app
        .scalar("SELECT COUNT(*) FROM bills WHERE service_location_id IN (SELECT id FROM service_locations WHERE member_id = 1)")
        .await;
    assert_eq!(rows.len() as i64, stored);
    let total: i64 = rows
        .iter()
        .map(|r| r[12].parse::<i64>().expect("amount"))
        .sum();
    let stored_total = app
        .scalar("SELECT CAST(SUM(amount_yen) AS INTEGER) FROM bills WHERE service_location_id IN (SELECT id FROM service_locations WHERE member_id = 1)")
        .await;
    assert_eq!(total, stored_total);
    let home = rows
        .iter()
        .find(|r| &r[0] == "3100000001" && r[8] == *"40")
        .expect("the demo home's 40 m³ period");
    assert!(home[1].starts_with("石川県金沢市"), "{home:?}");
    // A reading's meters are there too: current − previous = usage.
    let (previous, current): (i64, i64) =
        (home[6].parse().expect("n"), home[7].parse().expect("n"));
    assert_eq!(current - previous, 40);

    // A period, and the same as JSON.
    let month = rows.last().expect("row")[2].to_string();
    let json: Value = get(
        &format!("/exports/usage.json?from={month}&to={month}"),
        Some(&token),
    )
    .await
    .expect("sent")
    .json()
    .await
    .expect("json");
    let json_rows = json["rows"].as_array().expect("rows");
    assert!(!json_rows.is_empty() && json_rows.iter().all(|r| r["billing_month"] == json!(month)));
    assert_eq!(json["columns"].as_array().expect("columns").len(), 17);

    // Signed out: 401 with a code; a bad month: 400.
    let anonymous = get("/exports/usage.csv", None).await.expect("sent");
    assert_eq!(anonymous.status(), 401);
    let body: Value = anonymous.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    let bad = get("/exports/usage.csv?from=2026-13", Some(&token))
        .await
        .expect("sent");
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn a_signed_export_link_works_without_headers_for_that_member_and_period_only() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let res = app
        .op(
            "query($from: String, $to: String) { me { usageExport(from: $from, to: $to) { csvUrl jsonUrl expiresAt } } }",
            "",
            json!({ "from": "2000-01", "to": "2099-12" }),
            Some(&token),
        )
        .await;
    let links = &res.data()["me"]["usageExport"];
    let csv_url = links["csvUrl"].as_str().expect("csv").to_string();
    assert!(csv_url.starts_with("/exports/usage.csv?member=1&from=2000-01&to=2099-12&"));
    // No session, no header: a browser download.
    let plain = app
        .client
        .get(app.url(&csv_url))
        .send()
        .await
        .expect("sent");
    assert_eq!(plain.status(), 200);
    let bytes = plain.bytes().await.expect("body");
    let rows = csv::Reader::from_reader(&bytes[3..]).records().count() as i64;
    assert_eq!(
        rows,
        app.scalar("SELECT COUNT(*) FROM bills WHERE service_location_id IN (SELECT id FROM service_locations WHERE member_id = 1)").await
    );
    let json_url = links["jsonUrl"].as_str().expect("json");
    let json = app
        .client
        .get(app.url(json_url))
        .send()
        .await
        .expect("sent");
    assert_eq!(json.status(), 200);
    // Another member, another period or another file: refused.
    for tampered in [
        csv_url.replace("member=1&", "member=2&"),
        csv_url.replace("to=2099-12", "to=2099-11"),
        csv_url.replace("usage.csv", "usage.json"),
        csv_url.replace("signature=", "signature=x"),
    ] {
        let res = app
            .client
            .get(app.url(&tampered))
            .send()
            .await
            .expect("sent");
        assert_eq!(res.status(), 401, "{tampered}");
    }
    // Ten minutes on, it has expired.
    app.clock.advance(chrono::Duration::minutes(11));
    let late = app
        .client
        .get(app.url(&csv_url))
        .send()
        .await
        .expect("sent");
    assert_eq!(late.status(), 401);
    // A bad month is refused when the link is asked for.
    let bad = app
        .op(
            "{ me { usageExport(from: \"2026-13\") { csvUrl } } }",
            "",
            json!({}),
            Some(&token),
        )
        .await;
    assert!(
        bad.error_codes().contains(&"BAD_REQUEST".to_string()),
        "{}",
        bad.body
    );
}

//! Bills explained on their tariff, bills on another revision, and the
//! charge simulation.

use chrono::{Duration, NaiveDate};
use entity::{bill, meter_reading, service_location};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::helpers::{ANNOUNCED_IN_DAYS, TestApp, is_postgres, operations, spawn_app};

fn today() -> NaiveDate {
    (chrono::Utc::now() + Duration::hours(9)).date_naive()
}

/// The announced revision's first day, as the API lists it.
async fn announced(app: &TestApp) -> String {
    let res = app
        .op(
            &operations("charges.graphql"),
            "TariffRevisions",
            json!({}),
            None,
        )
        .await;
    let revisions = res.data()["tariffRevisions"]
        .as_array()
        .expect("list")
        .clone();
    let from: Vec<&str> = revisions
        .iter()
        .map(|r| r["from"].as_str().expect("from"))
        .collect();
    let expected = (today() + Duration::days(ANNOUNCED_IN_DAYS)).to_string();
    assert_eq!(from, vec!["2014-04-01", "2019-10-01", expected.as_str()]);
    let flags: Vec<(bool, bool)> = revisions
        .iter()
        .map(|r| (r["current"] == true, r["upcoming"] == true))
        .collect();
    assert_eq!(flags, vec![(false, false), (true, false), (false, true)]);
    // 1,100 + 990 a month today; 1,210 + 990 from the revision.
    assert_eq!(revisions[1]["householdBaseMonthlyYen"], 2_090);
    assert_eq!(revisions[2]["householdBaseMonthlyYen"], 2_200);
    expected
}

fn tiers(service: &Value) -> Vec<(i64, Option<i64>, i64, i64, i64)> {
    service["tiers"]
        .as_array()
        .expect("tiers")
        .iter()
        .map(|t| {
            (
                t["fromCubicMeters"].as_i64().expect("from"),
                t["toCubicMeters"].as_i64(),
                t["unitPriceYen"].as_i64().expect("price"),
                t["volumeCubicMeters"].as_i64().expect("volume"),
                t["amountYen"].as_i64().expect("amount"),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_demo_homes_bill_is_explained_line_by_line_and_rebilled_on_the_new_tariff() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let new_tariff = announced(&app).await;
    let home = app
        .op(
            "{ me { serviceLocations { meterDiameterMm useType latestBill { id } } } }",
            "",
            json!({}),
            Some(&token),
        )
        .await;
    let location = &home.data()["me"]["serviceLocations"][0];
    assert_eq!(location["meterDiameterMm"], 20);
    assert_eq!(location["useType"], "HOUSEHOLD");
    let id = location["latestBill"]["id"].clone();
    let res = app
        .op(
            &operations("charges.graphql"),
            "BillExplained",
            json!({ "id": id, "newTariffOn": new_tariff }),
            Some(&token),
        )
        .await;
    let bill = &res.data()["bill"];
    let b = &bill["breakdown"];
    // By hand: 40 m³ over two months on a 20 mm meter, the 2019 table,
    // tier widths doubled.
    // Water: base 1,000 × 2 = 2,000; 0–20 m³ at 50 = 1,000, 20–40 at 77 =
    // 1,540; tax 10 % of 4,540 = 454; 4,994.
    // Sewer: base 900 × 2 = 1,800; 0–20 at 70 = 1,400, 20–40 at 81 =
    // 1,620; tax 10 % of 4,820 = 482; 5,302. Together 10,296.
    assert_eq!(b["tariffFrom"], "2019-10-01");
    assert_eq!(
        (b["months"].clone(), b["usageCubicMeters"].clone()),
        (json!(2), json!(40))
    );
    assert_eq!(b["water"]["baseChargeYen"], 2_000);
    assert_eq!(
        b["water"]["baseLabel"],
        "メーター口径20mmの基本料金（1か月 1,000円 × 2か月）"
    );
    assert_eq!(
        tiers(&b["water"]),
        vec![
            (0, Some(20), 50, 20, 1_000),
            (20, Some(40), 77, 20, 1_540),
            (40, Some(80), 136, 0, 0),
            (80, Some(200), 180, 0, 0),
            (200, None, 215, 0, 0),
        ]
    );
    assert_eq!(
        b["water"]["tiers"][1]["label"],
        "21〜40m³（1m³あたり 77円）"
    );
    assert_eq!(
        b["water"]["tiers"][4]["label"],
        "201m³以上（1m³あたり 215円）"
    );
    assert_eq!(b["water"]["taxYen"], 454);
    assert_eq!(b["water"]["totalYen"], 4_994);
    assert_eq!(b["water"]["tableLabel"], "すべての用途に共通の料金表");
    assert_eq!(b["sewer"]["baseChargeYen"], 1_800);
    assert_eq!(
        &tiers(&b["sewer"])[..2],
        &[(0, Some(20), 70, 20, 1_400), (20, Some(40), 81, 20, 1_620)]
    );
    assert_eq!(b["sewer"]["taxYen"], 482);
    assert_eq!(b["sewer"]["totalYen"], 5_302);
    assert_eq!(b["taxYen"], 936);
    assert_eq!(b["adjustmentYen"], 0);
    assert!(b["adjustmentNote"].is_null());
    assert_eq!(b["totalYen"], bill["amountYen"]);
    assert_eq!(b["totalYen"], 10_296);
    assert_eq!(
        b["summary"],
        "2019年10月1日(火)からの料金表で計算しています（メーター口径20mm、一般用、ご使用水量 40m³（2か月分））。合計 10,296円（税込）です。"
    );
    // What is stored agrees.
    let stored = app
        .scalar(&format!(
            "SELECT CAST(amount_yen AS INTEGER) FROM bills WHERE id = {}",
            id.as_str().expect("id")
        ))
        .await;
    assert_eq!(stored, 10_296);

    // On the announced revision: water base 1,100 × 2 = 2,200; 20 at 55 =
    // 1,100, 20 at 85 = 1,700; tax 500; 5,500. Sewer unchanged: 5,302.
    // 10,802, 506 more.
    let rebilled = &bill["underTariff"];
    assert_eq!(rebilled["breakdown"]["tariffFrom"], json!(new_tariff));
    assert_eq!(rebilled["breakdown"]["totalYen"], 10_802);
    assert_eq!(rebilled["differenceYen"], 506);
    let day = NaiveDate::parse_from_str(&new_tariff, "%Y-%m-%d").expect("date");
    let summary = rebilled["summary"].as_str().expect("summary");
    assert!(
        summary.starts_with(&format!(
            "この請求を{}年{}月{}日(",
            day.format("%Y"),
            day.format("%-m"),
            day.format("%-d")
        )) && summary.ends_with("からの料金で計算すると 10,802円 で、506円 高くなります。"),
        "{summary}"
    );
    // Before the first revision there is nothing to compute on.
    let none = app
        .op(
            "query($id: ID!) { bill(id: $id) { underTariff(on: \"2000-01-01\") { differenceYen } } }",
            "",
            json!({ "id": id }),
            Some(&token),
        )
        .await;
    assert!(none.data()["bill"]["underTariff"].is_null());
}

#[tokio::test]
async fn every_bill_of_the_demo_city_adds_up_to_its_breakdown() {
    let app = spawn_app().await;
    let book = app.city().tariff;
    let locations: std::collections::HashMap<i64, service_location::Model> =
        service_location::Entity::find()
            .all(&app.db)
            .await
            .expect("locations")
            .into_iter()
            .map(|l| (l.id, l))
            .collect();
    let readings: std::collections::HashMap<i64, NaiveDate> = meter_reading::Entity::find()
        .all(&app.db)
        .await
        .expect("readings")
        .into_iter()
        .map(|r| (r.id, r.read_on))
        .collect();
    let bills = bill::Entity::find().all(&app.db).await.expect("bills");
    assert!(bills.len() > 400, "{} bills", bills.len());
    let mut businesses = 0;
    for bill in &bills {
        let location = &locations[&bill.service_location_id];
        let read_on = water_portal::billing::explain::read_on(
            bill,
            bill.meter_reading_id.map(|id| readings[&id]),
        );
        let explained = water_portal::billing::explain::explain(&book, location, bill, read_on)
            .expect("every demo bill is on a revision");
        assert_eq!(
            explained.adjustment.0, 0,
            "bill {} is on the tariff",
            bill.id
        );
        let b = &explained.breakdown;
        assert_eq!(b.amount().0, bill.amount_yen, "bill {}", bill.id);
        assert_eq!(b.water.total().0, bill.water_charge_yen, "bill {}", bill.id);
        assert_eq!(b.sewer.total().0, bill.sewer_charge_yen, "bill {}", bill.id);
        assert_eq!(b.tax().0, bill.tax_yen, "bill {}", bill.id);
        let volume: i32 = b.water.tiers.iter().map(|t| t.volume.0).sum();
        assert_eq!(volume, bill.usage_m3);
        if location.use_type == entity::types::UseType::Business {
            businesses += 1;
        }
    }
    assert!(businesses > 0, "the city has shops and offices");

    // And through the API for each of the demo member's bills.
    let token = app.login_demo().await;
    let res = app
        .op(
            "{ me { serviceLocations { bills(first: 100) { edges { node { amountYen breakdown { totalYen adjustmentYen meterDiameterMm useType } } } } } } }",
            "",
            json!({}),
            Some(&token),
        )
        .await;
    let mut seen = 0;
    for location in res.data()["me"]["serviceLocations"]
        .as_array()
        .expect("locations")
    {
        for edge in location["bills"]["edges"].as_array().expect("edges") {
            let node = &edge["node"];
            assert_eq!(node["breakdown"]["totalYen"], node["amountYen"]);
            assert_eq!(node["breakdown"]["adjustmentYen"], 0);
            seen += 1;
        }
    }
    assert_eq!(seen, 26, "two locations of 13 bills");
}

/// Inserts a bill for the demo home read on `read_on` (2 months, 40 m³).
async fn old_bill(app: &TestApp, month: &str, read_on: NaiveDate, amount: i64) -> String {
    let start = read_on - Duration::days(61);
    let end = read_on - Duration::days(1);
    app.sql(&format!(
        "INSERT INTO bills (id, service_location_id, meter_reading_id, billing_month, period_start, \
         period_end, usage_m3, water_charge_yen, sewer_charge_yen, tax_yen, amount_yen, due_date, \
         payment_status, paid_on, payment_method, issued_at, as_of) \
         SELECT MAX(id) + 1, 1, NULL, '{month}', '{start}', '{end}', 40, 0, 0, 0, {amount}, '{end}', \
         'paid', '{end}', 'account_transfer', {now}, {now} FROM bills",
        now = if is_postgres() { "now()" } else { "'2019-08-10T00:00:00Z'" }
    ))
    .await;
    app.scalar(&format!(
        "SELECT id FROM bills WHERE service_location_id = 1 AND billing_month = '{month}'"
    ))
    .await
    .to_string()
}

#[tokio::test]
async fn an_old_bill_is_explained_by_the_tariff_it_was_billed_on_and_an_adjustment_is_named() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    // Read in August 2019, under 8 % tax: water 4,540 + 363 = 4,903; sewer
    // 4,820 + 385 = 5,205; 10,108.
    let on_tariff = old_bill(
        &app,
        "2019-08",
        NaiveDate::from_ymd_opt(2019, 8, 8).expect("day"),
        10_108,
    )
    .await;
    // Read in October 2019, reduced by 500 yen for a leak.
    let adjusted = old_bill(
        &app,
        "2019-10",
        NaiveDate::from_ymd_opt(2019, 10, 8).expect("day"),
        9_796,
    )
    .await;
    let query = "query($id: ID!) { bill(id: $id) { amountYen breakdown { tariffFrom taxPercent taxYen adjustmentYen adjustmentNote totalYen water { totalYen } } } }";
    let res = app
        .op(query, "", json!({ "id": on_tariff }), Some(&token))
        .await;
    let b = &res.data()["bill"]["breakdown"];
    assert_eq!(b["tariffFrom"], "2014-04-01");
    assert_eq!(b["taxPercent"], 8);
    assert_eq!(b["taxYen"], 363 + 385);
    assert_eq!(b["water"]["totalYen"], 4_903);
    assert_eq!(b["adjustmentYen"], 0);
    assert_eq!(b["totalYen"], 10_108);

    let res = app
        .op(query, "", json!({ "id": adjusted }), Some(&token))
        .await;
    let b = &res.data()["bill"]["breakdown"];
    assert_eq!(b["tariffFrom"], "2019-10-01");
    assert_eq!(b["adjustmentYen"], -500);
    assert_eq!(b["totalYen"], 9_796);
    assert_eq!(
        b["adjustmentNote"],
        "料金表による計算との差額 -500円 は、減額などの調整によるものです。"
    );
}

#[tokio::test]
async fn anyone_may_simulate_a_charge_on_any_revision_and_nonsense_is_refused() {
    let app = spawn_app().await;
    let doc = operations("charges.graphql");
    let new_tariff = announced(&app).await;
    let simulate = |vars: Value| {
        let (app, doc) = (&app, &doc);
        async move { app.op(doc, "SimulateCharge", vars, None).await }
    };
    let today = simulate(json!({ "usageCubicMeters": 40 })).await;
    let b = &today.data()["simulateCharge"]["breakdown"];
    assert_eq!(today.data()["simulateCharge"]["userErrors"], json!([]));
    assert_eq!(b["tariffFrom"], "2019-10-01");
    assert_eq!(b["totalYen"], 10_296);
    let new = simulate(json!({ "usageCubicMeters": 40, "on": new_tariff })).await;
    assert_eq!(
        new.data()["simulateCharge"]["breakdown"]["totalYen"],
        10_802
    );

    // A shop on a 40 mm meter using 300 m³ a month, billed monthly: base
    // 4,800; 10×50 + 10×77 + 20×136 + 60×180 + 200×215 = 57,790; tax
    // 6,259; water 68,849. Sewer 900 + 10×70 + 10×81 + 30×120 + 50×150 +
    // 200×170 = 47,510; tax 4,751; 52,261. 121,110 in all.
    let shop = simulate(json!({
        "usageCubicMeters": 300, "months": 1, "meterDiameterMm": 40, "useType": "BUSINESS"
    }))
    .await;
    let b = &shop.data()["simulateCharge"]["breakdown"];
    assert_eq!(b["water"]["totalYen"], 68_849);
    assert_eq!(b["sewer"]["totalYen"], 52_261);
    assert_eq!(b["totalYen"], 121_110);
    assert_eq!(b["useType"], "BUSINESS");
    assert_eq!(
        b["water"]["baseLabel"],
        "メーター口径40mmの基本料金（1か月 4,800円 × 1か月）"
    );

    let refused = simulate(json!({
        "usageCubicMeters": -5, "months": 3, "meterDiameterMm": 21, "on": "1999-12-31"
    }))
    .await;
    let payload = &refused.data()["simulateCharge"];
    assert!(payload["breakdown"].is_null());
    let errors: Vec<(String, String)> = payload["userErrors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().expect("field").into(),
                e["code"].as_str().expect("code").into(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        vec![
            ("usageCubicMeters".into(), "INVALID_USAGE".into()),
            ("months".into(), "INVALID_MONTHS".into()),
            ("meterDiameterMm".into(), "INVALID_METER_DIAMETER".into()),
            ("on".into(), "NO_TARIFF".into()),
        ]
    );
    assert_eq!(
        payload["userErrors"][3]["message"],
        "2014年4月1日(火)より前の料金表はありません。2014年4月1日(火)以降の日付を選んでください。"
    );
    // A usage no meter could record is refused too, not overflowed.
    let huge = simulate(json!({ "usageCubicMeters": 2_000_000_000 })).await;
    assert_eq!(
        huge.data()["simulateCharge"]["userErrors"][0]["code"],
        "INVALID_USAGE"
    );
}

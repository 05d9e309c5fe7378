//! The login screen and service hours.

use chrono::{Duration, Timelike, Utc};
use serde_json::json;

use crate::helpers::{operations, spawn_app_with};

#[tokio::test]
async fn the_login_screen_shows_hours_and_secret_questions() {
    let app = spawn_app_with(&[("PORTAL_SERVICE_HOURS", "07:00-02:00")]).await;
    let res = app
        .op(
            &operations("login-screen.graphql"),
            "LoginScreen",
            json!({}),
            None,
        )
        .await;
    let data = res.data();
    let hours = &data["portalStatus"]["serviceHours"];
    assert_eq!(hours["opensAt"], "07:00");
    assert_eq!(hours["closesAt"], "02:00");
    assert_eq!(hours["timeZone"], "Asia/Tokyo");
    let questions = data["secretQuestions"].as_array().expect("list");
    assert_eq!(questions.len(), 5);
    assert_eq!(questions[0]["text"], "母親の旧姓は？");
    assert!(data["portalStatus"]["lastDataUpdateAt"].is_string());
    // `open` and `nextOpensAt` agree.
    assert_eq!(
        data["portalStatus"]["open"] == true,
        data["portalStatus"]["nextOpensAt"].is_null()
    );
}

#[tokio::test]
async fn a_closed_portal_refuses_members_but_still_shows_the_login_screen() {
    // Open for one hour, starting two hours from now (Asia/Tokyo).
    let tokyo = Utc::now() + Duration::hours(9);
    let opens = (tokyo.hour() + 2) % 24;
    let hours = format!("{opens:02}:00-{:02}:00", (opens + 1) % 24);
    let app = spawn_app_with(&[("PORTAL_SERVICE_HOURS", hours.as_str())]).await;

    let screen = app
        .op(
            &operations("login-screen.graphql"),
            "LoginScreen",
            json!({}),
            None,
        )
        .await;
    let status = &screen.data()["portalStatus"];
    assert_eq!(status["open"], false);
    let next = status["nextOpensAt"].as_str().expect("next opening");
    assert!(next.contains(&format!("T{opens:02}:00:00+09:00")), "{next}");

    let login = app
        .op(
            &operations("login-screen.graphql"),
            "Login",
            json!({ "loginId": "demo", "password": "demo-password-2024" }),
            None,
        )
        .await;
    assert_eq!(login.error_codes(), vec!["OUTSIDE_SERVICE_HOURS"]);
    assert_eq!(
        login.body["errors"][0]["extensions"]["nextOpensAt"],
        json!(next)
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM sessions").await, 0);

    let dashboard = app
        .op(
            &operations("dashboard.graphql"),
            "Dashboard",
            json!({}),
            None,
        )
        .await;
    assert!(
        dashboard
            .error_codes()
            .iter()
            .all(|c| c == "OUTSIDE_SERVICE_HOURS")
    );
    assert!(!dashboard.error_codes().is_empty());
}

/// The demo city is seeded a part of 2,000 locations at a time (so
/// Kanazawa's 230,000 never sit in memory at once): a city of more than
/// one part has every location with its history, members numbered without
/// gaps across the parts, and the staff account and the notices once.
#[tokio::test]
async fn a_demo_city_of_several_parts_is_whole() {
    let app = spawn_app_with(&[("PORTAL_DEMO_LOCATIONS", "2100")]).await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM service_locations").await,
        2100
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) - MAX(id) FROM members").await,
        0,
        "member ids run on across parts"
    );
    assert!(app.scalar("SELECT COUNT(*) FROM members").await > 700);
    // Each location has its two years of bills, in the first part and the last.
    for id in [1, 2000, 2001, 2100] {
        let bills = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM bills WHERE service_location_id = {id}"
            ))
            .await;
        assert!(bills >= 12, "location {id} has {bills} bills");
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM bills b LEFT JOIN meter_readings r ON r.id = b.meter_reading_id WHERE r.id IS NULL").await,
        0
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM staff").await, 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM data_imports").await, 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM notices").await, 10);
    let token = app.login_demo().await;
    let dashboard = app.dashboard(&token).await;
    assert_eq!(
        dashboard.data()["me"]["serviceLocations"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert!(
        app.staff_login("staff", "staff-password-2024")
            .await
            .is_some()
    );
}

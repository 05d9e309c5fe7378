//! The GraphQL contract as typed clients rely on it: the specification's
//! null rules and field order, documents refused whole when invalid,
//! GraphQL over HTTP, trusted documents and the cost limit.

use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{Value, json};

use crate::helpers::{Gql, TestApp, operations, spawn_app, spawn_app_with};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

fn accept(value: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("accept", HeaderValue::from_str(value).expect("header"));
    headers
}

fn bearer(headers: &mut HeaderMap, token: &str) {
    headers.insert(
        "authorization",
        HeaderValue::from_str(&format!("Bearer {token}")).expect("header"),
    );
}

fn content_type(res: &Gql) -> &str {
    res.headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// The raw text of an answer, to check the order of its keys.
async fn raw(app: &TestApp, body: Value, token: Option<&str>) -> String {
    let mut req = app.client.post(app.url("/graphql")).json(&body);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    req.send().await.expect("sent").text().await.expect("text")
}

fn id_of(text: &str) -> String {
    water_portal::graphql::contract::document_id(text)
}

#[tokio::test]
async fn an_errored_nullable_field_is_null_beside_its_siblings() {
    let app = spawn_app().await;
    let res = app
        .op(
            r#"{ portalStatus { open } bill(id: "424242") { id } }"#,
            "",
            json!({}),
            None,
        )
        .await;
    let data = res.body["data"].as_object().expect("data is an object");
    assert_eq!(data["portalStatus"]["open"], true);
    assert!(data.contains_key("bill"), "bill is present: {}", res.body);
    assert!(data["bill"].is_null());
    assert_eq!(res.body["errors"][0]["path"], json!(["bill"]));
}

#[tokio::test]
async fn a_non_null_error_at_the_root_nulls_the_whole_data() {
    let app = spawn_app().await;
    let res = app
        .op(
            &operations("dashboard.graphql"),
            "Dashboard",
            json!({}),
            None,
        )
        .await;
    let body = res.body.as_object().expect("object");
    assert!(body.contains_key("data"), "{}", res.body);
    assert!(body["data"].is_null(), "{}", res.body);
    assert!(res.error_codes().iter().all(|c| c == "UNAUTHENTICATED"));
}

#[tokio::test]
async fn an_error_in_a_non_null_list_item_nulls_its_nearest_nullable_parent() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    // `me: Customer!` > `[ServiceLocation!]!` > `[UsagePoint!]!`: nothing
    // nullable up to the root, so data is null (not [null, null]).
    let res = app
        .op(
            "{ me { serviceLocations { usageHistory(months: 1000) { billingMonth } } } }",
            "",
            json!({}),
            Some(&token),
        )
        .await;
    assert!(
        res.body.as_object().expect("object").contains_key("data"),
        "{}",
        res.body
    );
    assert!(res.body["data"].is_null(), "{}", res.body);
    assert_eq!(
        res.body["errors"][0]["path"],
        json!(["me", "serviceLocations", 0, "usageHistory"])
    );

    // `bill: Bill` is nullable: the same error below it nulls only the bill.
    let bills = app
        .op(
            "{ me { serviceLocations { bills(first: 1) { edges { node { id } } } } } }",
            "",
            json!({}),
            Some(&token),
        )
        .await;
    let bill_id = bills.data()["me"]["serviceLocations"][0]["bills"]["edges"][0]["node"]["id"]
        .as_str()
        .expect("a bill")
        .to_string();
    let res = app
        .op(
            "query($id: ID!) { portalStatus { open } bill(id: $id) { id serviceLocation { usageHistory(months: 0) { billingMonth } } } }",
            "",
            json!({ "id": bill_id }),
            Some(&token),
        )
        .await;
    assert_eq!(
        res.body["data"]["portalStatus"]["open"], true,
        "{}",
        res.body
    );
    assert!(res.body["data"]["bill"].is_null(), "{}", res.body);
    assert!(
        res.body["data"]
            .as_object()
            .is_some_and(|d| d.contains_key("bill"))
    );
}

#[tokio::test]
async fn root_fields_answer_in_the_order_they_were_selected() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let query = "{ secretQuestions { id } portalStatus { open } notices(first: 1) { edges { node { id } } } me { id displayName } }";
    for _ in 0..5 {
        let text = raw(&app, json!({ "query": query }), Some(&token)).await;
        let at = |key: &str| {
            text.find(&format!("\"{key}\""))
                .unwrap_or_else(|| panic!("{key} in {text}"))
        };
        assert!(at("secretQuestions") < at("portalStatus"), "{text}");
        assert!(at("portalStatus") < at("notices"), "{text}");
        assert!(at("notices") < at("me"), "{text}");
        assert!(text.contains(r#""me":{"id":"#), "{text}");
    }
}

#[tokio::test]
async fn an_invalid_document_is_refused_whole_before_anything_runs() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let linked = "SELECT COUNT(*) FROM service_locations WHERE customer_number = '3100000003' AND member_id IS NOT NULL";
    assert_eq!(app.scalar(linked).await, 0);
    let mut headers = accept(GRAPHQL_RESPONSE);
    bearer(&mut headers, &token);
    let documents = [
        r#"mutation { addServiceLocation(input: {portalCustomerNumber: "200158386223"}) { serviceLocation { bills(first: 2147483648) { edges { node { id } } } } } }"#,
        r#"mutation($n: Int = 2147483648) { addServiceLocation(input: {portalCustomerNumber: "200158386223"}) { serviceLocation { bills(first: $n) { edges { node { id } } } } } }"#,
        r#"mutation { addServiceLocation(input: {portalCustomerNumber: 200158386223}) { userErrors { code } } }"#,
        r#"mutation { addServiceLocation(input: {portalCustomerNumber: "200158386223"}) { serviceLocation { a: bills(first: 1) { pageInfo { hasNextPage } } a: bills(first: 2) { pageInfo { hasNextPage } } } } }"#,
    ];
    for document in documents {
        let res = app
            .post(json!({ "query": document }), headers.clone())
            .await;
        assert_eq!(res.status, 400, "{document}: {}", res.body);
        assert!(content_type(&res).starts_with(GRAPHQL_RESPONSE));
        assert!(res.body.get("data").is_none(), "{}", res.body);
        assert_eq!(res.error_codes()[0], "BAD_REQUEST");
    }
    // A variable value out of range is a request error too.
    let res = app
        .post(
            json!({
                "query": r#"mutation($n: Int) { addServiceLocation(input: {portalCustomerNumber: "200158386223"}) { serviceLocation { bills(first: $n) { edges { node { id } } } } } }"#,
                "variables": { "n": 2147483648u64 },
            }),
            headers.clone(),
        )
        .await;
    assert_eq!(res.status, 400, "{}", res.body);
    assert!(res.body.get("data").is_none());
    assert_eq!(app.scalar(linked).await, 0, "nothing was linked");
}

#[tokio::test]
async fn the_media_type_follows_accept_and_json_clients_get_200_for_request_errors() {
    let app = spawn_app().await;
    let invalid = json!({ "query": "{ nope }" });
    for (accepts, media, status) in [
        (None, "application/json", 200),
        (Some("*/*"), "application/json", 200),
        (Some("application/json"), "application/json", 200),
        (Some(GRAPHQL_RESPONSE), GRAPHQL_RESPONSE, 400),
        (
            Some("application/graphql-response+json, application/json;q=0.9"),
            GRAPHQL_RESPONSE,
            400,
        ),
    ] {
        let headers = accepts.map(accept).unwrap_or_default();
        let res = app.post(invalid.clone(), headers.clone()).await;
        assert_eq!(res.status, status, "{accepts:?}");
        assert!(content_type(&res).starts_with(media), "{accepts:?}");
        assert!(res.body.get("data").is_none());
        let ok = app
            .post(json!({ "query": "{ portalStatus { open } }" }), headers)
            .await;
        assert_eq!(ok.status, 200);
        assert!(content_type(&ok).starts_with(media), "{accepts:?}");
    }
    let res = app
        .post(
            json!({ "query": "{ portalStatus { open } }" }),
            accept("text/html"),
        )
        .await;
    assert_eq!(res.status, 406);
    assert_eq!(res.error_codes(), vec!["BAD_REQUEST"]);
}

#[tokio::test]
async fn get_runs_a_single_named_query_and_refusals_at_the_edge_are_json() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "query Status { portalStatus { open } }")])
        .send()
        .await
        .expect("sent");
    let res = Gql::from_response(res).await;
    assert_eq!(res.data()["portalStatus"]["open"], true);

    let res = Gql::from_response(
        app.client
            .get(app.url("/graphql"))
            .query(&[("query", "mutation M { logout { success } }")])
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert_eq!(res.status, 405);
    assert_eq!(
        res.headers.get("allow").and_then(|v| v.to_str().ok()),
        Some("POST")
    );
    assert_eq!(res.error_codes(), vec!["BAD_REQUEST"]);

    let res = Gql::from_response(
        app.client
            .put(app.url("/graphql"))
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert_eq!(res.status, 405);
    assert!(res.headers.contains_key("allow"));
    assert_eq!(res.error_codes(), vec!["BAD_REQUEST"]);

    let missing = app.post(json!({ "variables": {} }), HeaderMap::new()).await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.error_codes(), vec!["BAD_REQUEST"]);
    let typo = app
        .post(json!({ "qeury": "{ __typename }" }), HeaderMap::new())
        .await;
    assert_eq!(typo.status, 400);
    let wrong_type = app
        .post(
            json!({ "query": "{ __typename }", "variables": "x" }),
            HeaderMap::new(),
        )
        .await;
    assert_eq!(wrong_type.status, 400);

    let big = "x".repeat(70 * 1024);
    let res = Gql::from_response(
        app.client
            .post(app.url("/graphql"))
            .header("content-type", "application/json")
            .body(json!({ "query": big }).to_string())
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert_eq!(res.status, 413);
    assert_eq!(res.error_codes(), vec!["BAD_REQUEST"]);

    let long = format!("{{ __typename }}{}", " ".repeat(20 * 1024));
    let res = Gql::from_response(
        app.client
            .get(app.url("/graphql"))
            .query(&[("query", long.as_str())])
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert_eq!(res.status, 414);
    assert_eq!(res.error_codes(), vec!["BAD_REQUEST"]);

    let res = Gql::from_response(app.get("/no-such-page", None).await).await;
    assert_eq!(res.status, 404);
    assert_eq!(res.error_codes(), vec!["NOT_FOUND"]);
}

#[tokio::test]
async fn in_production_members_and_visitors_send_only_trusted_documents() {
    let app = spawn_app_with(&[("PORTAL_DOCUMENTS", "trusted")]).await;
    let login_screen = operations("login-screen.graphql");

    // By id, POST.
    let res = app
        .post(
            json!({
                "documentId": id_of(&login_screen),
                "operationName": "Login",
                "variables": { "loginId": "demo", "password": "demo-password-2024" },
            }),
            HeaderMap::new(),
        )
        .await;
    let token = res.data()["login"]["session"]["token"]
        .as_str()
        .expect("signed in by documentId")
        .to_string();

    // By id, GET, with variables: a query only.
    let dashboard = operations("dashboard.graphql");
    let res = Gql::from_response(
        app.client
            .get(app.url("/graphql"))
            .query(&[
                ("documentId", id_of(&dashboard).as_str()),
                ("operationName", "Dashboard"),
            ])
            .bearer_auth(&token)
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert_eq!(res.data()["me"]["displayName"], "金沢 太郎");

    // By the trusted text itself.
    let res = app
        .op(&dashboard, "Dashboard", json!({}), Some(&token))
        .await;
    assert_eq!(res.data()["me"]["displayName"], "金沢 太郎");

    // Anything else, from a member or a visitor, runs nothing.
    let outbox = "SELECT COUNT(*) FROM mail_outbox";
    let before = app.scalar(outbox).await;
    let untrusted = [
        r#"mutation { requestRegistration(input: {email: "x@example.jp", agreeToTerms: true}) { userErrors { code } } }"#.to_string(),
        "{ me { id } }".to_string(),
        format!("{login_screen} "),
    ];
    for text in &untrusted {
        for who in [None, Some(token.as_str())] {
            let res = app.op(text, "", json!({}), who).await;
            assert_eq!(res.status, 400, "{text}");
            assert_eq!(
                res.error_codes(),
                vec!["TRUSTED_DOCUMENT_REQUIRED"],
                "{}",
                res.body
            );
            assert!(res.body.get("data").is_none());
        }
    }
    let unknown = app
        .post(
            json!({ "documentId": format!("sha256:{}", "0".repeat(64)) }),
            HeaderMap::new(),
        )
        .await;
    assert_eq!(unknown.error_codes(), vec!["TRUSTED_DOCUMENT_REQUIRED"]);
    assert_eq!(app.scalar(outbox).await, before, "no mail was queued");

    // Staff may send any document.
    let staff = app
        .staff_login("staff", "staff-password-2024")
        .await
        .expect("staff signs in");
    let res = app
        .op(
            "{ support { auditLog(first: 1) { edges { node { id } } } } }",
            "",
            json!({}),
            Some(&staff),
        )
        .await;
    assert!(res.data()["support"]["auditLog"]["edges"].is_array());
}

#[tokio::test]
async fn the_operations_command_prints_every_playground_document_id() {
    let app = spawn_app().await;
    let run = app.tool(&["operations"], "").await;
    assert!(run.success, "{}", run.stderr);
    let manifest: Value = serde_json::from_str(&run.stdout).expect("json");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/playground/operations");
    for entry in std::fs::read_dir(dir)
        .expect("folder")
        .filter_map(Result::ok)
    {
        let file = entry.file_name().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(entry.path()).expect("text");
        assert_eq!(manifest[id_of(&text)], json!(file), "{file}");
    }
}

/// 25 aliases of two nested pages of 100 bills with their line items.
fn costly_document() -> String {
    let inner = "me { serviceLocations { bills(first: 100) { edges { node { id amountYen serviceLocation { bills(first: 100) { edges { node { id lineItems { label amountYen } } } } } } } } } }";
    let aliases: Vec<String> = (0..25).map(|i| format!("a{i}: {inner}")).collect();
    format!("{{ {} }}", aliases.join(" "))
}

#[tokio::test]
async fn a_document_over_the_cost_limit_is_refused_for_members_and_staff() {
    let app = spawn_app().await;
    let member = app.login_demo().await;
    let staff = app
        .staff_login("staff", "staff-password-2024")
        .await
        .expect("staff signs in");
    let started = std::time::Instant::now();
    for token in [&member, &staff] {
        let res = app.op(&costly_document(), "", json!({}), Some(token)).await;
        assert_eq!(res.status, 400, "{}", res.body);
        assert_eq!(res.error_codes(), vec!["QUERY_TOO_COSTLY"]);
        let error = &res.body["errors"][0]["extensions"];
        assert!(error["cost"].as_u64() > error["limit"].as_u64());
        assert_eq!(
            res.body["extensions"]["cost"]["maximumQueryCost"],
            error["limit"]
        );
        assert!(res.body.get("data").is_none());
    }
    // Generous bound for a debug build; the benchmark measures it properly.
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[tokio::test]
async fn every_answer_says_what_it_cost() {
    let app = spawn_app().await;
    let token = app.login_demo().await;
    let res = app.dashboard(&token).await;
    let cost = &res.body["extensions"]["cost"];
    let requested = cost["requestedQueryCost"].as_u64().expect("a cost");
    let maximum = cost["maximumQueryCost"].as_u64().expect("the limit");
    assert!(requested > 0 && requested < maximum, "{cost}");
    // One bill page of 10 costs less than one of 20.
    let location = res.data()["me"]["serviceLocations"][0]["id"].clone();
    let bills = operations("usage-and-bills.graphql");
    let page = |first: i32| json!({ "locationId": location, "first": first });
    let ten = app.op(&bills, "Bills", page(10), Some(&token)).await;
    let twenty = app.op(&bills, "Bills", page(20), Some(&token)).await;
    assert!(ten.body["errors"].is_null(), "{}", ten.body);
    assert!(
        ten.body["extensions"]["cost"]["requestedQueryCost"].as_u64()
            < twenty.body["extensions"]["cost"]["requestedQueryCost"].as_u64()
    );
}

#[tokio::test]
async fn no_trusted_document_comes_near_the_cost_limit() {
    use water_portal::graphql::contract::{Contract, MAX_COST, cost, trusted::Manifest};
    let manifest = Manifest::bundled().expect("manifest");
    let contract = Contract::new(&water_portal::graphql::sdl(), &manifest).expect("contract");
    let mut checked = 0;
    for entry in manifest.active() {
        let prepared = contract.trusted(&entry.id).expect("trusted");
        for operation in prepared.document.operations.iter() {
            // Without variables every list counts at its maximum.
            let cost = cost::cost(
                contract.schema(),
                &prepared.document,
                operation,
                &Default::default(),
                MAX_COST,
            );
            assert!(
                cost <= MAX_COST / 5,
                "{} {:?} costs {cost}",
                entry.file,
                operation.name
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "{checked} operations");
}

//! Starting the real service on port 0 against a fresh database, and
//! talking to it over HTTP.
//!
//! `TEST_DATABASE_URL` picks the engine: unset (or `sqlite:`) gives every
//! test its own SQLite file; `postgres://…/db` gives every test its own
//! schema in that database (the CI run creates and drops the database).

use std::sync::atomic::{AtomicU32, Ordering};

use reqwest::header::{HeaderMap, HeaderValue};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};
use water_portal::config::Config;
use water_portal::startup::Application;

/// Small enough to seed in a blink, large enough for other members' data.
pub const TEST_CITY: &str = "40";

pub struct TestApp {
    pub base: String,
    /// Where `/metrics` is served (its own port).
    pub metrics_base: String,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    pub mail_dir: std::path::PathBuf,
    /// The service's clock: a test moves it instead of the rows' times.
    pub clock: water_portal::clock::Clock,
    /// The database settings, for running the command-line tools on it.
    pub db_env: Vec<(String, String)>,
    /// Everything on disk this app made: its SQLite file, mails, feeds.
    app_dir: std::path::PathBuf,
    /// Its PostgreSQL schema, dropped with it.
    pg_schema: Option<String>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.app_dir);
        if let Some(schema) = self.pg_schema.take() {
            // Drop cannot await; a thread of its own runs the statement on
            // its own connection, so nothing of a test is left behind.
            let url = std::env::var("TEST_DATABASE_URL").unwrap_or_default();
            let _ = std::thread::spawn(move || {
                let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                runtime.block_on(async {
                    if let Ok(db) = sea_orm::Database::connect(url).await {
                        let _ = db
                            .execute_unprepared(&format!(
                                "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"
                            ))
                            .await;
                        let _ = db.close().await;
                    }
                });
            })
            .join();
        }
    }
}

fn unique_name() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "t{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

pub fn is_postgres() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres"))
}

/// The bundled Kanazawa profile.
pub const KANAZAWA: &str = include_str!("../../src/city/kanazawa.toml");
/// The day the bundled profile's announced revision applies from.
const ANNOUNCED: &str = "from = \"2027-04-01\"";
/// How far ahead of the test's day the announced revision applies.
pub const ANNOUNCED_IN_DAYS: i64 = 120;

/// Kanazawa as the test finds it whatever the day it runs: the bundled
/// profile with its announced revision moved to [`ANNOUNCED_IN_DAYS`]
/// ahead, so the demo's two years of bills stay on the 2019 table and a
/// revision is always still to come.
fn test_city(dir: &std::path::Path) -> std::path::PathBuf {
    let today = (chrono::Utc::now() + chrono::Duration::hours(9)).date_naive();
    let announced = today + chrono::Duration::days(ANNOUNCED_IN_DAYS);
    assert!(
        KANAZAWA.contains(ANNOUNCED),
        "the bundled profile announces a revision"
    );
    let text = KANAZAWA.replace(ANNOUNCED, &format!("from = \"{announced}\""));
    let path = dir.join("city.toml");
    std::fs::write(&path, text).expect("test city profile");
    path
}

/// The service with the test defaults: demo city, always open.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// Everything the services of this test process logged, as JSON lines;
/// with `TEST_LOG=1` also shown on stderr.
static LOG: std::sync::OnceLock<std::sync::Arc<std::sync::Mutex<Vec<u8>>>> =
    std::sync::OnceLock::new();

#[derive(Clone)]
struct Capture(std::sync::Arc<std::sync::Mutex<Vec<u8>>>, bool);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.1 {
            std::io::stderr().write_all(buf)?;
        }
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() {
    LOG.get_or_init(|| {
        let buffer = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let show = std::env::var("TEST_LOG").is_ok_and(|v| v == "1");
        let writer = Capture(buffer.clone(), show);
        let filter = if show { "info" } else { "security=info" };
        let _ = tracing_subscriber::fmt()
            .json()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(move || writer.clone())
            .try_init();
        buffer
    });
}

/// The security log's lines so far (from every test of the process).
pub fn security_log() -> Vec<Value> {
    let text = LOG
        .get()
        .map(|b| {
            String::from_utf8_lossy(&b.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
                .into_owned()
        })
        .unwrap_or_default();
    text.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l["target"] == "security")
        .collect()
}

/// The service with some variables set as in its environment.
pub async fn spawn_app_with(vars: &[(&str, &str)]) -> TestApp {
    capture_logs();
    let name = unique_name();
    let mut env: Vec<(String, String)> = vec![
        ("PORTAL_LISTEN".into(), "127.0.0.1:0".into()),
        ("PORTAL_SERVICE_HOURS".into(), "always".into()),
        ("PORTAL_DEMO_LOCATIONS".into(), TEST_CITY.into()),
        ("PORTAL_COOKIE_SECURE".into(), "false".into()),
        ("PORTAL_METRICS_LISTEN".into(), "127.0.0.1:0".into()),
        // Tests send documents of their own; the trusted-document tests
        // turn the production setting back on.
        ("PORTAL_DOCUMENTS".into(), "any".into()),
    ];
    let app_dir = std::env::temp_dir().join("water-portal-tests").join(&name);
    std::fs::create_dir_all(&app_dir).expect("temp dir");
    let mail_dir = app_dir.join("mail");
    env.push(("PORTAL_MAIL_DIR".into(), mail_dir.display().to_string()));
    env.push(("PORTAL_MAIL_RETRY_SECONDS".into(), "1".into()));
    env.push((
        "PORTAL_CITY".into(),
        test_city(&app_dir).display().to_string(),
    ));
    let mut pg_schema = None;
    if is_postgres() {
        let url = std::env::var("TEST_DATABASE_URL").unwrap_or_default();
        env.push(("DATABASE_URL".into(), url));
        env.push(("DATABASE_SCHEMA".into(), name.clone()));
        pg_schema = Some(name);
    } else {
        let file = app_dir.join("portal.db");
        env.push((
            "DATABASE_URL".into(),
            format!("sqlite://{}", file.display()),
        ));
    }
    for (k, v) in vars {
        env.retain(|(key, _)| key != k);
        env.push((k.to_string(), v.to_string()));
    }
    let db_env: Vec<(String, String)> = env
        .iter()
        .filter(|(k, _)| k.starts_with("DATABASE_"))
        .cloned()
        .collect();
    let config =
        Config::from_lookup(|name| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
            .expect("test configuration is valid");
    let app = Application::build(config).await.expect("service starts");
    let port = app.port();
    let clock = app.clock();
    let metrics_port = app.metrics_port();
    let db = app.db().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        base: format!("http://127.0.0.1:{port}"),
        metrics_base: format!("http://127.0.0.1:{metrics_port}"),
        client: reqwest::Client::new(),
        db,
        mail_dir,
        clock,
        db_env,
        app_dir,
        pg_schema,
    }
}

/// What a command-line run printed.
pub struct ToolRun {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

/// A mail as the mail directory holds it, decoded.
#[derive(Clone, Debug)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl Mail {
    fn parse(raw: &str) -> Self {
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
        // Unfold continued header lines.
        let head = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        let header = |name: &str| {
            head.lines()
                .find_map(|l| l.strip_prefix(&format!("{name}: ")))
                .unwrap_or("")
                .to_string()
        };
        // RFC 2047: the space between two encoded words is dropped, any
        // other space kept.
        let mut subject = String::new();
        let mut last_encoded = false;
        for (i, word) in header("Subject").split_whitespace().enumerate() {
            let decoded = word
                .strip_prefix("=?utf-8?b?")
                .and_then(|w| w.strip_suffix("?="))
                .map(decode_base64);
            if i > 0 && !(last_encoded && decoded.is_some()) {
                subject.push(' ');
            }
            last_encoded = decoded.is_some();
            subject.push_str(&decoded.unwrap_or_else(|| word.to_string()));
        }
        let body = if header("Content-Transfer-Encoding").eq_ignore_ascii_case("base64") {
            decode_base64(&body.split_whitespace().collect::<String>())
        } else {
            body.to_string()
        };
        Self {
            to: header("To"),
            subject,
            body,
        }
    }

    /// The value of `name=` in the first link of the mail.
    /// The first http(s) link in the body.
    pub fn link(&self) -> String {
        let start = self.body.find("http").expect("a link");
        self.body[start..]
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect()
    }

    pub fn link_param(&self, name: &str) -> String {
        let start = self
            .body
            .find(&format!("{name}="))
            .expect("a link with the parameter")
            + name.len()
            + 1;
        self.body[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }
}

fn decode_base64(text: &str) -> String {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .expect("base64");
    String::from_utf8(bytes).expect("utf-8")
}

/// The text of a document kept in `playground/operations/`.
pub fn operations(file: &str) -> String {
    let path = format!(
        "{}/playground/operations/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A GraphQL response.
#[derive(Debug)]
pub struct Gql {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Gql {
    pub fn data(&self) -> &Value {
        assert!(
            self.body["errors"].is_null(),
            "unexpected errors: {}",
            self.body["errors"]
        );
        &self.body["data"]
    }

    /// The `extensions.code` of every error.
    pub fn error_codes(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| e["extensions"]["code"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl TestApp {
    /// The city profile this app runs on.
    pub fn city(&self) -> water_portal::city::City {
        let path = self.app_dir.join("city.toml");
        water_portal::city::City::load(path.to_str()).expect("test city profile")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends `operation` of `document` with a bearer token (if any).
    pub async fn op(
        &self,
        document: &str,
        operation: &str,
        variables: Value,
        token: Option<&str>,
    ) -> Gql {
        let mut headers = HeaderMap::new();
        if let Some(token) = token {
            headers.insert(
                "authorization",
                HeaderValue::from_str(&format!("Bearer {token}")).expect("header"),
            );
        }
        let operation = if operation.is_empty() {
            Value::Null
        } else {
            json!(operation)
        };
        self.post(
            json!({ "query": document, "operationName": operation, "variables": variables }),
            headers,
        )
        .await
    }

    pub async fn post(&self, body: Value, headers: HeaderMap) -> Gql {
        let response = self
            .client
            .post(self.url("/graphql"))
            .headers(headers)
            .json(&body)
            .send()
            .await
            .expect("request sent");
        Gql::from_response(response).await
    }

    /// The clients' Dashboard, signed in with `token`.
    pub async fn dashboard(&self, token: &str) -> Gql {
        self.op(
            &operations("dashboard.graphql"),
            "Dashboard",
            json!({}),
            Some(token),
        )
        .await
    }

    /// Signs in and returns the session token.
    pub async fn login(&self, login_id: &str, password: &str) -> String {
        let res = self
            .op(
                &operations("login-screen.graphql"),
                "Login",
                json!({ "loginId": login_id, "password": password }),
                None,
            )
            .await;
        res.data()["login"]["session"]["token"]
            .as_str()
            .unwrap_or_else(|| panic!("login failed: {}", res.body))
            .to_string()
    }

    pub async fn login_demo(&self) -> String {
        self.login("demo", "demo-password-2024").await
    }

    /// The demo home's ポータルサイト用お客さま番号, as the member sees it.
    pub async fn demo_portal_number(&self) -> String {
        let token = self.login_demo().await;
        let res = self
            .op(
                "{ me { serviceLocations { portalCustomerNumber } } }",
                "",
                json!({}),
                Some(&token),
            )
            .await;
        res.data()["me"]["serviceLocations"][0]["portalCustomerNumber"]
            .as_str()
            .expect("number")
            .to_string()
    }

    /// Runs SQL on the service's database (for arranging and checking).
    pub async fn sql(&self, statement: &str) {
        self.db
            .execute_unprepared(statement)
            .await
            .expect("sql runs");
    }

    /// The first column of the first row of a query, as an integer.
    pub async fn scalar(&self, query: &str) -> i64 {
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                self.db.get_database_backend(),
                query,
            ))
            .await
            .expect("query runs")
            .expect("a row");
        row.try_get_by_index::<i64>(0)
            .or_else(|_| row.try_get_by_index::<i32>(0).map(i64::from))
            .expect("an integer")
    }

    /// A second service instance on the same database (as when the
    /// service scales out), with its own mail folder.
    pub async fn sibling(&self) -> TestApp {
        let vars: Vec<(&str, &str)> = self
            .db_env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        spawn_app_with(&vars).await
    }

    /// Runs `water-portal ARGS` on this test's database, with `stdin` as
    /// its standard input.
    pub async fn tool(&self, args: &[&str], stdin: &str) -> ToolRun {
        use std::io::Write as _;
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let env = self.db_env.clone();
        let stdin = stdin.to_string();
        tokio::task::spawn_blocking(move || {
            let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_water-portal"))
                .args(&args)
                .envs(env)
                .env_remove("PORTAL_STAFF_PASSWORD")
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("tool starts");
            if let Some(mut input) = child.stdin.take() {
                input.write_all(stdin.as_bytes()).expect("stdin");
            }
            let out = child.wait_with_output().expect("tool ends");
            ToolRun {
                success: out.status.success(),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            }
        })
        .await
        .expect("tool task")
    }

    /// Signs a staff account in and returns the session token.
    pub async fn staff_login(&self, login_id: &str, password: &str) -> Option<String> {
        let res = self
            .op(
                &operations("support.graphql"),
                "StaffLogin",
                json!({ "loginId": login_id, "password": password }),
                None,
            )
            .await;
        res.data()["staffLogin"]["session"]["token"]
            .as_str()
            .map(str::to_string)
    }

    /// GET `path` with optional bearer token.
    pub async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut req = self.client.get(self.url(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        req.send().await.expect("request sent")
    }

    /// Every mail delivered so far.
    pub fn mails(&self) -> Vec<Mail> {
        let Ok(entries) = std::fs::read_dir(&self.mail_dir) else {
            return vec![];
        };
        let mut files: Vec<_> = entries
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .map(|e| {
                let modified = e.metadata().and_then(|m| m.modified()).ok();
                (modified, e.path())
            })
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|(_, path)| Mail::parse(&std::fs::read_to_string(path).expect("mail file")))
            .collect()
    }

    /// Waits (up to 10 s) for a mail to `to` whose subject contains `subject`.
    pub async fn wait_for_mail(&self, to: &str, subject: &str) -> Mail {
        for _ in 0..100 {
            if let Some(mail) = self
                .mails()
                .into_iter()
                .rev()
                .find(|m| m.to.contains(to) && m.subject.contains(subject))
            {
                // Every Japanese mail any test waits for reads as the
                // bureau writes: no ISO dates, no English, signed once.
                if mail.subject.starts_with("【") {
                    assert_reads_as_japanese(&mail.subject);
                    assert_reads_as_japanese(&mail.body);
                    assert_eq!(
                        mail.body.matches("※このメールは送信専用").count(),
                        1,
                        "{}",
                        mail.body
                    );
                }
                return mail;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!(
            "no mail to {to} about {subject:?}; mails: {:?}",
            self.mails()
        );
    }

    /// Waits (up to 10 s) until every queued mail has been sent.
    pub async fn wait_until_outbox_is_empty(&self) {
        for _ in 0..100 {
            if self
                .scalar("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL")
                .await
                == 0
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("mail is still waiting in the outbox");
    }

    /// The keyring this service keys attempt counters with (from its
    /// database), to find a counter's row.
    pub async fn keyring(&self) -> water_portal::auth::throttle::Keyring {
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                self.db.get_database_backend(),
                "SELECT value FROM app_secrets WHERE name = 'throttle_keys'",
            ))
            .await
            .expect("query")
            .expect("the key");
        let value: String = row.try_get_by_index(0).expect("hex");
        water_portal::auth::throttle::Keyring::new(&hex::decode(value).expect("hex"))
    }

    /// A counter from `GET /metrics` (served on its own port).
    pub async fn metric(&self, name: &str) -> u64 {
        let text = self
            .client
            .get(format!("{}/metrics", self.metrics_base))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text");
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {name} in /metrics"))
    }

    /// SQL statements the service has sent so far.
    pub async fn statements(&self) -> u64 {
        self.metric("portal_db_statements_total").await
    }

    /// Password hashes the service has computed so far.
    pub async fn hashes(&self) -> u64 {
        self.metric("portal_password_hashes_total").await
    }

    /// POSTs `body` as JSON with extra headers; the raw response, for
    /// checking headers.
    pub async fn post_raw(&self, body: Value, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self.client.post(self.url("/graphql")).json(&body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("request sent")
    }
}

impl Gql {
    pub async fn from_response(response: reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Self {
            status,
            headers,
            body,
        }
    }
}

/// Fails when Japanese text shows an ISO date or time (members read
/// 2026年12月31日(木) and 4時22分) or English words.
pub fn assert_reads_as_japanese(text: &str) {
    let bytes = text.as_bytes();
    for i in 0..bytes.len().saturating_sub(9) {
        let w = &bytes[i..i + 10];
        let iso = w[..4].iter().all(u8::is_ascii_digit)
            && w[4] == b'-'
            && w[5..7].iter().all(u8::is_ascii_digit)
            && w[7] == b'-'
            && w[8..].iter().all(u8::is_ascii_digit);
        assert!(!iso, "an ISO date in Japanese text: {text}");
    }
    // Words of the English catalogue that must not show in Japanese: a
    // message missing from it would fall back to its id or to English.
    for english in [
        "Please", "Dear ", "The ", " not ", "error", "mail-", "user-",
    ] {
        assert!(
            !text.contains(english),
            "{english:?} in Japanese text: {text}"
        );
    }
}

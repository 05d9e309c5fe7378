//! Typed configuration, read from the environment once at start.
//!
//! Every field has a documented default so `cargo run` works on a bare
//! machine; a value that does not parse stops the service with a message
//! naming the variable.

use std::net::SocketAddr;

use chrono::NaiveTime;

use crate::portal::ServiceHours;

/// Which documents members and anonymous clients may send
/// (`PORTAL_DOCUMENTS`); staff may always send any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentPolicy {
    /// Only the trusted documents of `playground/trusted-documents.json`.
    Trusted,
    /// Any valid document (development).
    Any,
}

/// Everything the service needs to start.
#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://…` (default `sqlite://data/portal.db`) or
    /// `postgres://…`.
    pub database_url: String,
    /// `DATABASE_SCHEMA`: PostgreSQL schema to use (search path); default none.
    pub database_schema: Option<String>,
    /// `DATABASE_READ_URL`: a PostgreSQL streaming replica of
    /// `DATABASE_URL` for members' reads; default none (everything on the
    /// primary). Only beside a PostgreSQL primary.
    pub database_read_url: Option<String>,
    /// `PORTAL_REPLICA_MAX_LAG_SECONDS`: a replica further behind than this
    /// serves nothing until it catches up; default 5.
    pub replica_max_lag_seconds: u32,
    /// `PORTAL_READ_YOUR_WRITES_SECONDS`: for this long after a member's
    /// own write (or sign-in) their reads go to the primary; default 10,
    /// and more than the replica's allowed lag.
    pub read_your_writes_seconds: u32,
    /// `PORTAL_LISTEN`: address to serve on; default `127.0.0.1:8080`.
    pub listen: SocketAddr,
    /// `PORTAL_SERVICE_HOURS`: `HH:MM-HH:MM` in Asia/Tokyo, or `always`;
    /// default `07:00-02:00`, and `always` for the demo city (so a
    /// newcomer can try it at any hour).
    pub service_hours: ServiceHours,
    /// `PORTAL_DEMO_DATA`: fill an empty database with the demo city;
    /// default `true`.
    pub demo_data: bool,
    /// `PORTAL_DEMO_LOCATIONS`: service locations in the demo city;
    /// default 1000.
    pub demo_locations: u32,
    /// `PORTAL_SESSION_IDLE_MINUTES`: a session ends after this long unused;
    /// default 30.
    pub session_idle_minutes: u32,
    /// `PORTAL_SESSION_MAX_HOURS`: a session ends this long after sign-in,
    /// whatever its use; default 12.
    pub session_max_hours: u32,
    /// `PORTAL_COOKIE_SECURE`: mark the session cookie `Secure`; default
    /// `true` (browsers accept it on http://localhost too).
    pub cookie_secure: bool,
    /// `PORTAL_HASH_CONCURRENCY`: password hashes computed at once; default
    /// the number of CPUs.
    pub hash_concurrency: usize,
    /// `PORTAL_PUBLIC_URL`: where members reach the portal, for links in
    /// mails; default `http://127.0.0.1:8080`.
    pub public_url: String,
    /// `PORTAL_MAIL_DIR`: mails are written here as `.eml` files unless
    /// `PORTAL_SMTP_URL` is set; default `data/mail`.
    pub mail_dir: std::path::PathBuf,
    /// `PORTAL_SMTP_URL`: send mail over SMTP instead (`smtp://host:25`,
    /// `smtp://host:587?tls=required`, `smtps://user:pass@host`); default none.
    pub smtp_url: Option<String>,
    /// `PORTAL_MAIL_FROM`: sender of the portal's mails; default
    /// the city's organisation name `<noreply@portal.example.jp>`.
    pub mail_from: String,
    /// `PORTAL_MAIL_RETRY_SECONDS`: first wait before a failed mail is tried
    /// again (doubling up to an hour); default 30.
    pub mail_retry_seconds: u32,
    /// `PORTAL_TRUST_FORWARDED_FOR`: the peer is a reverse proxy: take the
    /// client address from `X-Forwarded-For` (the rightmost entry that is
    /// not a trusted proxy); default `false`.
    pub trust_forwarded_for: bool,
    /// `PORTAL_TRUSTED_PROXIES`: comma-separated networks (CIDR) of further
    /// proxies whose `X-Forwarded-For` entries are skipped; default none.
    pub trusted_proxies: Vec<crate::net::Cidr>,
    /// `PORTAL_INTROSPECTION`: `all` (default) lets every client read the
    /// schema; `staff` (for production) only signed-in staff.
    pub introspection_for_staff_only: bool,
    /// `PORTAL_LOG_FORMAT`: `text` (default) or `json`, one object per line
    /// for log collectors.
    pub log_json: bool,
    /// `PORTAL_ADDRESS_FAILURE_LIMIT`: failed sign-in or recovery attempts
    /// one client address may make in 15 minutes; default 50.
    pub address_failure_limit: u32,
    /// `PORTAL_DOCUMENTS`: `trusted` (default, production): members and
    /// anonymous clients may send only trusted documents; `any`: any valid
    /// document (development, and the GraphQL-over-HTTP audits).
    pub documents: DocumentPolicy,
    /// `PORTAL_METRICS_LISTEN`: where `/metrics` is served, apart from the
    /// public port; default `127.0.0.1:9464` (loopback: not public).
    pub metrics_listen: SocketAddr,
    /// `PORTAL_MAX_CONNECTIONS`: connections served at once; default 4096.
    pub max_connections: usize,
    /// `PORTAL_HEADER_TIMEOUT_SECONDS`: a connection that has not sent a
    /// request's headers within this is closed; default 10.
    pub header_timeout_seconds: u64,
    /// `PORTAL_BODY_TIMEOUT_SECONDS`: a request body not received within
    /// this gets 408; default 10.
    pub body_timeout_seconds: u64,
    /// `PORTAL_REQUEST_TIMEOUT_SECONDS`: a request not answered within this
    /// gets 408; default 30.
    pub request_timeout_seconds: u64,
    /// `PORTAL_CITY`: the city profile (TOML; see `src/city/kanazawa.toml`
    /// for every field); default the bundled Kanazawa profile.
    pub city: std::sync::Arc<crate::city::City>,
}

/// A configuration value that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {variable}={value:?}: {reason}")]
pub struct ConfigError {
    variable: &'static str,
    value: String,
    reason: String,
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup`, which returns a variable's
    /// value if it is set.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &'static str, default: &str| -> (&'static str, String) {
            (name, lookup(name).unwrap_or_else(|| default.to_string()))
        };
        let parse = |(variable, value): (&'static str, String), reason: &str| ConfigError {
            variable,
            value,
            reason: reason.to_string(),
        };
        let number = |name: &'static str, default: &str, min: u64, max: u64| {
            let raw = get(name, default);
            match raw.1.trim().parse::<u64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(parse(
                    raw,
                    &format!("expected a whole number from {min} to {max}"),
                )),
            }
        };
        let boolean = |name: &'static str, default: &str| {
            let raw = get(name, default);
            match raw.1.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => Ok(true),
                "0" | "false" | "no" | "off" => Ok(false),
                _ => Err(parse(raw, "expected true or false")),
            }
        };

        let database_url = get("DATABASE_URL", "sqlite://data/portal.db").1;
        if !(database_url.starts_with("sqlite:") || database_url.starts_with("postgres")) {
            return Err(parse(
                ("DATABASE_URL", database_url),
                "expected a sqlite:// or postgres:// URL",
            ));
        }
        let database_schema = lookup("DATABASE_SCHEMA").filter(|s| !s.is_empty());
        if let Some(schema) = &database_schema
            && !schema
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(parse(
                ("DATABASE_SCHEMA", schema.clone()),
                "expected letters, digits and underscores",
            ));
        }
        let database_read_url = lookup("DATABASE_READ_URL").filter(|s| !s.is_empty());
        if let Some(url) = &database_read_url {
            if !url.starts_with("postgres") {
                return Err(parse(
                    ("DATABASE_READ_URL", url.clone()),
                    "expected a postgres:// URL of a streaming replica",
                ));
            }
            if !database_url.starts_with("postgres") {
                return Err(parse(
                    ("DATABASE_READ_URL", url.clone()),
                    "a read replica needs a PostgreSQL primary (DATABASE_URL)",
                ));
            }
        }
        let replica_max_lag_seconds = number("PORTAL_REPLICA_MAX_LAG_SECONDS", "5", 1, 3600)?;
        let read_your_writes_seconds = number("PORTAL_READ_YOUR_WRITES_SECONDS", "10", 1, 3600)?;
        if read_your_writes_seconds <= replica_max_lag_seconds {
            return Err(parse(
                get("PORTAL_READ_YOUR_WRITES_SECONDS", "10"),
                &format!(
                    "must be more than PORTAL_REPLICA_MAX_LAG_SECONDS ({replica_max_lag_seconds}), \
                     or a member could read the replica before it has their write"
                ),
            ));
        }
        let raw_listen = get("PORTAL_LISTEN", "127.0.0.1:8080");
        let listen: SocketAddr = raw_listen.1.parse().map_err(|_| {
            parse(
                raw_listen.clone(),
                "expected HOST:PORT, e.g. 127.0.0.1:8080",
            )
        })?;
        // The demo city is for trying the portal, at whatever hour a
        // newcomer starts it: unless hours are set, it is always open.
        let demo_data = boolean("PORTAL_DEMO_DATA", "true")?;
        let default_hours = if demo_data { "always" } else { "07:00-02:00" };
        let raw_hours = get("PORTAL_SERVICE_HOURS", default_hours);
        let service_hours = parse_service_hours(&raw_hours.1).ok_or_else(|| {
            parse(
                raw_hours.clone(),
                "expected HH:MM-HH:MM (Asia/Tokyo) or `always`",
            )
        })?;
        let city_path = lookup("PORTAL_CITY").filter(|s| !s.is_empty());
        let city = crate::city::City::load(city_path.as_deref()).map_err(|reason| ConfigError {
            variable: "PORTAL_CITY",
            value: city_path.clone().unwrap_or_default(),
            reason,
        })?;
        let cpus = std::thread::available_parallelism().map_or(2, usize::from);
        let raw_from = get(
            "PORTAL_MAIL_FROM",
            &format!("{} <noreply@portal.example.jp>", city.organisation.ja),
        );
        let mail_from = match raw_from.1.parse::<lettre::message::Mailbox>() {
            Ok(_) => raw_from.1,
            Err(_) => return Err(parse(raw_from, "expected a mailbox, e.g. Name <user@host>")),
        };
        if let Some(url) = lookup("PORTAL_SMTP_URL").filter(|s| !s.is_empty())
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            return Err(parse(
                ("PORTAL_SMTP_URL", url),
                "expected smtp://… or smtps://…",
            ));
        }

        Ok(Self {
            database_url,
            database_schema,
            database_read_url,
            replica_max_lag_seconds: replica_max_lag_seconds as u32,
            read_your_writes_seconds: read_your_writes_seconds as u32,
            listen,
            service_hours,
            demo_data,
            demo_locations: number("PORTAL_DEMO_LOCATIONS", "1000", 10, 1_000_000)? as u32,
            session_idle_minutes: number("PORTAL_SESSION_IDLE_MINUTES", "30", 1, 24 * 60)? as u32,
            session_max_hours: number("PORTAL_SESSION_MAX_HOURS", "12", 1, 24 * 30)? as u32,
            cookie_secure: boolean("PORTAL_COOKIE_SECURE", "true")?,
            hash_concurrency: number("PORTAL_HASH_CONCURRENCY", &cpus.to_string(), 1, 256)?
                as usize,
            // Mail links lead where the service listens unless told otherwise.
            public_url: get("PORTAL_PUBLIC_URL", &format!("http://{listen}"))
                .1
                .trim_end_matches('/')
                .to_string(),
            mail_dir: get("PORTAL_MAIL_DIR", "data/mail").1.into(),
            smtp_url: lookup("PORTAL_SMTP_URL").filter(|s| !s.is_empty()),
            mail_from,
            mail_retry_seconds: number("PORTAL_MAIL_RETRY_SECONDS", "30", 1, 3600)? as u32,
            trust_forwarded_for: boolean("PORTAL_TRUST_FORWARDED_FOR", "false")?,
            trusted_proxies: {
                let raw = get("PORTAL_TRUSTED_PROXIES", "");
                let parsed: Option<Vec<_>> = raw
                    .1
                    .split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(crate::net::Cidr::parse)
                    .collect();
                parsed.ok_or_else(|| parse(raw, "expected networks like 10.0.0.0/8, fd00::/8"))?
            },
            log_json: match get("PORTAL_LOG_FORMAT", "text") {
                (_, v) if v == "text" => false,
                (_, v) if v == "json" => true,
                raw => return Err(parse(raw, "expected text or json")),
            },
            introspection_for_staff_only: match get("PORTAL_INTROSPECTION", "all") {
                (_, v) if v == "all" => false,
                (_, v) if v == "staff" => true,
                raw => return Err(parse(raw, "expected all or staff")),
            },
            documents: match get("PORTAL_DOCUMENTS", "trusted") {
                (_, v) if v == "trusted" => DocumentPolicy::Trusted,
                (_, v) if v == "any" => DocumentPolicy::Any,
                raw => return Err(parse(raw, "expected trusted or any")),
            },
            metrics_listen: {
                let raw = get("PORTAL_METRICS_LISTEN", "127.0.0.1:9464");
                raw.1
                    .parse()
                    .map_err(|_| parse(raw, "expected HOST:PORT, e.g. 127.0.0.1:9464"))?
            },
            max_connections: number("PORTAL_MAX_CONNECTIONS", "4096", 1, 1_000_000)? as usize,
            header_timeout_seconds: number("PORTAL_HEADER_TIMEOUT_SECONDS", "10", 1, 600)?,
            body_timeout_seconds: number("PORTAL_BODY_TIMEOUT_SECONDS", "10", 1, 600)?,
            request_timeout_seconds: number("PORTAL_REQUEST_TIMEOUT_SECONDS", "30", 1, 3600)?,
            address_failure_limit: number("PORTAL_ADDRESS_FAILURE_LIMIT", "50", 1, 1_000_000)?
                as u32,
            city: std::sync::Arc::new(city),
        })
    }
}

fn parse_service_hours(raw: &str) -> Option<ServiceHours> {
    let raw = raw.trim();
    if raw.eq_ignore_ascii_case("always") {
        return Some(ServiceHours::Always);
    }
    let (open, close) = raw.split_once('-')?;
    let opens = NaiveTime::parse_from_str(open.trim(), "%H:%M").ok()?;
    let closes = NaiveTime::parse_from_str(close.trim(), "%H:%M").ok()?;
    (opens != closes).then_some(ServiceHours::Daily { opens, closes })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_lookup(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn defaults_serve_the_demo_on_sqlite_on_localhost_at_any_hour() {
        let c = config(&[]).expect("defaults are valid");
        assert_eq!(c.database_url, "sqlite://data/portal.db");
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert!(c.demo_data);
        assert!(matches!(c.service_hours, ServiceHours::Always));
        assert_eq!(c.documents, DocumentPolicy::Trusted);
    }

    #[test]
    fn without_the_demo_the_portal_keeps_kanazawa_hours() {
        let c = config(&[("PORTAL_DEMO_DATA", "false")]).expect("valid");
        assert!(matches!(c.service_hours, ServiceHours::Daily { .. }));
        let c = config(&[("PORTAL_SERVICE_HOURS", "07:00-02:00")]).expect("valid");
        assert!(matches!(c.service_hours, ServiceHours::Daily { .. }));
    }

    #[test]
    fn a_malformed_value_names_its_variable() {
        let err = config(&[("PORTAL_SERVICE_HOURS", "7am-2am")]).expect_err("rejected");
        assert!(err.to_string().contains("PORTAL_SERVICE_HOURS"));
        let err = config(&[("PORTAL_DEMO_DATA", "maybe")]).expect_err("rejected");
        assert!(err.to_string().contains("PORTAL_DEMO_DATA"));
        let err = config(&[("DATABASE_URL", "mysql://x")]).expect_err("rejected");
        assert!(err.to_string().contains("DATABASE_URL"));
    }

    #[test]
    fn a_read_replica_needs_postgresql_and_a_window_longer_than_its_lag() {
        let err = config(&[("DATABASE_READ_URL", "postgres://replica/portal")])
            .expect_err("a SQLite primary has no replica");
        assert!(err.to_string().contains("DATABASE_READ_URL"), "{err}");
        let primary = ("DATABASE_URL", "postgres://primary/portal");
        let err = config(&[primary, ("DATABASE_READ_URL", "sqlite://copy.db")])
            .expect_err("not a replica");
        assert!(err.to_string().contains("DATABASE_READ_URL"), "{err}");
        let err = config(&[
            primary,
            ("DATABASE_READ_URL", "postgres://replica/portal"),
            ("PORTAL_REPLICA_MAX_LAG_SECONDS", "10"),
        ])
        .expect_err("the window must outlast the lag");
        assert!(
            err.to_string().contains("PORTAL_READ_YOUR_WRITES_SECONDS"),
            "{err}"
        );
        let c =
            config(&[primary, ("DATABASE_READ_URL", "postgres://replica/portal")]).expect("valid");
        assert_eq!(
            c.database_read_url.as_deref(),
            Some("postgres://replica/portal")
        );
        assert_eq!(
            (c.replica_max_lag_seconds, c.read_your_writes_seconds),
            (5, 10)
        );
    }

    #[test]
    fn always_turns_the_hours_off() {
        let c = config(&[("PORTAL_SERVICE_HOURS", "always")]).expect("valid");
        assert!(matches!(c.service_hours, ServiceHours::Always));
    }
}

//! `water-portal`: serves the portal (no arguments), prints the schema,
//! manages staff accounts, or imports the billing system's feed.

use std::process::ExitCode;
use std::sync::Arc;

use tracing_subscriber::EnvFilter;
use water_portal::config::Config;
use water_portal::startup::{Application, open_database};

/// mimalloc, not the system's malloc: see Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: water-portal [serve]\n       water-portal schema\n       water-portal operations [update]\n       water-portal staff add|disable|list …\n       water-portal import DIR";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().cloned();
    let command = command.as_deref();
    if matches!(command, Some("--help" | "-h" | "help")) {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    // `serve` and `schema` take nothing more; an extra word is a mistake,
    // not something to ignore.
    if matches!(command, None | Some("serve" | "schema")) && args.len() > 1 {
        eprintln!("unexpected argument {:?}\n{USAGE}", args[1]);
        return ExitCode::from(2);
    }
    if command == Some("schema") {
        print!("{}", water_portal::graphql::sdl());
        return ExitCode::SUCCESS;
    }
    if command == Some("operations") {
        return match water_portal::graphql::contract::trusted::run_cli(&args[1..]) {
            Ok(text) => {
                println!("{text}");
                ExitCode::SUCCESS
            }
            Err(text) => {
                eprintln!("{text}");
                ExitCode::FAILURE
            }
        };
    }
    if !matches!(command, None | Some("serve" | "staff" | "import")) {
        eprintln!("unknown command {:?}\n{USAGE}", command.unwrap_or(""));
        return ExitCode::from(2);
    }
    // The tools' own usage, before anything opens the database.
    if matches!(command, Some("staff" | "import"))
        && (args.len() < 2 || matches!(args[1].as_str(), "--help" | "-h"))
    {
        let usage = if command == Some("staff") {
            water_portal::support::cli::USAGE
        } else {
            "usage: water-portal import DIR"
        };
        println!("{usage}");
        return if args.len() < 2 {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::from(2);
        }
    };
    // The tools word their mails too (an import's bill mails), in the
    // city's names.
    if let Err(err) = water_portal::i18n::install(&config.city.terms()) {
        eprintln!("{err}");
        return ExitCode::FAILURE;
    }
    // The server logs what it does; the tools print their own results.
    let default_level = if matches!(command, Some("staff" | "import")) {
        "warn"
    } else {
        "info"
    };
    let filter = match std::env::var("RUST_LOG") {
        Ok(raw) => match EnvFilter::try_new(&raw) {
            Ok(filter) => filter,
            Err(err) => {
                eprintln!("RUST_LOG={raw:?}: {err}");
                return ExitCode::from(2);
            }
        },
        Err(_) => EnvFilter::new(default_level),
    };
    // Colour codes only on a terminal: log files and collectors get text.
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    if config.log_json {
        logs.json().init();
    } else {
        logs.init();
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        match command {
            Some("staff") | Some("import") => tool(config, &args).await,
            _ => serve(config).await,
        }
    })
}

async fn serve(config: Config) -> ExitCode {
    let app = match Application::build(config).await {
        Ok(app) => app,
        Err(err) => {
            // Also on stderr itself: the log may be filtered or off.
            tracing::error!(%err, "cannot start");
            eprintln!("cannot start: {err}");
            return ExitCode::FAILURE;
        }
    };
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(%err, "server failed");
            ExitCode::FAILURE
        }
    }
}

/// The command-line tools: they use the database, never the network.
async fn tool(config: Config, args: &[String]) -> ExitCode {
    let db = match open_database(&config, Arc::default()).await {
        Ok(db) => db,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    let result = match args[0].as_str() {
        "staff" => water_portal::support::cli::run(&db, &args[1..]).await,
        _ => match args.get(1..) {
            Some([dir]) => {
                water_portal::import::run_cli(
                    &db,
                    std::path::Path::new(dir),
                    &config.city.usage_alert,
                )
                .await
            }
            _ => Err(USAGE.to_string()),
        },
    };
    match result {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(text) => {
            eprintln!("{text}");
            ExitCode::FAILURE
        }
    }
}

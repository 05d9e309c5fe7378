//! `water-portal staff add|disable|list`: managing staff accounts from the
//! command line, where only operators reach.

use std::io::BufRead as _;

use entity::{session, staff};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::auth::password::hash_now;
use crate::domain::{DisplayName, LoginId, NewPassword};

/// Runs a `staff` command; returns the text to print, or why it failed.
pub async fn run(db: &DatabaseConnection, args: &[String]) -> Result<String, String> {
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["add", login_id, rest @ ..] => add(db, login_id, rest).await,
        ["disable", login_id] => disable(db, login_id).await,
        ["list"] => list(db).await,
        _ => Err(USAGE.into()),
    }
}

fn db_err(e: sea_orm::DbErr) -> String {
    format!("database error: {e}")
}

/// Adds an account: the login ID is checked (form and uniqueness) before
/// the password is asked for.
async fn add(db: &DatabaseConnection, login_id: &str, rest: &[&str]) -> Result<String, String> {
    let login_id = LoginId::parse(login_id).map_err(|e| e.to_string())?;
    let name = match rest {
        ["--name", name] => DisplayName::parse(name).map_err(|e| e.to_string())?,
        [] => DisplayName::parse(login_id.as_str()).map_err(|e| e.to_string())?,
        _ => return Err(USAGE.into()),
    };
    let exists = staff::Entity::find()
        .filter(staff::Column::LoginId.eq(login_id.as_str()))
        .one(db)
        .await
        .map_err(db_err)?
        .is_some();
    if exists {
        return Err(format!(
            "staff account {} already exists",
            login_id.as_str()
        ));
    }
    let password = read_password(login_id.as_str())?;
    let password =
        NewPassword::parse(&password, &[login_id.as_str()]).map_err(|p| p.to_string())?;
    let hash = tokio::task::spawn_blocking(move || hash_now(password.as_str()))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("{e:?}"))?;
    staff::ActiveModel {
        login_id: Set(login_id.as_str().to_string()),
        password_hash: Set(hash),
        display_name: Set(name.as_str().to_string()),
        disabled: Set(false),
        created_at: Set(crate::clock::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            format!("staff account {} already exists", login_id.as_str())
        }
        _ => db_err(e),
    })?;
    Ok(format!("added staff account {}", login_id.as_str()))
}

async fn disable(db: &DatabaseConnection, login_id: &str) -> Result<String, String> {
    let account = staff::Entity::find()
        .filter(staff::Column::LoginId.eq(login_id))
        .one(db)
        .await
        .map_err(db_err)?
        .ok_or_else(|| format!("no staff account {login_id}"))?;
    let txn = crate::db::write_txn(db).await.map_err(db_err)?;
    staff::Entity::update_many()
        .col_expr(staff::Column::Disabled, Expr::value(true))
        .filter(staff::Column::Id.eq(account.id))
        .exec(&txn)
        .await
        .map_err(db_err)?;
    // A disabled account's sessions end at once.
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(crate::clock::now()))
        .filter(session::Column::StaffId.eq(account.id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(&txn)
        .await
        .map_err(db_err)?;
    txn.commit().await.map_err(db_err)?;
    Ok(format!("disabled staff account {login_id}"))
}

async fn list(db: &DatabaseConnection) -> Result<String, String> {
    let all = staff::Entity::find()
        .order_by_asc(staff::Column::LoginId)
        .all(db)
        .await
        .map_err(db_err)?;
    Ok(all
        .iter()
        .map(|s| {
            let state = if s.disabled { "disabled" } else { "active" };
            format!("{}\t{}\t{state}", s.login_id, s.display_name)
        })
        .collect::<Vec<_>>()
        .join("\n"))
}

pub const USAGE: &str = "usage: water-portal staff add LOGIN_ID [--name NAME]   (password on standard input, or PORTAL_STAFF_PASSWORD)\n       water-portal staff disable LOGIN_ID\n       water-portal staff list";

/// The new password: `PORTAL_STAFF_PASSWORD`, or the first line of
/// standard input (so it never appears in the process list).
fn read_password(login_id: &str) -> Result<String, String> {
    if let Ok(password) = std::env::var("PORTAL_STAFF_PASSWORD") {
        return Ok(password);
    }
    // On its own line, so what is typed (or piped) never runs into it.
    eprintln!("Password for staff account {login_id} (at least 12 characters), then Enter:");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

//! Delivering queued mail, with retries; safe with several service
//! instances on one database (a mail is claimed before it is sent).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::mail_outbox;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, SinglePart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tokio::sync::Notify;

use crate::config::Config;
use crate::error::{AppError, AppResult};

/// How long a claimed mail is reserved for the instance sending it.
const LEASE: chrono::Duration = chrono::Duration::minutes(5);
/// How often the outbox is looked at when nothing wakes the worker.
const POLL: Duration = Duration::from_secs(2);
/// Longest wait between two tries of one mail.
const MAX_BACKOFF_SECS: i64 = 3600;
/// Mails sent in one pass.
const BATCH: u64 = 50;

/// Where mail goes.
#[derive(Clone)]
pub enum Transport {
    /// `.eml` files in a folder (the default: nothing leaves the machine).
    Files(AsyncFileTransport<Tokio1Executor>),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl Transport {
    /// The transport the configuration asks for.
    pub fn from_config(config: &Config) -> AppResult<Self> {
        match &config.smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(AppError::internal)?
                    .timeout(Some(Duration::from_secs(15)))
                    .build();
                Ok(Self::Smtp(transport))
            }
            None => {
                std::fs::create_dir_all(&config.mail_dir).map_err(AppError::internal)?;
                Ok(Self::Files(AsyncFileTransport::new(&config.mail_dir)))
            }
        }
    }

    async fn send(&self, message: Message) -> Result<(), String> {
        match self {
            Self::Files(t) => t.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
            Self::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
        }
    }
}

/// The background sender; `wake` after queueing to send at once.
#[derive(Clone)]
pub struct MailWorker {
    db: DatabaseConnection,
    transport: Transport,
    from: Mailbox,
    retry_base_secs: i64,
    wake: Arc<Notify>,
}

impl MailWorker {
    pub fn new(db: DatabaseConnection, config: &Config) -> AppResult<Self> {
        Ok(Self {
            db,
            transport: Transport::from_config(config)?,
            from: config.mail_from.parse().map_err(AppError::internal)?,
            retry_base_secs: i64::from(config.mail_retry_seconds),
            wake: Arc::new(Notify::new()),
        })
    }

    /// Asks the worker to look at the outbox now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Runs until the task is dropped: sends what is due, then waits.
    pub async fn run(self) {
        loop {
            match self.send_due().await {
                Ok(sent) if sent > 0 => continue,
                Ok(_) => {}
                Err(err) => tracing::warn!(error = ?err, "mail outbox pass failed"),
            }
            tokio::select! {
                () = self.wake.notified() => {},
                () = tokio::time::sleep(POLL) => {},
            }
        }
    }

    /// Sends the mails that are due; returns how many went out.
    pub async fn send_due(&self) -> AppResult<usize> {
        let now = crate::clock::now();
        let due = mail_outbox::Entity::find()
            .filter(mail_outbox::Column::SentAt.is_null())
            .filter(mail_outbox::Column::NextAttemptAt.lte(now))
            .order_by_asc(mail_outbox::Column::Id)
            .limit(BATCH)
            .all(&self.db)
            .await?;
        let mut sent = 0;
        for mail in due {
            if !self.claim(&mail, now).await? {
                continue; // another instance has it
            }
            match self.deliver(&mail).await {
                Ok(()) => {
                    self.mark_sent(mail.id).await?;
                    sent += 1;
                }
                Err(err) => {
                    tracing::warn!(mail_id = mail.id, attempts = mail.attempts + 1, error = %err, "mail not sent; will retry");
                    self.mark_failed(mail.id, mail.attempts + 1, &err).await?;
                }
            }
        }
        Ok(sent)
    }

    /// Reserves a mail by moving its next attempt past the lease, only if
    /// no one else did first.
    async fn claim(&self, mail: &mail_outbox::Model, now: DateTime<Utc>) -> AppResult<bool> {
        let claimed = mail_outbox::Entity::update_many()
            .col_expr(mail_outbox::Column::NextAttemptAt, Expr::value(now + LEASE))
            .filter(mail_outbox::Column::Id.eq(mail.id))
            .filter(mail_outbox::Column::SentAt.is_null())
            .filter(mail_outbox::Column::NextAttemptAt.eq(mail.next_attempt_at))
            .exec(&self.db)
            .await?;
        Ok(claimed.rows_affected == 1)
    }

    async fn deliver(&self, mail: &mail_outbox::Model) -> Result<(), String> {
        let to: Mailbox = mail
            .to_address
            .parse()
            .map_err(|e| format!("bad address: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .header(ContentTransferEncoding::Base64)
                    .body(mail.body.clone()),
            )
            .map_err(|e| e.to_string())?;
        self.transport.send(message).await
    }

    /// A sent mail keeps no personal data: address and text are erased.
    async fn mark_sent(&self, id: i64) -> AppResult<()> {
        mail_outbox::Entity::update_many()
            .col_expr(
                mail_outbox::Column::SentAt,
                Expr::value(crate::clock::now()),
            )
            .col_expr(mail_outbox::Column::ToAddress, Expr::value(""))
            .col_expr(mail_outbox::Column::Body, Expr::value(""))
            .col_expr(
                mail_outbox::Column::LastError,
                Expr::value(Option::<String>::None),
            )
            .filter(mail_outbox::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    async fn mark_failed(&self, id: i64, attempts: i32, error: &str) -> AppResult<()> {
        let backoff = (self.retry_base_secs << (attempts - 1).clamp(0, 20)).min(MAX_BACKOFF_SECS);
        let error: String = error.chars().take(500).collect();
        mail_outbox::Entity::update_many()
            .col_expr(mail_outbox::Column::Attempts, Expr::value(attempts))
            .col_expr(
                mail_outbox::Column::NextAttemptAt,
                Expr::value(crate::clock::now() + chrono::Duration::seconds(backoff)),
            )
            .col_expr(mail_outbox::Column::LastError, Expr::value(Some(error)))
            .filter(mail_outbox::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}

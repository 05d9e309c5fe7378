//! The whole portal data model: members, service locations and their billing
//! data, notices, documents, sessions, staff, and the mail outbox.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables in creation order; `down` drops them in reverse.
const TABLES: &[&str] = &[
    "secret_questions",
    "members",
    "service_locations",
    "meter_readings",
    "bills",
    "bill_line_items",
    "notices",
    "notice_reads",
    "documents",
    "staff",
    "sessions",
    "audit_log",
    "data_imports",
    "registrations",
    "email_changes",
    "mail_outbox",
    "throttles",
    "app_secrets",
];

/// The secret questions (秘密の質問) offered at registration.
const SECRET_QUESTIONS: &[&str] = &[
    "母親の旧姓は？",
    "初めて飼ったペットの名前は？",
    "出身小学校の名前は？",
    "生まれた町の名前は？",
    "好きな食べ物は？",
];

fn fk(from: (&'static str, &'static str), to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{}_{}", from.0, from.1))
        .from(from.0, from.1)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn index(table: &'static str, columns: &[&'static str], unique: bool) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(format!("idx_{}_{}", table, columns.join("_")))
        .table(table);
    for column in columns {
        stmt.col(*column);
    }
    if unique {
        stmt.unique();
    }
    stmt.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            Table::create()
                .table("secret_questions")
                .col(integer("id").primary_key())
                .col(text("text"))
                .col(integer("sort_order"))
                .to_owned(),
            Table::create()
                .table("members")
                .col(big_pk_auto("id"))
                .col(string_len_null("login_id", 64).unique_key())
                .col(text_null("password_hash"))
                .col(string_len("display_name", 100))
                .col(string_len_null("email", 254))
                .col(integer_null("secret_question_id"))
                .col(text_null("secret_answer_hash"))
                .col(small_integer("secret_answer_norm_version").default(1))
                .col(boolean("notify_bill_issued").default(true))
                .col(boolean("notify_notice_published").default(true))
                .col(string_len("status", 16))
                .col(timestamp_with_time_zone("registered_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("withdrawn_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("members", "secret_question_id")
                        .to("secret_questions", "id"),
                )
                .to_owned(),
            Table::create()
                .table("service_locations")
                .col(big_pk_auto("id"))
                .col(string_len("customer_number", 16).unique_key())
                .col(string_len("portal_customer_number", 16).unique_key())
                .col(string_len("holder_name", 100))
                .col(string_len("address", 200))
                .col(integer("meter_diameter_mm"))
                .col(string_len("use_type", 16))
                .col(small_integer("reading_month_parity"))
                .col(big_integer_null("member_id"))
                .col(timestamp_with_time_zone_null("linked_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("service_locations", "member_id")
                        .to("members", "id")
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
            Table::create()
                .table("meter_readings")
                .col(big_pk_auto("id"))
                .col(big_integer("service_location_id"))
                .col(date("read_on"))
                .col(integer("previous_reading"))
                .col(integer("current_reading"))
                .col(integer("usage_m3"))
                .foreign_key(&mut fk(
                    ("meter_readings", "service_location_id"),
                    "service_locations",
                ))
                .to_owned(),
            Table::create()
                .table("bills")
                .col(big_pk_auto("id"))
                .col(big_integer("service_location_id"))
                .col(big_integer_null("meter_reading_id"))
                .col(string_len("billing_month", 7))
                .col(date("period_start"))
                .col(date("period_end"))
                .col(integer("usage_m3"))
                .col(big_integer("water_charge_yen"))
                .col(big_integer("sewer_charge_yen"))
                .col(big_integer("tax_yen"))
                .col(big_integer("amount_yen"))
                .col(date("due_date"))
                .col(string_len("payment_status", 16))
                .col(date_null("paid_on"))
                .col(string_len_null("payment_method", 16))
                .col(timestamp_with_time_zone("issued_at"))
                .foreign_key(&mut fk(
                    ("bills", "service_location_id"),
                    "service_locations",
                ))
                .foreign_key(
                    ForeignKey::create()
                        .from("bills", "meter_reading_id")
                        .to("meter_readings", "id")
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
            Table::create()
                .table("bill_line_items")
                .col(big_pk_auto("id"))
                .col(big_integer("bill_id"))
                .col(integer("position"))
                .col(string_len("label", 100))
                .col(big_integer("amount_yen"))
                .foreign_key(&mut fk(("bill_line_items", "bill_id"), "bills"))
                .to_owned(),
            Table::create()
                .table("notices")
                .col(big_pk_auto("id"))
                .col(string_len_null("external_id", 64).unique_key())
                .col(big_integer_null("member_id"))
                .col(string_len("title", 200))
                .col(text("body"))
                .col(timestamp_with_time_zone("published_at"))
                .foreign_key(&mut fk(("notices", "member_id"), "members"))
                .to_owned(),
            Table::create()
                .table("notice_reads")
                .col(big_integer("member_id"))
                .col(big_integer("notice_id"))
                .col(timestamp_with_time_zone("read_at"))
                .primary_key(Index::create().col("member_id").col("notice_id"))
                .foreign_key(&mut fk(("notice_reads", "member_id"), "members"))
                .foreign_key(&mut fk(("notice_reads", "notice_id"), "notices"))
                .to_owned(),
            Table::create()
                .table("documents")
                .col(big_pk_auto("id"))
                .col(string_len_null("external_id", 64).unique_key())
                .col(big_integer("service_location_id"))
                .col(string_len("kind", 32))
                .col(string_len("title", 200))
                .col(date("issued_on"))
                .col(string_len("content_type", 64))
                .col(big_integer("size_bytes"))
                .col(string_len("sha256", 64))
                .col(blob("content"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    ("documents", "service_location_id"),
                    "service_locations",
                ))
                .to_owned(),
            Table::create()
                .table("staff")
                .col(big_pk_auto("id"))
                .col(string_len("login_id", 64).unique_key())
                .col(text("password_hash"))
                .col(string_len("display_name", 100))
                .col(boolean("disabled").default(false))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
            Table::create()
                .table("sessions")
                .col(big_pk_auto("id"))
                .col(string_len("token_hash", 64).unique_key())
                .col(big_integer_null("member_id"))
                .col(big_integer_null("staff_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("last_seen_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(&mut fk(("sessions", "member_id"), "members"))
                .foreign_key(&mut fk(("sessions", "staff_id"), "staff"))
                .to_owned(),
            Table::create()
                .table("audit_log")
                .col(big_pk_auto("id"))
                .col(big_integer("staff_id"))
                .col(string_len("action", 64))
                .col(big_integer_null("member_id"))
                .col(big_integer_null("service_location_id"))
                .col(text("detail"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(("audit_log", "staff_id"), "staff"))
                .to_owned(),
            Table::create()
                .table("data_imports")
                .col(big_pk_auto("id"))
                .col(string_len("source", 200))
                .col(text("summary"))
                .col(timestamp_with_time_zone("imported_at"))
                .to_owned(),
            Table::create()
                .table("registrations")
                .col(big_pk_auto("id"))
                .col(string_len("token_hash", 64).unique_key())
                .col(string_len("email", 254))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .to_owned(),
            Table::create()
                .table("email_changes")
                .col(big_pk_auto("id"))
                .col(string_len("token_hash", 64).unique_key())
                .col(big_integer("member_id"))
                .col(string_len("new_email", 254))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .foreign_key(&mut fk(("email_changes", "member_id"), "members"))
                .to_owned(),
            Table::create()
                .table("mail_outbox")
                .col(big_pk_auto("id"))
                .col(string_len_null("dedup_key", 128).unique_key())
                .col(string_len("to_address", 254))
                .col(string_len("subject", 200))
                .col(text("body"))
                .col(integer("attempts").default(0))
                .col(timestamp_with_time_zone("next_attempt_at"))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .to_owned(),
            Table::create()
                .table("throttles")
                .col(string_len("key", 200).primary_key())
                .col(integer("failures"))
                .col(timestamp_with_time_zone("window_started_at"))
                .col(timestamp_with_time_zone_null("locked_until"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
            Table::create()
                .table("app_secrets")
                .col(string_len("name", 64).primary_key())
                .col(string_len("value", 200))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        ];
        for table in tables {
            manager.create_table(table).await?;
        }

        // Reference data the registration form needs from the first start.
        let mut questions = Query::insert();
        questions
            .into_table("secret_questions")
            .columns(["id", "text", "sort_order"]);
        for (id, text) in SECRET_QUESTIONS.iter().enumerate() {
            let id = id as i32 + 1;
            questions
                .values([id.into(), (*text).into(), (id * 10).into()])
                .map_err(|e| DbErr::Migration(e.to_string()))?;
        }
        manager.exec_stmt(questions).await?;

        // One index for every access path the service's queries take.
        let indexes = [
            index("members", &["email"], false),
            index("service_locations", &["member_id"], false),
            index("meter_readings", &["service_location_id", "read_on"], true),
            index("bills", &["service_location_id", "billing_month"], true),
            index("bill_line_items", &["bill_id", "position"], true),
            index("notices", &["published_at", "id"], false),
            index("notices", &["member_id", "published_at"], false),
            index("notice_reads", &["notice_id"], false),
            index("documents", &["service_location_id", "issued_on"], false),
            index("sessions", &["member_id"], false),
            index("sessions", &["staff_id"], false),
            index("sessions", &["expires_at"], false),
            index("audit_log", &["member_id", "created_at"], false),
            index("audit_log", &["staff_id", "created_at"], false),
            index("data_imports", &["imported_at"], false),
            index("registrations", &["email"], false),
            index("email_changes", &["member_id"], false),
            index("mail_outbox", &["sent_at", "next_attempt_at"], false),
        ];
        for stmt in indexes {
            manager.create_index(stmt).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES.iter().rev() {
            manager
                .drop_table(Table::drop().table(*table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}

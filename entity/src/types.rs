//! Enumerations stored as short strings, shared by several tables.

use sea_orm::entity::prelude::*;

/// Whether a bill has been paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum PaymentStatus {
    #[sea_orm(string_value = "paid")]
    Paid,
    #[sea_orm(string_value = "unpaid")]
    Unpaid,
    #[sea_orm(string_value = "overdue")]
    Overdue,
}

/// How a bill is (or was) paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum PaymentMethod {
    /// 口座振替
    #[sea_orm(string_value = "account_transfer")]
    AccountTransfer,
    /// 納付書
    #[sea_orm(string_value = "payment_slip")]
    PaymentSlip,
    /// クレジットカード
    #[sea_orm(string_value = "credit_card")]
    CreditCard,
}

/// Lifecycle of a member account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum MemberStatus {
    #[sea_orm(string_value = "active")]
    Active,
    #[sea_orm(string_value = "withdrawn")]
    Withdrawn,
}

/// What a service location's water is used for (用途).
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum UseType {
    /// 一般用 (households)
    #[sea_orm(string_value = "household")]
    Household,
    /// 業務用 (shops, offices)
    #[sea_orm(string_value = "business")]
    Business,
}

/// What a document is (the import feed's `kind` column).
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum DocumentKind {
    /// 検針のお知らせ
    #[sea_orm(string_value = "meter_reading")]
    MeterReading,
    /// 料金改定のお知らせ
    #[sea_orm(string_value = "tariff_change")]
    TariffChange,
    /// 未納のお知らせ
    #[sea_orm(string_value = "payment_reminder")]
    PaymentReminder,
    #[sea_orm(string_value = "other")]
    Other,
}

/// What a staff account read or did (the audit log's `action`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum AuditAction {
    /// Looked a service location up by its customer number.
    #[sea_orm(string_value = "view_service_location")]
    ViewServiceLocation,
    /// Looked a member up by login ID.
    #[sea_orm(string_value = "view_member")]
    ViewMember,
    /// Lifted a member's sign-in and recovery locks.
    #[sea_orm(string_value = "unlock_member")]
    UnlockMember,
    /// Unlinked a service location from a member who cannot be reached.
    #[sea_orm(string_value = "unlink_location")]
    UnlinkLocation,
    /// Issued a password-reset letter to a member's service location.
    #[sea_orm(string_value = "issue_reset_letter")]
    IssueResetLetter,
    /// Downloaded a reset letter to print and post it.
    #[sea_orm(string_value = "download_reset_letter")]
    DownloadResetLetter,
    /// Searched members and locations.
    #[sea_orm(string_value = "search")]
    Search,
}

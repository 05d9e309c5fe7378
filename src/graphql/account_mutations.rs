//! Membership over GraphQL: registration, recovery, settings, service
//! locations and withdrawal. Resolvers parse nothing themselves: they
//! authorise, call a service and shape its answer.

use crate::security::{Event, Subject};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::accounts::{Customer, Language, NotificationSettings, ServiceLocation};
use crate::accounts::AccountError;
use crate::accounts::{locations, recovery, registration, settings, withdrawal};
use crate::auth::session;
use crate::domain::{Email, PortalCustomerNumber};
use crate::graphql::AppContext;
use crate::graphql::auth::Session;
use crate::graphql::errors::{self, GqlResult, UserError, account_errors};
use crate::graphql::guard;
use crate::graphql::portal::SecretQuestion;

#[derive(InputObject)]
pub struct RequestRegistrationInput {
    pub email: String,
    /// 利用規約への同意.
    pub agree_to_terms: bool,
}

#[derive(InputObject)]
pub struct NotificationSettingsInput {
    pub bill_issued: bool,
    pub notice_published: bool,
    /// A mail on each sign-in from a device not used before; unchanged
    /// when absent (off for new members).
    pub new_device: Option<bool>,
    /// A mail when a bill's usage is flagged as high (a possible leak);
    /// unchanged when absent (off for new members).
    pub high_usage: Option<bool>,
}

#[derive(InputObject)]
pub struct CompleteRegistrationInput {
    /// From the provisional-registration mail.
    pub token: String,
    pub login_id: String,
    pub password: String,
    /// ポータルサイト用お客さま番号, printed on the meter-reading slip.
    pub portal_customer_number: String,
    pub display_name: String,
    pub secret_question_id: ID,
    pub secret_answer: String,
    /// Both on when not given.
    pub notification_settings: Option<NotificationSettingsInput>,
}

#[derive(InputObject)]
pub struct ResetPasswordWithLetterInput {
    /// ポータルサイト用お客さま番号, as printed on the letter.
    pub portal_customer_number: String,
    /// 再設定コード from the letter (`ABCD-EFGH-JKMN`; case, spaces and
    /// full-width letters do not matter).
    pub code: String,
    pub new_password: String,
    pub secret_question_id: ID,
    pub secret_answer: String,
}

#[derive(InputObject)]
pub struct RecoverLoginIdInput {
    pub portal_customer_number: String,
    pub secret_answer: String,
    /// From the mail sent when recovery locked: answers once despite it.
    pub unlock_token: Option<String>,
}

#[derive(InputObject)]
pub struct ResetPasswordInput {
    pub login_id: String,
    pub portal_customer_number: String,
    pub secret_answer: String,
    pub new_password: String,
    /// From the mail sent when recovery locked: answers once despite it.
    pub unlock_token: Option<String>,
}

#[derive(InputObject)]
pub struct ChangePasswordInput {
    pub current_password: String,
    pub new_password: String,
}

#[derive(InputObject)]
pub struct ChangeEmailInput {
    pub current_password: String,
    pub email: String,
}

#[derive(InputObject)]
pub struct CompletePasswordResetInput {
    /// From the mail `resetPassword` sent to the registered address.
    pub token: String,
}

#[derive(InputObject)]
pub struct ConfirmEmailChangeInput {
    /// From the confirmation mail sent to the new address.
    pub token: String,
}

#[derive(InputObject)]
pub struct AddServiceLocationInput {
    pub portal_customer_number: String,
}

#[derive(InputObject)]
pub struct RemoveServiceLocationInput {
    pub id: ID,
    pub current_password: String,
}

#[derive(InputObject)]
pub struct WithdrawInput {
    pub current_password: String,
}

#[derive(SimpleObject, Default)]
pub struct RequestRegistrationPayload {
    /// True when the request was taken (whether or not the address is
    /// already a member's: the mail tells).
    pub accepted: bool,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject, Default)]
pub struct CompleteRegistrationPayload {
    pub customer: Option<Customer>,
    pub session: Option<Session>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject, Default)]
pub struct RecoverLoginIdPayload {
    pub login_id: Option<String>,
    pub user_errors: Vec<UserError>,
}

/// The answer of a mutation that only succeeds or not.
#[derive(SimpleObject, Default)]
pub struct SuccessPayload {
    pub success: bool,
    pub user_errors: Vec<UserError>,
}

impl SuccessPayload {
    fn from(result: Result<(), Vec<AccountError>>) -> Self {
        match result {
            Ok(()) => Self {
                success: true,
                user_errors: vec![],
            },
            Err(errors) => Self {
                success: false,
                user_errors: account_errors(errors),
            },
        }
    }
}

#[derive(SimpleObject, Default)]
pub struct CustomerPayload {
    pub customer: Option<Customer>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject, Default)]
pub struct UpdateNotificationSettingsPayload {
    pub notification_settings: Option<NotificationSettings>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject, Default)]
pub struct AddServiceLocationPayload {
    pub service_location: Option<ServiceLocation>,
    pub user_errors: Vec<UserError>,
}

fn customer_payload(result: Result<entity::member::Model, Vec<AccountError>>) -> CustomerPayload {
    match result {
        Ok(member) => CustomerPayload {
            customer: Some(Customer(member)),
            user_errors: vec![],
        },
        Err(user_errors) => CustomerPayload {
            customer: None,
            user_errors: account_errors(user_errors),
        },
    }
}

#[derive(Default)]
pub struct RecoveryQuery;

#[Object]
impl RecoveryQuery {
    /// The secret question to answer for a portal customer number.
    async fn recovery_question(
        &self,
        ctx: &Context<'_>,
        portal_customer_number: String,
    ) -> GqlResult<SecretQuestion> {
        ctx.config()
            .service_hours
            .ensure_open(crate::clock::now())?;
        let q = recovery::question(
            ctx.db(),
            ctx.secrets(),
            &guard::client_address(ctx),
            ctx.config().address_failure_limit,
            &portal_customer_number,
        )
        .await?;
        Ok(q.into())
    }
}

#[derive(Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// 会員登録 step 1: mails a one-time registration link.
    async fn request_registration(
        &self,
        ctx: &Context<'_>,
        input: RequestRegistrationInput,
    ) -> GqlResult<RequestRegistrationPayload> {
        ctx.config()
            .service_hours
            .ensure_open(crate::clock::now())?;
        let email = match registration::parse_request(&input.email, input.agree_to_terms) {
            Ok(email) => email,
            Err(refused) => {
                return Ok(RequestRegistrationPayload {
                    accepted: false,
                    user_errors: account_errors(refused),
                });
            }
        };
        registration::request(
            ctx.db(),
            ctx.config(),
            ctx.hasher().keyring(),
            &guard::client_address(ctx),
            email,
            errors::lang(),
        )
        .await?;
        ctx.wake_mail();
        Ok(RequestRegistrationPayload {
            accepted: true,
            user_errors: vec![],
        })
    }

    /// 会員登録 step 2: creates the member and signs in.
    async fn complete_registration(
        &self,
        ctx: &Context<'_>,
        input: CompleteRegistrationInput,
    ) -> GqlResult<CompleteRegistrationPayload> {
        ctx.config()
            .service_hours
            .ensure_open(crate::clock::now())?;
        let notify = input
            .notification_settings
            .unwrap_or(NotificationSettingsInput {
                bill_issued: true,
                notice_published: true,
                new_device: None,
                high_usage: None,
            });
        let form = registration::CompletionForm {
            token: input.token,
            login_id: input.login_id,
            password: input.password,
            portal_customer_number: input.portal_customer_number,
            display_name: input.display_name,
            secret_question_id: input.secret_question_id.to_string(),
            secret_answer: input.secret_answer,
            notify_bill_issued: notify.bill_issued,
            notify_notice_published: notify.notice_published,
            notify_new_device: notify.new_device.unwrap_or(false),
            notify_high_usage: notify.high_usage.unwrap_or(false),
        };
        let completion = match form.parse() {
            Ok(completion) => completion,
            Err(errors) => {
                return Ok(CompleteRegistrationPayload {
                    user_errors: account_errors(errors),
                    ..Default::default()
                });
            }
        };
        let result = registration::complete(
            ctx.db(),
            ctx.config(),
            ctx.hasher(),
            &guard::origin(ctx),
            &guard::client_address(ctx),
            completion,
        )
        .await?;
        ctx.wake_mail();
        Ok(match result {
            Ok(registered) => {
                ctx.append_http_header(
                    "Set-Cookie",
                    session::cookie(
                        ctx.config(),
                        session::CookieKind::Member,
                        &registered.session,
                    ),
                );
                CompleteRegistrationPayload {
                    customer: Some(Customer(registered.member)),
                    session: Some(registered.session.into()),
                    user_errors: vec![],
                }
            }
            Err(errors) => CompleteRegistrationPayload {
                user_errors: account_errors(errors),
                ..Default::default()
            },
        })
    }

    /// ログインIDを忘れた方: shows the login ID for the right answer.
    async fn recover_login_id(
        &self,
        ctx: &Context<'_>,
        input: RecoverLoginIdInput,
    ) -> GqlResult<RecoverLoginIdPayload> {
        ctx.config()
            .service_hours
            .ensure_open(crate::clock::now())?;
        let result = recovery::recover_login_id(
            ctx.db(),
            ctx.config(),
            ctx.hasher(),
            &guard::client_address(ctx),
            &input.portal_customer_number,
            &input.secret_answer,
            input.unlock_token.as_deref(),
        )
        .await?;
        guard::security_log(
            ctx,
            Event::RecoveryAttempt,
            result.is_ok(),
            Subject::Number(&input.portal_customer_number),
            "login_id",
        );
        ctx.wake_mail();
        Ok(match result {
            Ok(login_id) => RecoverLoginIdPayload {
                login_id: Some(login_id),
                user_errors: vec![],
            },
            Err(user_errors) => RecoverLoginIdPayload {
                login_id: None,
                user_errors: account_errors(user_errors),
            },
        })
    }

    /// パスワードを忘れた方, step 1: for the right login ID and answer, mails
    /// a one-time link (30 minutes) to the registered address; the new
    /// password takes effect only through it (`completePasswordReset`).
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        input: ResetPasswordInput,
    ) -> GqlResult<SuccessPayload> {
        ctx.config()
            .service_hours
            .ensure_open(crate::clock::now())?;
        let result = recovery::reset_password(
            ctx.db(),
            ctx.config(),
            ctx.hasher(),
            &guard::client_address(ctx),
            recovery::ResetInput {
                login_id: &input.login_id,
                portal_customer_number: &input.portal_customer_number,
                secret_answer: &input.secret_answer,
                new_password: &input.new_password,
                unlock_token: input.unlock_token.as_deref(),
            },
        )
        .await?;
        guard::security_log(
            ctx,
            Event::PasswordResetRequested,
            result.is_ok(),
            Subject::Number(&input.portal_customer_number),
            "secret_answer",
        );
        ctx.wake_mail();
        Ok(SuccessPayload::from(result))
    }

    /// パスワード再設定 step 2: the link mailed by `resetPassword` sets the
    /// new password given there (once, within 30 minutes); every session
    /// ends. It does not sign in.
    async fn complete_password_reset(
        &self,
        ctx: &Context<'_>,
        input: CompletePasswordResetInput,
    ) -> GqlResult<SuccessPayload> {
        ctx.config()
            .service_hours
            .ensure_open(crate::clock::now())?;
        let result =
            recovery::complete_password_reset(ctx.db(), ctx.hasher().keyring(), &input.token)
                .await?;
        guard::security_log(
            ctx,
            Event::PasswordReset,
            result.is_ok(),
            Subject::Unknown,
            "mailed_link",
        );
        ctx.wake_mail();
        Ok(SuccessPayload::from(result))
    }

    /// パスワード再設定（郵送のご案内）: for a member who forgot both password
    /// and secret answer, the code from the letter staff posted
    /// (`support.issueResetLetter`) and the portal customer number set a
    /// new password and a new secret question and answer, once, within 14
    /// days; every session ends and the member is mailed. It does not sign
    /// in. Wrong codes lock the number like wrong secret answers.
    async fn reset_password_with_letter(
        &self,
        ctx: &Context<'_>,
        input: ResetPasswordWithLetterInput,
    ) -> GqlResult<SuccessPayload> {
        ctx.config()
            .service_hours
            .ensure_open(crate::clock::now())?;
        let result = crate::support::letters::redeem(
            ctx.db(),
            ctx.config(),
            ctx.hasher(),
            &guard::client_address(ctx),
            crate::support::letters::Redemption {
                portal_customer_number: &input.portal_customer_number,
                code: &input.code,
                new_password: &input.new_password,
                secret_question_id: input.secret_question_id.as_str(),
                secret_answer: &input.secret_answer,
            },
        )
        .await?;
        guard::security_log(
            ctx,
            Event::PasswordReset,
            result.is_ok(),
            Subject::Number(&input.portal_customer_number),
            "posted_letter",
        );
        ctx.wake_mail();
        Ok(SuccessPayload::from(result))
    }

    /// Ends one of the member's own sessions (e.g. a phone left behind).
    async fn end_session(&self, ctx: &Context<'_>, id: ID) -> GqlResult<SuccessPayload> {
        let who = guard::member(ctx).await?;
        let ended = match id.parse::<i64>() {
            Ok(session_id) => session::end_member_session(ctx.db(), who.id, session_id).await?,
            Err(_) => false,
        };
        guard::security_log(
            ctx,
            Event::SessionEnded,
            ended,
            Subject::Member(who.id),
            "end_session",
        );
        Ok(SuccessPayload::from(if ended {
            Ok(())
        } else {
            Err(vec![AccountError::SessionNotFound])
        }))
    }

    /// Changes the password; other sessions end.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        input: ChangePasswordInput,
    ) -> GqlResult<SuccessPayload> {
        let who = guard::member(ctx).await?;
        let result = settings::change_password(
            ctx.db(),
            ctx.hasher(),
            who,
            &input.current_password,
            &input.new_password,
        )
        .await?;
        guard::security_log(
            ctx,
            Event::PasswordChanged,
            result.is_ok(),
            Subject::Member(who.id),
            "",
        );
        ctx.wake_mail();
        Ok(SuccessPayload::from(result))
    }

    /// Starts an e-mail change: the address changes once the link mailed to
    /// it is used (`confirmEmailChange`).
    async fn change_email(
        &self,
        ctx: &Context<'_>,
        input: ChangeEmailInput,
    ) -> GqlResult<CustomerPayload> {
        let who = guard::member(ctx).await?;
        let result = match Email::parse(&input.email) {
            Err(invalid) => Err(vec![AccountError::Email(invalid)]),
            Ok(email) => {
                settings::request_email_change(
                    ctx.db(),
                    ctx.config(),
                    ctx.hasher(),
                    who,
                    &input.current_password,
                    &email,
                )
                .await?
            }
        };
        guard::security_log(
            ctx,
            Event::EmailChangeRequested,
            result.is_ok(),
            Subject::Member(who.id),
            "",
        );
        ctx.wake_mail();
        Ok(customer_payload(result))
    }

    /// Completes an e-mail change from the link mailed to the new address;
    /// answers only whether it worked (the link's holder needs no session
    /// and learns nothing of the member).
    async fn confirm_email_change(
        &self,
        ctx: &Context<'_>,
        input: ConfirmEmailChangeInput,
    ) -> GqlResult<SuccessPayload> {
        ctx.config()
            .service_hours
            .ensure_open(crate::clock::now())?;
        let result = settings::confirm_email_change(ctx.db(), &input.token).await?;
        guard::security_log(
            ctx,
            Event::EmailChanged,
            result.is_ok(),
            Subject::Unknown,
            "mailed_link",
        );
        ctx.wake_mail();
        Ok(SuccessPayload::from(result))
    }

    async fn update_notification_settings(
        &self,
        ctx: &Context<'_>,
        input: NotificationSettingsInput,
    ) -> GqlResult<UpdateNotificationSettingsPayload> {
        let who = guard::member(ctx).await?;
        let member = settings::update_notifications(
            ctx.db(),
            who,
            input.bill_issued,
            input.notice_published,
            input.new_device,
            input.high_usage,
        )
        .await?;
        Ok(UpdateNotificationSettingsPayload {
            notification_settings: Some(NotificationSettings::of(&member)),
            user_errors: vec![],
        })
    }

    /// The language of the member's mails: 日本語 or English.
    async fn update_language(
        &self,
        ctx: &Context<'_>,
        language: Language,
    ) -> GqlResult<CustomerPayload> {
        let who = guard::member(ctx).await?;
        let member = settings::update_language(ctx.db(), who, language.into()).await?;
        Ok(customer_payload(Ok(member)))
    }

    /// Adds another service location by its portal customer number.
    async fn add_service_location(
        &self,
        ctx: &Context<'_>,
        input: AddServiceLocationInput,
    ) -> GqlResult<AddServiceLocationPayload> {
        let who = guard::member(ctx).await?;
        let result = match PortalCustomerNumber::parse(&input.portal_customer_number) {
            Err(problem) => Err(vec![AccountError::PortalNumber(problem)]),
            Ok(number) => locations::add(ctx.db(), who, &number).await?,
        };
        Ok(match result {
            Ok(location) => AddServiceLocationPayload {
                service_location: Some(ServiceLocation::new(location)),
                user_errors: vec![],
            },
            Err(user_errors) => AddServiceLocationPayload {
                service_location: None,
                user_errors: account_errors(user_errors),
            },
        })
    }

    /// Removes a service location (not the last one).
    async fn remove_service_location(
        &self,
        ctx: &Context<'_>,
        input: RemoveServiceLocationInput,
    ) -> GqlResult<SuccessPayload> {
        let who = guard::member(ctx).await?;
        let id = input.id.parse::<i64>().ok();
        let result =
            locations::remove(ctx.db(), ctx.hasher(), who, id, &input.current_password).await?;
        Ok(SuccessPayload::from(result))
    }

    /// 退会: erases the member's own data and ends every session.
    async fn withdraw(&self, ctx: &Context<'_>, input: WithdrawInput) -> GqlResult<SuccessPayload> {
        let who = guard::member(ctx).await?;
        let result =
            withdrawal::withdraw(ctx.db(), ctx.hasher(), who, &input.current_password).await?;
        guard::security_log(
            ctx,
            Event::Withdrawal,
            result.is_ok(),
            Subject::Member(who.id),
            "",
        );
        if result.is_ok() {
            for cookie in session::clearing_cookies(ctx.config()) {
                ctx.append_http_header("Set-Cookie", cookie);
            }
        }
        ctx.wake_mail();
        Ok(SuccessPayload::from(result))
    }
}

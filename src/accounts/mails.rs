//! The mails of membership, in plain Japanese.

use chrono::{DateTime, Utc};

use crate::graphql::scalars::to_tokyo_rfc3339;
use crate::mail::OutgoingMail;

const SIGNATURE: &str = "\n\n――――――――――――――――――――\n金沢市上下水道局 お客さまサービス\n\
このメールは送信専用です。お心当たりのない場合は、上下水道局までお問い合わせください。\n";

fn mail(to: &str, subject: &str, body: String) -> OutgoingMail {
    OutgoingMail {
        to: to.to_string(),
        subject: format!("【金沢市上下水道局】{subject}"),
        body: format!("{body}{SIGNATURE}"),
    }
}

fn tokyo(at: DateTime<Utc>) -> String {
    let t = to_tokyo_rfc3339(at);
    // 2026-11-24T21:41:33+09:00 → 2026-11-24 21:41
    format!("{} {}", &t[..10], &t[11..16])
}

pub fn registration_link(to: &str, link: &str, expires_at: DateTime<Utc>) -> OutgoingMail {
    mail(
        to,
        "会員仮登録のご案内",
        format!(
            "上下水道ポータルサイトへの会員登録のお申し込みを受け付けました。\n\n\
             次のリンクから、登録手続きを続けてください。\n{link}\n\n\
             このリンクの有効期限は {} までです（1回のみ有効）。",
            tokyo(expires_at)
        ),
    )
}

pub fn already_registered(to: &str) -> OutgoingMail {
    mail(
        to,
        "会員登録のお申し込みについて",
        "上下水道ポータルサイトへの会員登録のお申し込みを受け付けましたが、\
         このメールアドレスは既に会員として登録されています。\n\n\
         ログインIDやパスワードをお忘れの場合は、ログイン画面の\
         「ログインID/パスワードを忘れた方」からお手続きください。"
            .to_string(),
    )
}

pub fn registration_complete(to: &str, login_id: &str, display_name: &str) -> OutgoingMail {
    mail(
        to,
        "会員登録完了のお知らせ",
        format!(
            "{display_name} 様\n\n上下水道ポータルサイトへの会員登録が完了しました。\n\n\
             ログインID: {login_id}\n\n\
             パスワードと秘密の質問の答えは、大切に保管してください。"
        ),
    )
}

pub fn login_id_shown(to: &str, display_name: &str) -> OutgoingMail {
    mail(
        to,
        "ログインIDの確認のお知らせ",
        format!(
            "{display_name} 様\n\n秘密の質問への回答により、ログインIDの確認が行われました。\n\n\
             お心当たりのない場合は、パスワードを変更のうえ、上下水道局までご連絡ください。"
        ),
    )
}

pub fn password_reset(to: &str, display_name: &str) -> OutgoingMail {
    mail(
        to,
        "パスワード再設定完了のお知らせ",
        format!(
            "{display_name} 様\n\n秘密の質問への回答により、パスワードが再設定されました。\n\
             すべての端末でログアウトしています。新しいパスワードでログインしてください。\n\n\
             お心当たりのない場合は、至急上下水道局までご連絡ください。"
        ),
    )
}

pub fn password_reset_confirm(
    to: &str,
    display_name: &str,
    link: &str,
    expires_at: DateTime<Utc>,
) -> OutgoingMail {
    mail(
        to,
        "パスワード再設定の確認",
        format!(
            "{display_name} 様\n\n秘密の質問への回答により、パスワード再設定のお申し込みを受け付けました。\n\
             次のリンクを開くと、新しいパスワードが有効になります（1回限り）。\n{link}\n\n\
             このリンクの有効期限は {} までです。\n\
             お心当たりのない場合は、このメールを破棄し、上下水道局までご連絡ください。\
             パスワードは変わりません。",
            tokyo(expires_at)
        ),
    )
}

pub fn sign_in_locked(
    to: &str,
    display_name: &str,
    link: &str,
    locked_until: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> OutgoingMail {
    mail(
        to,
        "ログインの一時停止のお知らせ",
        format!(
            "{display_name} 様\n\nお客さまのログインIDで、パスワードの誤りが続いたため、\
             {} までログインを停止しました。\n\n\
             ご本人がログインする場合は、次のリンクを開き、パスワードを入力してください。\
             停止中でもログインできます（1回限り、{} まで有効）。\n{link}\n\n\
             お心当たりのない場合は、どなたかがログインを試みた可能性があります。\
             パスワードは知られていません。念のためパスワードの変更をおすすめします。",
            tokyo(locked_until),
            tokyo(expires_at)
        ),
    )
}

pub fn new_device_sign_in(
    to: &str,
    display_name: &str,
    device: &str,
    address: &str,
) -> OutgoingMail {
    mail(
        to,
        "新しい端末からのログインのお知らせ",
        format!(
            "{display_name} 様\n\nこれまでと異なる端末からログインがありました。\n\
             端末: {device}\n接続元: {address}\n\n\
             お心当たりのない場合は、ログイン中の端末の一覧からその端末を終了し、\
             パスワードを変更してください。"
        ),
    )
}

pub fn recovery_locked(
    to: &str,
    display_name: &str,
    until: DateTime<Utc>,
    link: &str,
    expires_at: DateTime<Utc>,
) -> OutgoingMail {
    mail(
        to,
        "秘密の質問の回答ロックのお知らせ",
        format!(
            "{display_name} 様\n\n秘密の質問への回答が続けて誤っていたため、\
             ログインID・パスワードの再発行手続きを {} まで停止しました。\n\n\
             ご本人のお手続きは、次のリンクから停止中でも1回だけ行えます（{} まで有効）。\n{link}\n\n\
             お心当たりのない場合は、上下水道局までご連絡ください。",
            tokyo(until),
            tokyo(expires_at)
        ),
    )
}

pub fn password_changed(to: &str, display_name: &str) -> OutgoingMail {
    mail(
        to,
        "パスワード変更のお知らせ",
        format!(
            "{display_name} 様\n\nパスワードが変更されました。ほかの端末ではログアウトしています。\n\n\
             お心当たりのない場合は、至急上下水道局までご連絡ください。"
        ),
    )
}

pub fn email_change_confirm(
    to: &str,
    display_name: &str,
    link: &str,
    expires_at: DateTime<Utc>,
) -> OutgoingMail {
    mail(
        to,
        "メールアドレス変更の確認",
        format!(
            "{display_name} 様\n\nメールアドレスの変更のお申し込みを受け付けました。\n\
             次のリンクを開くと、このアドレスへの変更が完了します。\n{link}\n\n\
             このリンクの有効期限は {} までです。",
            tokyo(expires_at)
        ),
    )
}

pub fn email_change_requested(to: &str, display_name: &str) -> OutgoingMail {
    mail(
        to,
        "メールアドレス変更のお申し込みについて",
        format!(
            "{display_name} 様\n\nメールアドレスを別のアドレスに変更するお申し込みがありました。\n\
             新しいアドレスで確認が済むと、変更が完了します。\n\n\
             お心当たりのない場合は、パスワードを変更のうえ、上下水道局までご連絡ください。"
        ),
    )
}

pub fn email_changed(to: &str, display_name: &str) -> OutgoingMail {
    mail(
        to,
        "メールアドレス変更完了のお知らせ",
        format!(
            "{display_name} 様\n\nメールアドレスの変更が完了しました。今後のお知らせはこのアドレスにお送りします。"
        ),
    )
}

pub fn withdrawn(to: &str, display_name: &str) -> OutgoingMail {
    mail(
        to,
        "退会手続き完了のお知らせ",
        format!(
            "{display_name} 様\n\n上下水道ポータルサイトの退会手続きが完了しました。\n\
             ご登録の情報は削除しました。これまでのご利用ありがとうございました。\n\n\
             水道のご契約は引き続き有効です。再度ご利用の際は、改めて会員登録をお願いします。"
        ),
    )
}

# メール: 件名（-subject）と本文（-body）。宛名・結び・署名は共通（mail-…）。
# 日時・金額・水量は呼び出し側で整形済みの文字列が入る。

## 共通

mail-subject = 【{ -org }】{ $subject }
mail-salutation = { $name } 様
mail-salutation-anonymous = { -portal }をご利用のお客さま
mail-closing = 今後とも{ -portal }をよろしくお願いいたします。
mail-signature =
    ――――――――――――――――――――
    { -org }
    { -portal }
    お問い合わせ: { -desk }
    電話 { -desk-phone }　受付 { -desk-hours }
    お問い合わせフォーム { -desk-form }
    ※このメールは送信専用のアドレスからお送りしています。ご返信いただいてもお答えできません。
mail-settings-hint = お知らせメールの設定は、{ -portal }の「会員登録情報の照会・変更」から変更できます。
mail-unsolicited = お心当たりのない場合は、お手数ですが{ -desk }までご連絡ください。

## 会員登録

mail-registration-link-subject = 会員仮登録のご案内
mail-registration-link-body =
    { -portal }への会員登録のお申し込みをいただき、ありがとうございます。

    次のリンクを開いて、登録のお手続きを続けてください。
    { $link }

    このリンクは1回だけ使えます。有効期限は { $expires } までです。
mail-already-registered-subject = 会員登録のお申し込みについて
mail-already-registered-body =
    { -portal }への会員登録のお申し込みを受け付けましたが、このメールアドレスはすでに会員として登録されています。

    ログインIDやパスワードをお忘れの場合は、ログイン画面の「ログインID・パスワードをお忘れの方」から、ログインIDの表示またはパスワード再設定のお手続きができます。
mail-registration-complete-subject = 会員登録完了のお知らせ
mail-registration-complete-body =
    { -portal }への会員登録が完了しました。ご登録いただき、ありがとうございます。

    ログインID: { $login_id }

    パスワードと秘密の質問の答えは、ほかの人に知られないよう大切に保管してください。

## ログインID・パスワード

mail-login-id-shown-subject = ログインID表示のお知らせ
mail-login-id-shown-body =
    秘密の質問への回答により、ログインIDが画面に表示されました。

    ご本人のお手続きでない場合は、パスワードを変更のうえ、{ -desk }までご連絡ください。
mail-password-reset-confirm-subject = パスワード再設定の確認
mail-password-reset-confirm-body =
    秘密の質問への回答により、パスワード再設定のお申し込みを受け付けました。

    次のリンクを開くと、新しいパスワードが有効になります（1回だけ使えます）。
    { $link }

    有効期限は { $expires } までです。
    ご本人のお手続きでない場合は、このメールを破棄してください。パスワードは変わりません。
mail-password-reset-subject = パスワード再設定完了のお知らせ
mail-password-reset-body =
    パスワードの再設定が完了しました。
    安全のため、ご利用中のすべての端末からログアウトしました。新しいパスワードでログインしてください。

    ご本人のお手続きでない場合は、至急{ -desk }までご連絡ください。
mail-password-changed-subject = パスワード変更のお知らせ
mail-password-changed-body =
    パスワードを変更しました。
    安全のため、ほかの端末からはログアウトしました。

    ご本人のお手続きでない場合は、至急{ -desk }までご連絡ください。

## ロックと新しい端末

mail-sign-in-locked-subject = ログイン一時停止のお知らせ
mail-sign-in-locked-body =
    お客さまのログインIDで、パスワードの誤りが続いたため、{ $until } までログインを停止しています。

    ご本人がログインする場合は、次のリンクを開いてパスワードを入力してください。停止中でも1回だけログインできます（{ $expires } まで有効）。
    { $link }

    お心当たりのない場合は、どなたかがログインを試みた可能性があります。パスワードは知られていませんが、念のため変更をおすすめします。
mail-recovery-locked-subject = 秘密の質問の回答停止のお知らせ
mail-recovery-locked-body =
    秘密の質問への回答の誤りが続いたため、ログインIDの表示とパスワード再設定のお手続きを { $until } まで停止しています。

    ご本人のお手続きは、次のリンクから停止中でも1回だけ行えます（{ $expires } まで有効）。
    { $link }
mail-new-device-subject = 新しい端末からのログインのお知らせ
mail-new-device-body =
    これまでと異なる端末から、{ -portal }へのログインがありました。

    端末: { $device }
    接続元: { $address }

    お心当たりのない場合は、「ログイン中の端末」からその端末を終了し、パスワードを変更してください。

## メールアドレス

mail-email-change-confirm-subject = メールアドレス変更の確認
mail-email-change-confirm-body =
    メールアドレス変更のお申し込みを受け付けました。

    次のリンクを開くと、このメールアドレスへの変更が完了します。
    { $link }

    有効期限は { $expires } までです。
mail-email-change-requested-subject = メールアドレス変更のお申し込みについて
mail-email-change-requested-body =
    ご登録のメールアドレスを、別のアドレスに変更するお申し込みがありました。
    新しいアドレスで確認が済むと、変更が完了します。

    ご本人のお手続きでない場合は、パスワードを変更のうえ、{ -desk }までご連絡ください。
mail-email-changed-subject = メールアドレス変更完了のお知らせ
mail-email-changed-body =
    メールアドレスの変更が完了しました。今後のお知らせメールは、このアドレスにお送りします。

## 退会

mail-withdrawn-subject = 退会手続き完了のお知らせ
mail-withdrawn-body =
    { -portal }の退会手続きが完了しました。ご登録の情報は削除しました。
    これまでご利用いただき、ありがとうございました。

    水道・下水道のご契約は引き続き有効です。もう一度ご利用になる場合は、改めて会員登録をお願いします。

## 取り込み後のお知らせメール

mail-bill-issued-subject = { $month }分のご請求のお知らせ
mail-bill-issued-body =
    { $month }分の水道料金・下水道使用料のご請求が確定しました。

    お客さま番号: { $customer_number }
    給水場所: { $address }
    ご使用水量: { $usage }
    ご請求金額: { $amount }（うち消費税等 { $tax }）
    { $payment }

    明細は{ -portal }の「料金明細」でご覧いただけます。
mail-bill-due = お支払期限: { $date }
mail-bill-transfer = 口座振替日: { $date }（ご指定の口座から振り替えます）
mail-high-usage-subject = { $month }分のご使用水量が多くなっています
mail-high-usage-body =
    { $month }分のご使用水量が、前年同期や最近の検針よりも大幅に多くなっています。漏水の可能性があります。

    お客さま番号: { $customer_number }
    給水場所: { $address }
    今回のご使用水量: { $usage }
    前年同期のご使用水量: { $last_year }
    最近の検針で最も多かったご使用水量: { $typical }

    次の点をご確認ください。
    { $checks }

    パイロットが回っている場合は、見えないところで水がもれているおそれがあります。{ -org }指定の給水装置工事事業者に修理をご依頼ください。
mail-notice-published-subject = お知らせ: { $title }
mail-notice-published-body =
    { -org }から新しいお知らせがあります。

    { $title }

    { $body }
mail-reset-letter-subject = パスワード再設定のご案内を郵送します
mail-reset-letter-body =
    お問い合わせを受けて、パスワードと秘密の質問の答えを再設定するためのご案内を、給水場所（{ $address }）あてに郵送します。
    届いたご案内に記載のコードは { $expires } まで有効です。
    ご案内を郵送するのは、パスワードと秘密の質問の答えの両方をお忘れになった場合だけです。

    お心当たりのない場合は、至急{ -desk }までご連絡ください。
mail-reset-by-letter-subject = パスワードと秘密の質問の再設定完了のお知らせ
mail-reset-by-letter-body =
    郵送したご案内のコードで、パスワードと秘密の質問の答えを再設定しました。
    安全のため、ご利用中のすべての端末からログアウトしました。新しいパスワードでログインしてください。

    ご本人のお手続きでない場合は、至急{ -desk }までご連絡ください。

# 書類（PDF）と、デモの街のお知らせ。日付・金額・水量は整形済みの文字列が入る。

## 検針のお知らせ

doc-meter-reading-title = 検針のお知らせ（{ $month }分）
doc-meter-reading-body =
    { $name } 様

    お客さま番号: { $customer_number }
    ポータルサイト用お客さま番号: { $portal_number }
    給水場所: { $address }
    検針日: { $read_on }
    今回ご使用水量: { $usage }
    ご請求予定金額: { $amount }
    { $payment }

    { -portal }への会員登録には、ポータルサイト用お客さま番号をお使いください。
    { -org }　お問い合わせ { -desk-phone }
doc-due = お支払期限: { $date }
doc-transfer = 口座振替日: { $date }

## 未納のお知らせ

doc-reminder-title = 未納のお知らせ（{ $month }分）
doc-reminder-body =
    { $name } 様

    お客さま番号: { $customer_number }
    給水場所: { $address }

    { $month }分の水道料金・下水道使用料 { $amount } について、お支払期限（{ $due }）を過ぎてもお支払いが確認できていません。
    お手元の納付書で、お早めにお支払いくださいますようお願いいたします。
    行き違いでお支払いいただいている場合は、ご容赦ください。

    { -org }　お問い合わせ { -desk-phone }

## 料金改定のお知らせ

doc-tariff-title = 水道料金・下水道使用料改定のお知らせ
doc-tariff-body =
    { $name } 様

    お客さま番号: { $customer_number }

    { $effective }以降の検針分から、水道料金と下水道使用料を改定します。
    改定後の一般家庭（メーター口径13〜25mm）の基本料金は、1か月あたり水道 { $water_base }、下水道 { $sewer_base }（いずれも税込）です。
    ポータルサイトの「料金シミュレーション」で、改定後の料金をお試しいただけます。
    改定後の料金表は、{ -org }のホームページと窓口でご覧いただけます。

    { -org }　お問い合わせ { -desk-phone }

## デモの街のお知らせ（全員あて）

demo-notice-tariff-title = 【重要】水道料金・下水道使用料の改定について
demo-notice-tariff-body = { $effective }以降の検針分から、水道料金と下水道使用料を改定します。改定後の料金表は、{ -org }のホームページと窓口でご覧いただけます。ポータルサイトの料金シミュレーションで、改定後の料金をお試しいただけます。
demo-notice-rates-title = 水道料金・下水道使用料の計算方法について
demo-notice-rates-body = 水道料金と下水道使用料は、メーター口径ごとの基本料金と、ご使用水量に応じた従量料金の合計です。ポータルサイトでは、ご請求ごとの内訳をご覧いただけます。
demo-notice-freeze-title = 冬季の水道管凍結にご注意ください
demo-notice-freeze-body = 気温が氷点下になると、水道管が凍結・破裂することがあります。屋外に露出している水道管は、保温材で覆うなどの対策をお願いします。
demo-notice-holidays-title = 年末年始の窓口業務について
demo-notice-holidays-body = 12月29日から1月3日まで、{ -org }の窓口業務はお休みします。漏水などの緊急時は、24時間受け付けています。
demo-notice-maintenance-title = ポータルサイトのメンテナンスのお知らせ
demo-notice-maintenance-body = { $date } 2時から7時まで、システムメンテナンスのため{ -portal }を停止します。ご不便をおかけしますが、ご理解をお願いいたします。
demo-notice-leak-survey-title = 漏水調査を実施します
demo-notice-leak-survey-body = { $from }から{ $to }まで、市内の一部地域で漏水調査を行います。調査員が敷地内に立ち入ることがありますので、ご協力をお願いいたします。
demo-notice-transfer-title = 口座振替のご案内
demo-notice-transfer-body = 水道料金・下水道使用料のお支払いには、便利な口座振替をご利用ください。お申し込みは、金融機関の窓口で受け付けています。
demo-notice-newsletter-title = 上下水道だより（{ $season }号）を発行しました
demo-notice-save-title = 節水にご協力ください
demo-notice-save-body = シャワーや散水の出しっぱなしに気をつけるなど、日頃から節水へのご協力をお願いします。
demo-notice-desk-title = 窓口の受付時間について
demo-notice-desk-body = { -desk }の受付は、{ -desk-hours }です。漏水などの緊急時は、24時間受け付けています。
season-spring = 春
season-summer = 夏
season-autumn = 秋
season-winter = 冬
demo-notice-newsletter-body = 水道水の安全性や下水道の役割について紹介しています。{ -org }の窓口や市内の公共施設でお受け取りいただけます。
demo-notice-disaster-title = 災害時の給水拠点について
demo-notice-disaster-body = 災害で断水したときは、市内の給水拠点で応急給水を行います。お近くの給水拠点をご確認ください。

## デモの街のお知らせ（デモ会員あて、本人のデータから）

demo-notice-usage-title = 前回の検針からのご使用水量について
demo-notice-usage-more = { $address }の{ $month }分のご使用水量は{ $usage }で、前回より{ $difference }増えています。心当たりがない場合は、蛇口やトイレからの漏れがないか、メーターのパイロットが回っていないかをご確認ください。
demo-notice-usage-less = { $address }の{ $month }分のご使用水量は{ $usage }で、前回より{ $difference }少なくなっています。
demo-notice-usage-same = { $address }の{ $month }分のご使用水量は{ $usage }で、前回と同じでした。
demo-notice-overdue-title = 料金のお支払いが確認できていません
demo-notice-overdue-body = { $address }の{ $month }分のご請求（{ $amount }、お支払期限 { $due }）のお支払いが確認できていません。お手元の納付書で、お早めにお支払いください。

## パスワード再設定のご案内（郵送）

letter-reset-title = パスワード再設定のご案内
letter-reset-body =
    { $address }
    { $name } 様

    { $issued }

    { -portal }のパスワードと秘密の質問の答えを再設定するためのご案内です。
    次の再設定コードとポータルサイト用お客さま番号を、{ -portal }の「パスワード再設定（郵送のご案内）」で入力し、新しいパスワードと秘密の質問の答えを設定してください。

    ポータルサイト用お客さま番号: { $portal_number }
    再設定コード: { $code }
    有効期限: { $expires }

    入力先: { $url }
    このコードは1回だけ使えます。ほかの人に見せないでください。
    お心当たりのない場合は、このご案内を破棄し、{ -desk }（{ -desk-phone }）までご連絡ください。

    { -org }

# 画面の言葉: あいさつ、端末名。

greeting-morning = おはようございます
greeting-day = こんにちは
greeting-evening = こんばんは
device-unknown = 不明な端末

## 監査ログ（職員が読む）

audit-view-location = お客さま番号 { $number } で給水場所を照会しました。
audit-view-member = ログインIDで会員を照会しました。
audit-unlock-member = 会員のログインと秘密の質問の停止を解除しました。

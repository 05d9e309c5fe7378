# 画面の言葉: あいさつ、端末名。

greeting-morning = おはようございます
greeting-day = こんにちは
greeting-evening = こんばんは
device-unknown = 不明な端末

## 監査ログ（職員が読む）

audit-view-location = お客さま番号 { $number } で給水場所を照会しました。
audit-view-member = ログインIDで会員を照会しました。
audit-unlock-member = 会員のログインと秘密の質問の停止を解除しました。

## 料金明細の行（請求データに書き込む）

line-water-base = 水道料金 基本料金
line-water-usage = 水道料金 従量料金
line-water-tax = 水道料金 消費税等相当額
line-sewer-base = 下水道使用料 基本使用料
line-sewer-usage = 下水道使用料 従量使用料
line-sewer-tax = 下水道使用料 消費税等相当額
line-water-total = 水道料金（税込）
line-sewer-total = 下水道使用料（税込）

## 退会した会員の表示名（職員が見る）

withdrawn-member-name = 退会済み

## 秘密の質問（最初のマイグレーションが登録する5問）

secret-question-1 = 母親の旧姓は？
secret-question-2 = 初めて飼ったペットの名前は？
secret-question-3 = 出身小学校の名前は？
secret-question-4 = 生まれた町の名前は？
secret-question-5 = 好きな食べ物は？

## 前年同期との比較（画面読み上げにも使う一文）

compare-more = 前年同期より{ $volume }（{ $percent }%）多くなっています。
compare-less = 前年同期より{ $volume }（{ $percent }%）少なくなっています。
compare-same = 前年同期と同じです。
compare-graph = 直近1年のご使用水量は{ $volume }で、{ $comparison }
compare-graph-short = 表示している期間のご使用水量は合計{ $volume }です。
compare-more-plain = 前年同期より{ $volume }多くなっています。
audit-unlink-location = 会員から給水場所の登録を解除しました（理由: { $reason }）。

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

## 料金の内訳・料金シミュレーション

use-household = 一般用
use-business = 業務用
breakdown-summary = { $from }からの料金表で計算しています（メーター口径{ $diameter }mm、{ $use_type }、ご使用水量 { $usage }）。合計 { $total }（税込）です。
breakdown-adjustment = 料金表による計算との差額 { $amount } は、減額などの調整によるものです。
breakdown-water-base = メーター口径{ $diameter }mmの基本料金（1か月 { $monthly } × { $months }か月）
breakdown-sewer-base = 下水道の基本使用料（1か月 { $monthly } × { $months }か月）
breakdown-own-table = { $use_type }の料金表
breakdown-common-table = すべての用途に共通の料金表
breakdown-tier = { $from }〜{ $to }m³（1m³あたり { $price }）
breakdown-tier-open = { $from }m³以上（1m³あたり { $price }）
rebilled-higher = この請求を{ $from }からの料金で計算すると { $amount } で、{ $change } 高くなります。
rebilled-lower = この請求を{ $from }からの料金で計算すると { $amount } で、{ $change } 安くなります。
rebilled-same = この請求を{ $from }からの料金で計算しても { $amount } で、変わりません。

## 使用水量の急増（漏水のおそれ）

leak-check-faucet = 蛇口やシャワーから水がもれていないか
leak-check-toilet = トイレのタンクから便器に水が流れ続けていないか
leak-check-pilot = 家中の蛇口を閉めた状態で、水道メーターのパイロット（銀色のコマ）が回っていないか
usage-alert-reason = { $month }分のご使用水量 { $usage } は、前年同期（{ $last_year }）の{ $times }倍で、最近の検針で最も多かった { $typical } も大きく上回っています。漏水の可能性があります。
audit-issue-reset-letter = パスワード再設定のご案内（郵送）を発行しました（送付先: { $address }）。
audit-download-reset-letter = 郵送用のパスワード再設定のご案内を印刷用に取り出しました。
audit-search-number = お客さま番号で会員・給水場所を検索しました。
audit-search-email = メールアドレスで会員・給水場所を検索しました。
audit-search-text = ログインID・氏名・住所で会員・給水場所を検索しました。

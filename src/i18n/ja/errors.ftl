# エラー: GraphQL の errors[].message と userErrors[].message。
# 用語は GLOSSARY.md に合わせる（お客さま、ポータルサイト用お客さま番号、給水場所…）。

## extensions.code ごとのメッセージ

error-unauthenticated = ログインしてください。
error-forbidden = この操作は許可されていません。
error-not-found-location = 給水場所が見つかりません。
error-not-found-bill = ご請求が見つかりません。
error-not-found-notice = お知らせが見つかりません。
error-not-found-member = 会員が見つかりません。
error-not-found-document = 書類が見つかりません。
error-not-found-question = 秘密の質問が見つかりません。
error-not-found-other = お探しの情報が見つかりません。
error-outside-hours = ただいまの時間はご利用いただけません。ご利用時間は毎日{ $opens }から{ $closes }まで（日本時間）です。
error-outside-hours-overnight = ただいまの時間はご利用いただけません。ご利用時間は毎日{ $opens }から翌日{ $closes }まで（日本時間）です。
error-rate-limited-until = 操作が続いたため、ご利用を一時的に制限しています。{ $until }以降にもう一度お試しください。
error-rate-limited = 操作が続いたため、ご利用を一時的に制限しています。しばらく時間をおいてから、もう一度お試しください。
error-internal = システムエラーが発生しました。しばらく時間をおいてから、もう一度お試しください。解決しない場合は{ -desk }（{ -desk-phone }）までお問い合わせください。

## 不正な引数（BAD_REQUEST）

bad-cursor = after に正しくないカーソルが指定されました。
bad-page-size = first は0から{ $max }までの数で指定してください。
bad-history-months = months は1から{ $max }までの数で指定してください。
bad-portal-number = ポータルサイト用お客さま番号は12桁の数字で入力してください。

## 入力の誤り（userErrors）

user-terms-not-agreed = 利用規約に同意してください。
user-invalid-email = メールアドレスの形式が正しくありません。
user-login-id-length = ログインIDは4文字以上32文字以内で入力してください。
user-login-id-chars = ログインIDに使える文字は、半角英数字と「.」「_」「-」「@」です。
user-portal-number-format = ポータルサイト用お客さま番号は12桁の数字で入力してください。
user-portal-number-check = ポータルサイト用お客さま番号に誤りがあります。検針のお知らせに印字された番号をご確認ください。
user-password-too-short = パスワードは12文字以上で入力してください。
user-password-too-long = パスワードは128文字以内で入力してください。
user-password-too-common = よく使われているパスワードは使えません。別のパスワードを入力してください。
user-password-personal = ログインID、お客さま番号、サイト名を含むパスワードは使えません。
user-display-name-length = お名前は1文字以上50文字以内で入力してください。
user-display-name-chars = お名前に使えない文字が含まれています。
user-secret-question = 秘密の質問を選んでください。
user-secret-answer = 秘密の質問の答えは1文字以上50文字以内で入力してください。
user-registration-link-invalid = 登録用のリンクが無効か、有効期限が切れています。お手数ですが、メールアドレスの登録からもう一度お手続きください。
user-reset-link-invalid = パスワード再設定のリンクが無効か、有効期限が切れています。お手数ですが、もう一度お手続きください。
user-email-link-invalid = 確認用のリンクが無効か、有効期限が切れています。お手数ですが、もう一度お手続きください。
user-login-id-taken = このログインIDはほかのお客さまが使っています。別のログインIDを入力してください。
user-number-unavailable = このポータルサイト用お客さま番号ではご登録いただけません。検針のお知らせに印字された番号をご確認ください。
user-already-linked = この給水場所はすでにご登録いただいています。
user-location-not-found = 給水場所が見つかりません。
user-last-location = 最後の給水場所は登録を解除できません。ご利用をやめる場合は、退会のお手続きをお願いします。
user-wrong-password = 現在のパスワードが正しくありません。
user-same-password = 現在と同じパスワードは、新しいパスワードに設定できません。
user-same-email = 現在ご登録のメールアドレスと同じです。
user-wrong-answer = ポータルサイト用お客さま番号、または秘密の質問の答えが正しくありません。
user-recovery-locked = 秘密の質問への回答が続けて誤っていたため、{ $until }までお手続きいただけません。
user-invalid-credentials = ログインIDまたはパスワードが正しくありません。
user-sign-in-locked = ログインに続けて失敗したため、{ $until }までログインできません。
user-staff-locked = ログインに続けて失敗したため、しばらくログインできません。
user-unlock-invalid = リンクが無効か、パスワードが正しくありません。
user-session-not-found = そのログイン中の端末は見つかりません。
user-member-not-found = 会員が見つかりません。
user-notice-not-found = お知らせが見つかりません。

## HTTP の受付（BAD_REQUEST ほか）

http-not-json-object = リクエストは JSON のオブジェクトで送信してください。
http-extensions-object = extensions はオブジェクトで指定してください。
http-query-string = query は文字列で指定してください。
http-document-id-string = documentId は文字列で指定してください。
http-operation-name-string = operationName は文字列で指定してください。
http-variables-object = variables はオブジェクトで指定してください。
http-extensions-json = extensions は JSON のオブジェクトで指定してください。
http-variables-json = variables は JSON のオブジェクトで指定してください。
http-content-type = Content-Type: application/json（UTF-8）で送信してください。
http-body-timeout = リクエスト本文の受信に時間がかかりすぎました。
http-request-timeout = リクエストの受信に時間がかかりすぎました。
http-batch = 一括リクエスト（バッチ）には対応していません。
http-invalid-json = GraphQL リクエストの JSON が正しくありません。
http-uri-too-long = URL が長すぎます。POST で送信するか、documentId をお使いください。
http-bad-query-string = クエリ文字列が正しくありません。
http-method = GET または POST で送信してください。
http-too-large = リクエストが大きすぎます。
http-not-acceptable = Accept に application/graphql-response+json か application/json を含めてください。
http-query-and-document-id = query と documentId は、どちらか一方だけを指定してください。
http-unknown-document = この documentId の文書は登録されていません。
http-untrusted-document = この文書は受け付けていません。ポータルサイトの画面から操作してください。
http-missing-query = query または documentId を指定してください。
http-get-mutation = GET で送れるのは query だけです。mutation は POST で送信してください。
http-one-hashing-field = パスワードを確かめる操作は、1回のリクエストで1つだけ送信できます。
http-introspection-staff = スキーマの参照は職員だけが利用できます。
http-letter-second-clerk = ご案内を発行した職員は、そのご案内を印刷できません。別の職員が印刷してください。
http-too-costly = クエリのコスト（{ $cost }）が上限（{ $max }）を超えています。取得する件数を減らしてください。
http-page-not-found = ページが見つかりません。
bad-month = 月は YYYY-MM（例: 2026-12）の形で指定してください。
bad-search-query = 検索語は2文字以上100文字以内で入力してください。
user-location-not-linked = この給水場所は、どの会員にも登録されていません。
user-reason-required = 理由を1文字以上200文字以内で入力してください（監査ログに記録します）。
user-simulation-usage = ご使用水量は0から{ $max }m³までの整数で入力してください。
user-simulation-months = 期間は1か月または2か月を選んでください（{ -org }の検針は2か月ごと、大口のお客さまは毎月です）。
user-simulation-diameter = メーター口径は次のいずれかを選んでください: { $sizes }（mm）。
user-simulation-no-tariff = { $first }より前の料金表はありません。{ $first }以降の日付を選んでください。
user-letter-invalid = ご案内のコードまたはポータルサイト用お客さま番号が正しくないか、有効期限が過ぎています。郵送したご案内をご確認ください。
user-letter-member-not-found = 会員が見つかりません。
user-letter-no-address = 郵送先の給水場所が見つかりません（この会員の給水場所を指定してください）。

# 画面の言葉: あいさつ、端末名。

greeting-morning = おはようございます
greeting-day = こんにちは
greeting-evening = こんばんは
device-unknown = 不明な端末

# Words on screens: greetings, device names.

greeting-morning = Good morning
greeting-day = Hello
greeting-evening = Good evening
device-unknown = Unknown device

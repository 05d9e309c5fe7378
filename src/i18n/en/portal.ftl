# Words on screens: greetings, device names.

greeting-morning = Good morning
greeting-day = Hello
greeting-evening = Good evening
device-unknown = Unknown device

## Audit log (read by staff)

audit-view-location = Looked up the service location with customer number { $number }.
audit-view-member = Looked up a member by login ID.
audit-unlock-member = Lifted the member's sign-in and secret-question locks.

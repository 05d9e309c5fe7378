# Words on screens: greetings, device names.

greeting-morning = Good morning
greeting-day = Hello
greeting-evening = Good evening
device-unknown = Unknown device

## Audit log (read by staff)

audit-view-location = Looked up the service location with customer number { $number }.
audit-view-member = Looked up a member by login ID.
audit-unlock-member = Lifted the member's sign-in and secret-question locks.

## Bill lines (written into the billing data)

line-water-base = Water: base charge
line-water-usage = Water: usage charge
line-water-tax = Water: consumption tax
line-sewer-base = Sewerage: base charge
line-sewer-usage = Sewerage: usage charge
line-sewer-tax = Sewerage: consumption tax
line-water-total = Water (tax included)
line-sewer-total = Sewerage (tax included)

## Display name of a withdrawn member (seen by staff)

withdrawn-member-name = Withdrawn

## Secret questions (the five the first migration seeds)

secret-question-1 = What is your mother's maiden name?
secret-question-2 = What was the name of your first pet?
secret-question-3 = Which primary school did you go to?
secret-question-4 = In which town were you born?
secret-question-5 = What is your favourite food?

## Compared with last year (one sentence, also for screen readers)

compare-more = { $volume } ({ $percent }%) more than the same period last year.
compare-less = { $volume } ({ $percent }%) less than the same period last year.
compare-same = The same as the same period last year.
compare-graph = In the latest year you used { $volume }: { $comparison }
compare-graph-short = In the period shown you used { $volume } in all.
compare-more-plain = { $volume } more than the same period last year.
audit-unlink-location = Unlinked the service location from its member (reason: { $reason }).

## Charges explained and simulated

use-household = household
use-business = business
breakdown-summary = Worked out on the tariff in force from { $from } (a { $diameter } mm meter, { $use_type } use, { $usage } used): { $total } in all, tax included.
breakdown-adjustment = The { $amount } difference from the tariff is an adjustment, such as a reduction.
breakdown-water-base = Base charge for a { $diameter } mm meter ({ $monthly } a month × { $months })
breakdown-sewer-base = Sewerage base charge ({ $monthly } a month × { $months })
breakdown-own-table = The { $use_type } table
breakdown-common-table = The table common to every use
breakdown-tier = { $from }–{ $to } m³ ({ $price } per m³)
breakdown-tier-open = { $from } m³ and over ({ $price } per m³)
rebilled-higher = On the tariff from { $from } this bill would come to { $amount }, { $change } more.
rebilled-lower = On the tariff from { $from } this bill would come to { $amount }, { $change } less.
rebilled-same = On the tariff from { $from } this bill would come to { $amount }, the same.

## High usage (a possible leak)

leak-check-faucet = whether a tap or shower is dripping
leak-check-toilet = whether water keeps running from the toilet cistern into the bowl
leak-check-pilot = with every tap closed, whether the pilot (the small silver wheel) on the water meter turns
usage-alert-reason = Your use of { $usage } in { $month } is { $times } times the same period last year ({ $last_year }) and well above the highest of your recent readings ({ $typical }). There may be a leak.
audit-issue-reset-letter = Issued a password-reset letter (posted to { $address }).
audit-download-reset-letter = Downloaded a password-reset letter to print.
audit-search-number = Searched members and locations by a customer number.
audit-search-email = Searched members and locations by an e-mail address.
audit-search-text = Searched members and locations by a login ID, name or address.

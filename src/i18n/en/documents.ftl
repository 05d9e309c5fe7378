# Documents (PDF), and the demo city's notices. Dates, money and volumes
# arrive formatted.

## Meter-reading slip

doc-meter-reading-title = Meter reading for { $month }
doc-meter-reading-body =
    Dear { $name },

    Customer number: { $customer_number }
    Portal customer number: { $portal_number }
    Service location: { $address }
    Read on: { $read_on }
    Water used: { $usage }
    Amount to be billed: { $amount }
    { $payment }

    Register with the { -portal } using the portal customer number.
    { -org }, phone { -desk-phone }
doc-due = Due date: { $date }
doc-transfer = Account transfer on: { $date }

## Payment reminder

doc-reminder-title = Payment reminder for { $month }
doc-reminder-body =
    Dear { $name },

    Customer number: { $customer_number }
    Service location: { $address }

    We have not yet received payment of { $amount } for { $month }, due on { $due }.
    Please pay soon with the payment slip you received.
    If you have already paid, please disregard this reminder.

    { -org }, phone { -desk-phone }

## Tariff change

doc-tariff-title = Change of water and sewerage charges
doc-tariff-body =
    Dear { $name },

    Customer number: { $customer_number }

    Water and sewerage charges change for meter readings from { $effective }.
    From then a household (13–25 mm meter) pays a base charge of { $water_base } for water and { $sewer_base } for sewerage a month, tax included.
    The portal's charge simulation shows what your bills come to on the new tariff.
    The new tariff is on the { -org }'s website and at its counters.

    { -org }, phone { -desk-phone }

## The demo city's notices (to everyone)

demo-notice-tariff-title = Important: water and sewerage charges are changing
demo-notice-tariff-body = Charges change for meter readings from { $effective }. The new tariff is on the { -org }'s website and at its counters; the portal's charge simulation shows what your bills come to on it.
demo-notice-rates-title = How water and sewerage charges are worked out
demo-notice-rates-body = Your charges are a base charge set by the meter's diameter plus a charge for the water used. The portal shows each bill line by line.
demo-notice-freeze-title = Protect your pipes from freezing this winter
demo-notice-freeze-body = Below zero, water pipes can freeze and burst. Please wrap exposed outdoor pipes with insulation.
demo-notice-holidays-title = Counters over the New Year
demo-notice-holidays-body = The { -org }'s counters are closed from 29 December to 3 January. Leaks and other emergencies are taken 24 hours a day.
demo-notice-maintenance-title = Portal maintenance
demo-notice-maintenance-body = On { $date }, from 2:00 to 7:00, the { -portal } is stopped for maintenance. We apologise for the inconvenience.
demo-notice-leak-survey-title = Leak survey
demo-notice-leak-survey-body = From { $from } to { $to } we survey parts of the city for leaks. Surveyors may need to enter your premises; thank you for your help.
demo-notice-transfer-title = Pay by account transfer
demo-notice-transfer-body = Pay your water and sewerage charges conveniently by account transfer; apply at your bank's counter.
demo-notice-newsletter-title = The { $season } newsletter is out
demo-notice-save-title = Please help save water
demo-notice-save-body = Please help by not leaving showers or garden hoses running.
demo-notice-desk-title = Opening hours of our counters
demo-notice-desk-body = The { -desk } is open { -desk-hours }. Leaks and other emergencies are taken 24 hours a day.
season-spring = spring
season-summer = summer
season-autumn = autumn
season-winter = winter
demo-notice-newsletter-body = It explains how safe tap water is and what sewerage does. Pick it up at the { -org }'s counters or public buildings in the city.
demo-notice-disaster-title = Emergency water points
demo-notice-disaster-body = If a disaster cuts off the water, emergency water is handed out at water points across the city. Please find the one near you.

## The demo city's notices (to the demo member, from their own data)

demo-notice-usage-title = Your water use since the last reading
demo-notice-usage-more = { $address } used { $usage } for { $month }, { $difference } more than last time. If you cannot explain it, check taps and toilets for leaks and whether the meter's pilot is turning.
demo-notice-usage-less = { $address } used { $usage } for { $month }, { $difference } less than last time.
demo-notice-usage-same = { $address } used { $usage } for { $month }, the same as last time.
demo-notice-overdue-title = We have not received your payment
demo-notice-overdue-body = We have not received payment for { $address }, { $month } ({ $amount }, due { $due }). Please pay soon with the payment slip you received.

## Password-reset letter (posted)

letter-reset-title = Resetting your password
letter-reset-body =
    { $address }
    { $name }

    { $issued }

    With this letter you can set a new password and secret answer for the { -portal }.
    Enter the reset code and the portal customer number below under "Reset by letter" on the { -portal }, then choose a new password and secret answer.

    Portal customer number: { $portal_number }
    Reset code: { $code }
    Valid until: { $expires }

    Where: { $url }
    The code works once. Do not show it to anyone.
    If you did not ask for this, destroy this letter and call the { -desk } ({ -desk-phone }).

    { -org }

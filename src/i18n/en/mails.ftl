# Mails: subject (-subject) and body (-body). Salutation, closing and
# signature are shared (mail-…). Dates, money and volumes arrive formatted.

## Shared

mail-subject = [{ -org }] { $subject }
mail-salutation = Dear { $name },
mail-salutation-anonymous = Dear customer,
mail-closing = Thank you for using the { -portal }.
mail-signature =
    --------------------
    { -org }
    { -portal }
    Contact: { -desk }
    Phone { -desk-phone }, { -desk-hours }
    Contact form { -desk-form }
    This mail was sent from an address that cannot receive replies.
mail-settings-hint = You can change which mails you receive under "Account settings" on the { -portal }.
mail-unsolicited = If you did not ask for this, please contact the { -desk }.

## Registration

mail-registration-link-subject = Complete your registration
mail-registration-link-body =
    Thank you for registering with the { -portal }.

    Open this link to continue your registration:
    { $link }

    The link works once and expires at { $expires }.
mail-already-registered-subject = About your registration
mail-already-registered-body =
    We received a registration for the { -portal }, but this e-mail address is already registered.

    If you have forgotten your login ID or password, use "Forgot your login ID or password?" on the sign-in screen to show your login ID or reset your password.
mail-registration-complete-subject = Your registration is complete
mail-registration-complete-body =
    Your registration with the { -portal } is complete. Thank you for registering.

    Login ID: { $login_id }

    Please keep your password and secret answer to yourself.

## Login ID and password

mail-login-id-shown-subject = Your login ID was shown
mail-login-id-shown-body =
    Your login ID was shown on screen after your secret question was answered.

    If this was not you, please change your password and contact the { -desk }.
mail-password-reset-confirm-subject = Confirm your password reset
mail-password-reset-confirm-body =
    We received a password reset, confirmed by your secret answer.

    Open this link to make the new password take effect (it works once):
    { $link }

    It expires at { $expires }.
    If this was not you, delete this mail. Your password stays as it is.
mail-password-reset-subject = Your password was reset
mail-password-reset-body =
    Your password has been reset.
    For your safety, every device you were signed in on has been signed out. Please sign in with the new password.

    If this was not you, contact the { -desk } at once.
mail-password-changed-subject = Your password was changed
mail-password-changed-body =
    Your password has been changed.
    For your safety, your other devices have been signed out.

    If this was not you, contact the { -desk } at once.

## Locks and new devices

mail-sign-in-locked-subject = Sign-in paused
mail-sign-in-locked-body =
    The password for your login ID was wrong several times in a row, so sign-in is paused until { $until }.

    To sign in yourself, open this link and enter your password. It works once, even while sign-in is paused (until { $expires }):
    { $link }

    If this was not you, someone may have tried to sign in. They do not know your password, but we suggest changing it.
mail-recovery-locked-subject = Secret-question answers paused
mail-recovery-locked-body =
    The secret answer was wrong several times in a row, so showing your login ID and resetting your password are paused until { $until }.

    You can still do it once from this link (until { $expires }):
    { $link }
mail-new-device-subject = Sign-in from a new device
mail-new-device-body =
    Someone signed in to the { -portal } from a device not used before.

    Device: { $device }
    From: { $address }

    If this was not you, end that device under "Signed-in devices" and change your password.

## E-mail address

mail-email-change-confirm-subject = Confirm your new e-mail address
mail-email-change-confirm-body =
    We received a request to change your e-mail address.

    Open this link to finish changing it to this address:
    { $link }

    It expires at { $expires }.
mail-email-change-requested-subject = About changing your e-mail address
mail-email-change-requested-body =
    Someone asked to change your registered e-mail address to another one.
    The change is made once the new address is confirmed.

    If this was not you, please change your password and contact the { -desk }.
mail-email-changed-subject = Your e-mail address was changed
mail-email-changed-body =
    Your e-mail address has been changed. We will send our mails to this address from now on.

## Withdrawal

mail-withdrawn-subject = You have withdrawn
mail-withdrawn-body =
    You have withdrawn from the { -portal }, and your registration data has been deleted.
    Thank you for using the portal.

    Your water and sewerage contract stays in force. To use the portal again, please register again.

## Mails after an import

mail-bill-issued-subject = Your bill for { $month }
mail-bill-issued-body =
    Your water and sewerage bill for { $month } is ready.

    Customer number: { $customer_number }
    Service location: { $address }
    Water used: { $usage }
    Amount: { $amount } (including { $tax } consumption tax)
    { $payment }

    See the details under "Bills" on the { -portal }.
mail-bill-due = Due date: { $date }
mail-bill-transfer = Account transfer on: { $date } (from your registered bank account)
mail-high-usage-subject = High water use in { $month }
mail-high-usage-body =
    Your water use for { $month } is well above the same period last year and your recent readings. There may be a leak.

    Customer number: { $customer_number }
    Service address: { $address }
    Used this period: { $usage }
    Same period last year: { $last_year }
    Highest of recent readings: { $typical }

    Please check:
    { $checks }

    If the pilot turns, water may be leaking where you cannot see it. Ask a plumber designated by the { -org } to repair it.
mail-notice-published-subject = Notice: { $title }
mail-notice-published-body =
    There is a new notice from the { -org }.

    { $title }

    { $body }
mail-reset-letter-subject = A password-reset letter is on its way
mail-reset-letter-body =
    As you asked, we are posting a letter to your service address ({ $address }) with which you can set a new password and secret answer.
    The code in the letter works until { $expires }.
    We post such letters only when both the password and the secret answer are forgotten.

    If you did not ask for this, please call the { -desk } at once.
mail-reset-by-letter-subject = Your password and secret answer were reset
mail-reset-by-letter-body =
    The code in the letter we posted was used to set a new password and secret answer.
    For your safety, every device has been signed out. Please sign in with the new password.

    If this was not you, please call the { -desk } at once.

# Errors: GraphQL errors[].message and userErrors[].message.

## One message per extensions.code

error-unauthenticated = Please sign in.
error-forbidden = You are not allowed to do this.
error-not-found-location = The service location was not found.
error-not-found-bill = The bill was not found.
error-not-found-notice = The notice was not found.
error-not-found-member = The member was not found.
error-not-found-document = The document was not found.
error-not-found-question = The secret question was not found.
error-not-found-other = What you are looking for was not found.
error-outside-hours = The portal is closed now. It is open every day from { $opens } to { $closes } (Japan time).
error-outside-hours-overnight = The portal is closed now. It is open every day from { $opens } until { $closes } the next morning (Japan time).
error-rate-limited-until = Too many attempts: this is paused for now. Please try again after { $until }.
error-rate-limited = Too many attempts: this is paused for now. Please wait a while and try again.
error-internal = Something went wrong on our side. Please try again later. If it keeps happening, call the { -desk } ({ -desk-phone }).

## Bad arguments (BAD_REQUEST)

bad-cursor = The cursor given as "after" is not valid.
bad-page-size = "first" must be a number from 0 to { $max }.
bad-history-months = "months" must be a number from 1 to { $max }.
bad-portal-number = Enter the 12-digit portal customer number.

## Input errors (userErrors)

user-terms-not-agreed = Please agree to the terms of use.
user-invalid-email = This e-mail address is not valid.
user-login-id-length = A login ID has 4 to 32 characters.
user-login-id-chars = A login ID may use letters, digits and . _ - @ only.
user-portal-number-format = Enter the 12-digit portal customer number.
user-portal-number-check = This portal customer number has a typo. Please check the number printed on your meter-reading slip.
user-password-too-short = A password needs at least 12 characters.
user-password-too-long = A password may have at most 128 characters.
user-password-too-common = This password is too common. Please choose another.
user-password-personal = A password may not contain your login ID, your customer numbers or the site's name.
user-display-name-length = A name has 1 to 50 characters.
user-display-name-chars = The name contains characters that cannot be used.
user-secret-question = Please choose a secret question.
user-secret-answer = The secret answer has 1 to 50 characters.
user-registration-link-invalid = This registration link is not valid or has expired. Please start again by entering your e-mail address.
user-reset-link-invalid = This password-reset link is not valid or has expired. Please start again.
user-email-link-invalid = This confirmation link is not valid or has expired. Please start again.
user-login-id-taken = This login ID is in use by another customer. Please choose another.
user-number-unavailable = This portal customer number cannot be registered. Please check the number printed on your meter-reading slip.
user-already-linked = This service location is already on your account.
user-location-not-found = The service location was not found.
user-last-location = Your last service location cannot be removed. To stop using the portal, please withdraw your membership.
user-wrong-password = The current password is not correct.
user-same-password = The new password must differ from the current one.
user-same-email = This is the e-mail address already registered.
user-wrong-answer = The portal customer number or the secret answer is not correct.
user-recovery-locked = The secret answer was wrong several times in a row, so this is paused until { $until }.
user-invalid-credentials = The login ID or the password is not correct.
user-sign-in-locked = Sign-in failed several times in a row, so it is paused until { $until }.
user-staff-locked = Sign-in failed several times in a row, so it is paused for a while.
user-unlock-invalid = The link is not valid or the password is not correct.
user-session-not-found = That signed-in device was not found.
user-member-not-found = The member was not found.
user-notice-not-found = The notice was not found.

## HTTP edge (BAD_REQUEST and others)

http-not-json-object = Send the request as a JSON object.
http-extensions-object = "extensions" must be an object.
http-query-string = "query" must be a string.
http-document-id-string = "documentId" must be a string.
http-operation-name-string = "operationName" must be a string.
http-variables-object = "variables" must be an object.
http-extensions-json = "extensions" must be a JSON object.
http-variables-json = "variables" must be a JSON object.
http-content-type = Send it with Content-Type: application/json (UTF-8).
http-body-timeout = The request body took too long to arrive.
http-request-timeout = The request took too long to arrive.
http-batch = Batched requests are not supported.
http-invalid-json = The GraphQL request is not valid JSON.
http-uri-too-long = The URL is too long. Send it by POST or use a documentId.
http-bad-query-string = The query string is not valid.
http-method = Send it by GET or POST.
http-too-large = The request is too large.
http-not-acceptable = Accept must include application/graphql-response+json or application/json.
http-query-and-document-id = Give either "query" or "documentId", not both.
http-unknown-document = No document is registered under this documentId.
http-untrusted-document = This document is not accepted. Please use the portal's own screens.
http-missing-query = Give "query" or "documentId".
http-get-mutation = Only queries may be sent by GET; send a mutation by POST.
http-one-hashing-field = Only one operation that checks a password may be sent per request.
http-introspection-staff = Only staff may read the schema.
http-letter-second-clerk = The clerk who issued a letter cannot print it; another clerk must.
http-too-costly = The query costs { $cost }, over the limit of { $max }. Ask for fewer items.
http-page-not-found = Page not found.
bad-month = Give a month as YYYY-MM (e.g. 2026-12).
bad-search-query = Search for 2 to 100 characters.
user-location-not-linked = This service location is not on any member's account.
user-reason-required = Give a reason of 1 to 200 characters (it is written to the audit log).
user-simulation-usage = Enter a usage of 0 to { $max } m³, in whole cubic metres.
user-simulation-months = Choose one or two months (the { -org } reads meters every two months, large users every month).
user-simulation-diameter = Choose a meter diameter of { $sizes } (mm).
user-simulation-no-tariff = There is no tariff before { $first }; choose a day on or after it.
user-letter-invalid = The letter's code or the portal customer number is wrong, or the code has expired. Please check the letter we posted.
user-letter-member-not-found = No such member.
user-letter-no-address = There is no service location to post it to (give one of this member's locations).

//! Values parsed once at the edge: whatever a member typed (full-width
//! digits, stray spaces) becomes a normalised value or a clear refusal.

use unicode_normalization::UnicodeNormalization;

/// NFKC-normalises and trims what a member typed (full-width letters and
/// digits become ASCII).
pub fn normalise(raw: &str) -> String {
    raw.nfkc().collect::<String>().trim().to_string()
}

/// A member's login ID: 4 to 32 ASCII letters, digits or `. _ - @`, kept in
/// lower case, so IDs are unique and typed without regard to case (`DEMO`
/// is `demo`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LoginId(String);

impl LoginId {
    pub const MIN: usize = 4;
    pub const MAX: usize = 32;

    pub fn parse(raw: &str) -> Result<Self, LoginIdProblem> {
        let id = normalise(raw);
        let len = id.chars().count();
        if !(Self::MIN..=Self::MAX).contains(&len) {
            return Err(LoginIdProblem::Length);
        }
        if !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
        {
            return Err(LoginIdProblem::Characters);
        }
        Ok(Self(id.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Keeps the digits of a number a member typed with spaces or hyphens
/// (`1234-5678 9012`, full-width included); None if anything else is there.
fn digits_only(raw: &str) -> Option<String> {
    let mut digits = String::new();
    for c in normalise(raw).chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '\u{2212}' | '\u{30FC}' => {}
            _ => return None,
        }
    }
    Some(digits)
}

/// The Luhn check digit of `body` (ASCII digits).
fn luhn_digit(body: &str) -> u32 {
    let sum: u32 = body
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// お客さま番号: the billing system's 10-digit contract number.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CustomerNumber(String);

impl CustomerNumber {
    pub fn parse(raw: &str) -> Result<Self, NumberProblem> {
        match digits_only(raw) {
            Some(d) if d.len() == 10 => Ok(Self(d)),
            _ => Err(NumberProblem::Format),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// ポータルサイト用お客さま番号: 12 digits printed on the meter-reading slip,
/// the last a check digit (Luhn) that catches a mistyped digit.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PortalCustomerNumber(String);

impl PortalCustomerNumber {
    pub fn parse(raw: &str) -> Result<Self, NumberProblem> {
        match digits_only(raw) {
            Some(d) if d.len() == 12 => {
                let (body, check) = d.split_at(11);
                if check.chars().next().and_then(|c| c.to_digit(10)) == Some(luhn_digit(body)) {
                    Ok(Self(d))
                } else {
                    Err(NumberProblem::CheckDigit)
                }
            }
            _ => Err(NumberProblem::Format),
        }
    }

    /// The number whose first 11 digits are `body` (for issuing numbers).
    pub fn from_body(body: u64) -> Self {
        let body = format!("{:011}", body % 100_000_000_000);
        let check = luhn_digit(&body);
        Self(format!("{body}{check}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address: trimmed, NFKC (a full-width `＠` becomes `@`), the
/// domain lower-cased; refused unless it looks deliverable.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, InvalidEmail> {
        const BAD: InvalidEmail = InvalidEmail;
        let raw = normalise(raw);
        let (local, domain) = raw.rsplit_once('@').ok_or(BAD)?;
        let domain = domain.to_ascii_lowercase();
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c))
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        let domain_ok = domain.len() <= 253
            && domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            });
        if !(local_ok && domain_ok) || raw.len() > 254 {
            return Err(BAD);
        }
        Ok(Self(format!("{local}@{domain}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A member's name as shown on the portal: 1 to 50 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, NameProblem> {
        let name = normalise(raw);
        let len = name.chars().count();
        if len == 0 || len > 50 {
            return Err(NameProblem::Length);
        }
        if name.chars().any(|c| c.is_control() || is_invisible(c)) {
            return Err(NameProblem::Characters);
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Characters that change how text around them is shown without showing
/// themselves: bidirectional controls (a name could reverse what a clerk
/// reads after it), zero-width characters and line or paragraph
/// separators.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// Version of [`normalise_secret_answer`]; stored beside each answer hash
/// so a future change of the rules can tell old hashes apart.
pub const SECRET_ANSWER_NORMALISATION: i16 = 1;

/// What a secret answer is compared as: NFKC (half-width kana and
/// full-width letters become standard), case-folded, katakana as hiragana,
/// spaces removed, long-vowel marks and dashes unified. ヤマダ, やまだ and
/// ﾔﾏﾀﾞ give the same; so do ＹＡＭＡＤＡ and yamada.
pub fn normalise_secret_answer(raw: &str) -> String {
    raw.nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            // Katakana ァ..ヶ sit 0x60 above their hiragana.
            '\u{30A1}'..='\u{30F6}' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
            | '\u{2212}' | '\u{FF70}' | '\u{301C}' | '\u{FF5E}' | '~' => '\u{30FC}',
            other => other,
        })
        .collect()
}

/// What the support desk searches names and addresses as: folded like a
/// secret answer ([`normalise_secret_answer`]), so ヤマダ, やまだ, ﾔﾏﾀﾞ and
/// "や ま だ" all find 山田's shop's kana, and ５丁目 finds 5丁目.
pub fn fold_for_search(raw: &str) -> String {
    normalise_secret_answer(raw)
}

/// A location's searchable text: its holder's name and its address.
pub fn location_search_text(holder_name: &str, address: &str) -> String {
    format!(
        "{}\u{1F}{}",
        fold_for_search(holder_name),
        fold_for_search(address)
    )
}

/// Why a login ID was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LoginIdProblem {
    #[error("a login ID has 4 to 32 characters")]
    Length,
    #[error("a login ID may use letters, digits and . _ - @ only")]
    Characters,
}

/// Why a (portal) customer number was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NumberProblem {
    /// Not the right count of digits.
    #[error("not the right number of digits")]
    Format,
    /// The right count, but the check digit does not match: a typo.
    #[error("the check digit does not match")]
    CheckDigit,
}

/// An address that does not look deliverable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a valid e-mail address")]
pub struct InvalidEmail;

/// Why a display name was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameProblem {
    #[error("a name has 1 to 50 characters")]
    Length,
    #[error("the name has control or invisible characters")]
    Characters,
}

/// Why a new password was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("a password needs at least 12 characters")]
    TooShort,
    #[error("a password may have at most 128 characters")]
    TooLong,
    #[error("the password is too common")]
    Common,
    #[error("the password contains the login ID, a customer number or the site's name")]
    ContainsPersonal,
}

/// Widely used passwords (the first 1,000 of zxcvbn's list, MIT, and every
/// one of 12 characters or more from its 30,000).
const COMMON_PASSWORDS: &str = include_str!("accounts/common-passwords.txt");

/// Words of the portal's own name a password may not contain.
const PORTAL_WORDS: &[&str] = &[
    "kanazawa",
    "金沢",
    "かなざわ",
    "suido",
    "すいどう",
    "水道",
    "portal",
    "ポータル",
];

/// A new password that meets the rules (NIST SP 800-63B, OWASP ASVS): 12 to
/// 128 characters of any kind, not a common one, not containing the login
/// ID, a customer number or the portal's name. NFKC-normalised, never
/// case-folded or truncated.
#[derive(Clone)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl NewPassword {
    /// Checks `raw` against the rules; `personal` are the login ID and
    /// customer numbers it must not contain.
    pub fn parse(raw: &str, personal: &[&str]) -> Result<Self, PasswordProblem> {
        let password: String = raw.nfkc().collect();
        let len = password.chars().count();
        if len < 12 {
            return Err(PasswordProblem::TooShort);
        }
        if len > 128 {
            return Err(PasswordProblem::TooLong);
        }
        let lower = password.to_lowercase();
        if COMMON_PASSWORDS.lines().any(|common| common == lower) {
            return Err(PasswordProblem::Common);
        }
        let personal = personal
            .iter()
            .map(|p| p.to_lowercase())
            .filter(|p| p.chars().count() >= 3);
        let portal = PORTAL_WORDS.iter().map(|w| w.to_string());
        if personal.chain(portal).any(|word| lower.contains(&word)) {
            return Err(PasswordProblem::ContainsPersonal);
        }
        Ok(Self(password))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// An amount of money in whole yen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Yen(pub i64);

/// Grouped by thousands, as amounts are printed: `10,296`.
impl std::fmt::Display for Yen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::i18n::format::grouped(self.0))
    }
}

impl std::ops::Add for Yen {
    type Output = Yen;
    fn add(self, rhs: Yen) -> Yen {
        Yen(self.0 + rhs.0)
    }
}

impl std::ops::Sub for Yen {
    type Output = Yen;
    fn sub(self, other: Yen) -> Yen {
        Yen(self.0 - other.0)
    }
}

impl std::iter::Sum for Yen {
    fn sum<I: Iterator<Item = Yen>>(iter: I) -> Yen {
        Yen(iter.map(|y| y.0).sum())
    }
}

/// A billing month, `YYYY-MM` (e.g. 2026-12 for the bill read in
/// December 2026).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BillingMonth {
    year: i32,
    month: u32,
}

/// Not a `YYYY-MM` month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected a month as YYYY-MM")]
pub struct InvalidMonth;

impl BillingMonth {
    pub fn parse(raw: &str) -> Result<Self, InvalidMonth> {
        let (y, m) = raw.trim().split_once('-').ok_or(InvalidMonth)?;
        let ok = y.len() == 4 && m.len() == 2;
        let year = y.parse::<i32>().map_err(|_| InvalidMonth)?;
        let month = m.parse::<u32>().map_err(|_| InvalidMonth)?;
        if !ok || !(1..=12).contains(&month) {
            return Err(InvalidMonth);
        }
        Ok(Self { year, month })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// 1 to 12.
    pub fn month(self) -> u32 {
        self.month
    }

    /// Months since year 0, for window arithmetic.
    pub fn index(self) -> i32 {
        self.year * 12 + self.month as i32 - 1
    }

    /// The month `index` months after year 0's January.
    pub fn from_index(index: i32) -> Self {
        Self {
            year: index.div_euclid(12),
            month: (index.rem_euclid(12) + 1) as u32,
        }
    }
}

impl std::fmt::Display for BillingMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A volume of water in whole cubic metres.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct CubicMeters(pub i32);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn billing_months_are_year_and_month() {
        let m = BillingMonth::parse("2026-12").expect("valid");
        assert_eq!((m.year(), m.month()), (2026, 12));
        assert_eq!(m.to_string(), "2026-12");
        for bad in ["2026-13", "2026-1", "26-12", "2026/12", ""] {
            assert!(BillingMonth::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_login_id_typed_in_full_width_is_read_as_ascii() {
        let id = LoginId::parse(" ｄｅｍｏ１２ ").expect("valid");
        assert_eq!(id.as_str(), "demo12");
    }

    #[test]
    fn portal_customer_numbers_carry_a_check_digit() {
        let issued = PortalCustomerNumber::from_body(12_345_678_901);
        assert_eq!(issued.as_str(), "123456789015");
        let typed = PortalCustomerNumber::parse("１２３４－５６７８ ９０１５").expect("valid");
        assert_eq!(typed, issued);
        assert!(PortalCustomerNumber::parse("123456789016").is_err());
        assert!(PortalCustomerNumber::parse("12345").is_err());
        assert!(CustomerNumber::parse("31-0000-0001").is_ok());
        assert!(CustomerNumber::parse("abc").is_err());
    }

    #[test]
    fn secret_answers_match_across_kana_width_and_case() {
        let kana = normalise_secret_answer("ヤマダ");
        assert_eq!(normalise_secret_answer("やまだ"), kana);
        assert_eq!(normalise_secret_answer("ﾔﾏﾀﾞ"), kana);
        assert_eq!(normalise_secret_answer(" や ま だ "), kana);
        assert_eq!(
            normalise_secret_answer("ＹＡＭＡＤＡ"),
            normalise_secret_answer("yamada")
        );
        assert_eq!(
            normalise_secret_answer("ラーメン"),
            normalise_secret_answer("らｰめん")
        );
        assert_eq!(
            normalise_secret_answer("ラ-メン"),
            normalise_secret_answer("ら〜めん")
        );
        assert_ne!(
            normalise_secret_answer("やまだ"),
            normalise_secret_answer("やまた")
        );
    }

    #[test]
    fn passwords_follow_the_length_list_and_personal_rules() {
        let ok = NewPassword::parse("correct horse battery staple", &["demo"]).expect("fine");
        assert_eq!(ok.as_str(), "correct horse battery staple");
        assert_eq!(
            NewPassword::parse("short", &[]).err(),
            Some(PasswordProblem::TooShort)
        );
        assert_eq!(
            NewPassword::parse(&"あ".repeat(129), &[]).err(),
            Some(PasswordProblem::TooLong)
        );
        assert_eq!(
            NewPassword::parse("123qweasdzxc", &[]).err(),
            Some(PasswordProblem::Common)
        );
        assert_eq!(
            NewPassword::parse("QWERTYUIOP123", &[]).err(),
            Some(PasswordProblem::Common)
        );
        assert_eq!(
            NewPassword::parse("my-login-yamada-2024", &["yamada"]).err(),
            Some(PasswordProblem::ContainsPersonal)
        );
        assert_eq!(
            NewPassword::parse("water200158386223x", &["200158386223"]).err(),
            Some(PasswordProblem::ContainsPersonal)
        );
        assert_eq!(
            NewPassword::parse("I love Kanazawa city", &[]).err(),
            Some(PasswordProblem::ContainsPersonal)
        );
        // Any script, full-width normalised, never truncated or case-folded.
        let jp = NewPassword::parse("ひみつのあいことば１２３", &[]).expect("fine");
        assert_eq!(jp.as_str(), "ひみつのあいことば123");
        assert!(NewPassword::parse(&"x1".repeat(64), &[]).is_ok());
        assert!(COMMON_PASSWORDS.lines().count() >= 1000);
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse(" Taro@Example.JP ").expect("ok").as_str(),
            "Taro@example.jp"
        );
        assert_eq!(
            Email::parse("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ")
                .expect("ok")
                .as_str(),
            "taro@example.jp"
        );
        for bad in [
            "",
            "taro",
            "taro@",
            "@example.jp",
            "taro@example",
            "ta ro@example.jp",
            "taro..x@example.jp",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn yen_amounts_are_grouped_by_thousands() {
        assert_eq!(Yen(10_296).to_string(), "10,296");
        assert_eq!(Yen(999).to_string(), "999");
        assert_eq!(Yen(1_234_567).to_string(), "1,234,567");
        assert_eq!(Yen(-1_500).to_string(), "-1,500");
    }

    #[test]
    fn display_names_refuse_invisible_and_direction_changing_characters() {
        assert!(DisplayName::parse("金沢 太郎").is_ok());
        for bad in [
            "金沢\u{202E}郎太",
            "金\u{200B}沢",
            "金沢\u{2028}太郎",
            "\u{2066}x",
            "a\u{FEFF}",
        ] {
            assert!(DisplayName::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_login_id_out_of_bounds_or_with_other_characters_is_refused() {
        assert!(LoginId::parse("abc").is_err());
        assert!(LoginId::parse(&"a".repeat(33)).is_err());
        assert!(LoginId::parse("山田太郎です").is_err());
        assert!(LoginId::parse("demo user").is_err());
    }
}

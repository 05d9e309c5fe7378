//! Values parsed once at the edge: whatever a member typed (full-width
//! digits, stray spaces) becomes a normalised value or a clear refusal.

use unicode_normalization::UnicodeNormalization;

/// NFKC-normalises and trims what a member typed (full-width letters and
/// digits become ASCII).
pub fn normalise(raw: &str) -> String {
    raw.nfkc().collect::<String>().trim().to_string()
}

/// A member's login ID: 4 to 32 ASCII letters, digits or `. _ - @`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LoginId(String);

impl LoginId {
    pub const MIN: usize = 4;
    pub const MAX: usize = 32;

    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let id = normalise(raw);
        let len = id.chars().count();
        if !(Self::MIN..=Self::MAX).contains(&len) {
            return Err("ログインIDは4文字以上32文字以内で入力してください。");
        }
        if !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
        {
            return Err("ログインIDに使える文字は半角英数字と . _ - @ です。");
        }
        Ok(Self(id))
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

/// お客様番号: the billing system's 10-digit contract number.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CustomerNumber(String);

impl CustomerNumber {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match digits_only(raw) {
            Some(d) if d.len() == 10 => Ok(Self(d)),
            _ => Err("お客様番号は10桁の数字で入力してください。"),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// ポータルサイト用お客様番号: 12 digits printed on the meter-reading slip,
/// the last a check digit (Luhn) that catches a mistyped digit.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PortalCustomerNumber(String);

impl PortalCustomerNumber {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match digits_only(raw) {
            Some(d) if d.len() == 12 => {
                let (body, check) = d.split_at(11);
                if check.chars().next().and_then(|c| c.to_digit(10)) == Some(luhn_digit(body)) {
                    Ok(Self(d))
                } else {
                    Err("ポータルサイト用お客様番号に誤りがあります。検針票をご確認ください。")
                }
            }
            _ => Err("ポータルサイト用お客様番号は12桁の数字で入力してください。"),
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

/// An amount of money in whole yen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Yen(pub i64);

impl std::ops::Add for Yen {
    type Output = Yen;
    fn add(self, rhs: Yen) -> Yen {
        Yen(self.0 + rhs.0)
    }
}

impl std::iter::Sum for Yen {
    fn sum<I: Iterator<Item = Yen>>(iter: I) -> Yen {
        Yen(iter.map(|y| y.0).sum())
    }
}

/// A volume of water in whole cubic metres.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct CubicMeters(pub i32);

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_login_id_out_of_bounds_or_with_other_characters_is_refused() {
        assert!(LoginId::parse("abc").is_err());
        assert!(LoginId::parse(&"a".repeat(33)).is_err());
        assert!(LoginId::parse("山田太郎です").is_err());
        assert!(LoginId::parse("demo user").is_err());
    }
}

//! The city that runs the portal, as configuration: organisation, portal
//! and desk names, terms and privacy versions, offices, FAQ and the tariff. Bundled:
//! Kanazawa (`src/city/kanazawa.toml`); `PORTAL_CITY` names another file.

use serde::Deserialize;

use crate::i18n::{Lang, Terms};

/// A text in both languages.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Localized {
    pub ja: String,
    pub en: String,
}

impl Localized {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja => &self.ja,
            Lang::En => &self.en,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Desk {
    pub name: Localized,
    pub phone: String,
    pub hours: Localized,
    pub form_url: String,
}

/// A published text members agree to or read, with its version.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Published {
    pub version: String,
    pub url: String,
    /// The text itself, as the login screen shows it.
    pub text: Localized,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Office {
    pub name: Localized,
    pub phone: String,
    pub hours: Localized,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Faq {
    pub question: Localized,
    pub answer: Localized,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct City {
    pub organisation: Localized,
    pub portal: Localized,
    pub desk: Desk,
    pub terms: Published,
    pub privacy: Published,
    pub about: Localized,
    pub offices: Vec<Office>,
    pub faq: Vec<Faq>,
    /// Every revision of the tariff, oldest first.
    pub tariff: crate::billing::tariff::TariffBook,
    /// When a bill's usage is flagged as high (`billing::alerts`).
    #[serde(default)]
    pub usage_alert: crate::billing::alerts::AlertRule,
}

const KANAZAWA: &str = include_str!("city/kanazawa.toml");

impl City {
    /// Reads a profile; the error names what is wrong and where.
    pub fn parse(text: &str) -> Result<City, String> {
        let city: City = toml::from_str(text).map_err(|e| e.to_string())?;
        if city.terms.version.trim().is_empty() {
            return Err("terms.version is empty".into());
        }
        city.tariff.check()?;
        city.usage_alert.check()?;
        Ok(city)
    }

    /// The bundled Kanazawa profile.
    pub fn bundled() -> City {
        // Checked by a unit test; the bundled text cannot change at run time.
        Self::parse(KANAZAWA).unwrap_or_else(|e| panic!("bundled city profile: {e}"))
    }

    /// The profile `PORTAL_CITY` names, or the bundled one.
    pub fn load(path: Option<&str>) -> Result<City, String> {
        match path {
            None => Ok(Self::bundled()),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
                Self::parse(&text).map_err(|e| format!("{path}: {e}"))
            }
        }
    }

    /// The names the catalogue's messages use as terms (`{ -org }`…).
    pub fn terms(&self) -> Terms {
        let side = |lang: Lang| {
            vec![
                ("org".to_string(), self.organisation.get(lang).to_string()),
                ("portal".to_string(), self.portal.get(lang).to_string()),
                ("desk".to_string(), self.desk.name.get(lang).to_string()),
                ("desk-phone".to_string(), self.desk.phone.clone()),
                (
                    "desk-hours".to_string(),
                    self.desk.hours.get(lang).to_string(),
                ),
                ("desk-form".to_string(), self.desk.form_url.clone()),
            ]
        };
        Terms {
            ja: side(Lang::Ja),
            en: side(Lang::En),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_profile_is_kanazawa() {
        let city = City::bundled();
        assert_eq!(city.organisation.ja, "金沢市企業局");
        assert_eq!(city.portal.ja, "金沢市上下水道ポータルサイト");
        assert!(!city.offices.is_empty() && !city.faq.is_empty());
    }

    #[test]
    fn a_profile_with_an_unknown_or_missing_field_is_refused() {
        let broken = KANAZAWA.replace("[about]", "[abuot]");
        let err = City::parse(&broken).expect_err("refused");
        assert!(err.contains("abuot") || err.contains("about"), "{err}");
    }
}

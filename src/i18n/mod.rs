//! The message catalogue: every word a member or a clerk reads, in
//! Japanese and English, kept as Project Fluent files a translator edits
//! (`src/i18n/{ja,en}/*.ftl`, checked against `src/i18n/GLOSSARY.md`).
//!
//! The city's own names (organisation, portal, contact desk) are Fluent
//! terms (`{ -org }`, `{ -portal }`, …) made from the city profile at start,
//! so the catalogue speaks for whichever city runs the portal.

pub mod format;

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// A language the portal speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    Ja,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Ja, Lang::En];

    /// The BCP 47 tag stored for a member's setting.
    pub fn code(self) -> &'static str {
        match self {
            Self::Ja => "ja",
            Self::En => "en",
        }
    }

    /// `ja`, `en`, `en-US`, `EN`…; other languages are not spoken here.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "ja" => Some(Self::Ja),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The spoken language an `Accept-Language` header prefers most
    /// (RFC 9110 §12.5.4), if it names one; `*` and unknown ones are
    /// ignored.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else {
                continue;
            };
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, lang)| lang)
    }
}

/// The names a city gives the catalogue, per language.
#[derive(Clone, Debug, Default)]
pub struct Terms {
    /// (term name without the dash, value), e.g. ("org", "金沢市企業局").
    pub ja: Vec<(String, String)>,
    pub en: Vec<(String, String)>,
}

const JA: &[&str] = &[
    include_str!("ja/errors.ftl"),
    include_str!("ja/mails.ftl"),
    include_str!("ja/portal.ftl"),
    include_str!("ja/documents.ftl"),
];
const EN: &[&str] = &[
    include_str!("en/errors.ftl"),
    include_str!("en/mails.ftl"),
    include_str!("en/portal.ftl"),
    include_str!("en/documents.ftl"),
];

struct Catalogue {
    ja: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();

fn bundle(
    lang: Lang,
    files: &[&str],
    terms: &[(String, String)],
) -> Result<FluentBundle<FluentResource>, String> {
    let tag = lang
        .code()
        .parse()
        .map_err(|e| format!("language tag {}: {e:?}", lang.code()))?;
    let mut bundle = FluentBundle::new_concurrent(vec![tag]);
    // Members' mail clients and screen readers get plain text, not the
    // bidi isolation marks Fluent puts around placeables by default.
    bundle.set_use_isolating(false);
    let city: String = terms
        .iter()
        .map(|(name, value)| format!("-{name} = {}\n", value.replace('\n', " ")))
        .collect();
    for source in files.iter().copied().chain([city.as_str()]) {
        let resource = FluentResource::try_new(source.to_string())
            .map_err(|(_, errors)| format!("{} catalogue: {errors:?}", lang.code()))?;
        bundle
            .add_resource(resource)
            .map_err(|errors| format!("{} catalogue: {errors:?}", lang.code()))?;
    }
    Ok(bundle)
}

/// Builds the catalogue with the city's names; the first call wins. Fails
/// on a catalogue file that does not parse.
pub fn install(terms: &Terms) -> Result<(), String> {
    let catalogue = Catalogue {
        ja: bundle(Lang::Ja, JA, &terms.ja)?,
        en: bundle(Lang::En, EN, &terms.en)?,
    };
    let _ = CATALOGUE.set(catalogue);
    Ok(())
}

fn catalogue() -> &'static Catalogue {
    CATALOGUE.get_or_init(|| {
        let terms = crate::city::City::bundled().terms();
        Catalogue {
            ja: bundle(Lang::Ja, JA, &terms.ja).unwrap_or_else(|e| panic!("{e}")),
            en: bundle(Lang::En, EN, &terms.en).unwrap_or_else(|e| panic!("{e}")),
        }
    })
}

/// An argument of a message.
pub type Arg<'a> = (&'a str, FluentValue<'a>);

/// The message `id` in `lang`, with `args`. A message missing from a
/// language (a test keeps that from happening) falls back to Japanese,
/// then to its id, and is logged.
pub fn text(lang: Lang, id: &str, args: &[Arg<'_>]) -> String {
    let catalogue = catalogue();
    let bundle = match lang {
        Lang::Ja => &catalogue.ja,
        Lang::En => &catalogue.en,
    };
    let (bundle, message) = match bundle.get_message(id) {
        Some(m) => (bundle, m),
        None => match catalogue.ja.get_message(id) {
            Some(m) => {
                tracing::error!(id, lang = lang.code(), "message missing from catalogue");
                (&catalogue.ja, m)
            }
            None => {
                tracing::error!(id, "message missing from catalogue");
                return id.to_string();
            }
        },
    };
    let Some(pattern) = message.value() else {
        return id.to_string();
    };
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, value.clone());
    }
    let mut errors = vec![];
    let out = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    if !errors.is_empty() {
        tracing::error!(id, ?errors, "message formatted with errors");
    }
    out.into_owned()
}

/// `t!(lang, "id")`, `t!(lang, "id", name = value, …)`: [`text`] with
/// named arguments.
#[macro_export]
macro_rules! t {
    ($lang:expr, $id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::text(
            $lang,
            $id,
            &[$((stringify!($name), ::fluent_bundle::FluentValue::from($value))),*],
        )
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn ids(files: &[&str]) -> BTreeSet<String> {
        files
            .iter()
            .flat_map(|f| f.lines())
            .filter_map(|line| {
                let (id, _) = line.split_once(" =")?;
                (!id.is_empty()
                    && id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
                .then(|| id.to_string())
            })
            .collect()
    }

    fn sources(dir: &std::path::Path, out: &mut String) {
        for entry in std::fs::read_dir(dir).expect("src readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push_str(&std::fs::read_to_string(&path).expect("readable"));
            }
        }
    }

    #[test]
    fn both_languages_define_the_same_messages() {
        let ja = ids(JA);
        let en = ids(EN);
        assert!(!ja.is_empty());
        let only_ja: Vec<_> = ja.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&ja).collect();
        assert!(only_ja.is_empty(), "missing in English: {only_ja:?}");
        assert!(only_en.is_empty(), "missing in Japanese: {only_en:?}");
    }

    #[test]
    fn every_message_is_used_and_every_used_message_exists() {
        let mut code = String::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut code,
        );
        let defined = ids(JA);
        let unused: Vec<_> = defined
            .iter()
            .filter(|id| !code.contains(&format!("\"{id}\"")))
            .collect();
        assert!(unused.is_empty(), "defined but never used: {unused:?}");
        // Every literal id handed to t!/text must be defined.
        let mut missing = vec![];
        for (i, _) in code.match_indices("t!(") {
            let before = code[..i].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue; // assert!( and friends
            }
            let rest = &code[i..];
            if let Some(start) = rest.find('"') {
                let tail = &rest[start + 1..];
                if let Some(end) = tail.find('"') {
                    let id = &tail[..end];
                    if !defined.contains(id) && !id.contains('{') && id.contains('-') {
                        missing.push(id.to_string());
                    }
                }
            }
        }
        // Ids handed on as values (the HTTP edge's refusals) are literals
        // with a catalogue prefix.
        const PREFIXES: [&str; 14] = [
            "http-",
            "error-",
            "user-",
            "mail-",
            "doc-",
            "demo-",
            "audit-",
            "line-",
            "bad-",
            "greeting-",
            "device-",
            "secret-",
            "season-",
            "withdrawn-",
        ];
        for prefix in PREFIXES {
            for (at, _) in code.match_indices(&format!("\"{prefix}")) {
                let rest = &code[at + 1..];
                let Some(end) = rest.find('"') else { continue };
                let literal = &rest[..end];
                let looks_like_id = literal.len() > prefix.len()
                    && literal
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && !matches!(literal, "user-agent" | "demo-password-2024");
                if looks_like_id && !defined.contains(literal) {
                    missing.push(literal.to_string());
                }
            }
        }
        assert!(missing.is_empty(), "used but not defined: {missing:?}");
    }

    #[test]
    fn every_message_formats_in_both_languages() {
        for lang in Lang::ALL {
            for id in ids(if lang == Lang::Ja { JA } else { EN }) {
                let out = text(lang, &id, &[]);
                assert_ne!(out, id, "{id} in {lang:?}");
            }
        }
    }

    #[test]
    fn accept_language_picks_the_preferred_spoken_language() {
        assert_eq!(Lang::from_accept_language("en"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Some(Lang::En));
        assert_eq!(
            Lang::from_accept_language("fr, en;q=0.5, ja;q=0.8"),
            Some(Lang::Ja)
        );
        assert_eq!(
            Lang::from_accept_language("ja;q=0, en;q=0.1"),
            Some(Lang::En)
        );
        assert_eq!(Lang::from_accept_language("fr, *"), None);
    }

    #[test]
    fn city_terms_reach_the_messages() {
        assert!(t!(Lang::Ja, "mail-signature").contains("金沢市企業局"));
        assert!(t!(Lang::En, "mail-signature").contains("Kanazawa"));
    }
}

//! Rendering the bureau's notices as PDF: one A4 page of Japanese text.
//!
//! No font is embedded or read from disk: Japanese goes through a CID font of
//! the Adobe-Japan1 collection, which any Japanese-capable viewer substitutes
//! with a font it has, addressed by Unicode through the predefined
//! `UniJIS-UTF16-H` CMap. Latin-1 runs (digits, ASCII, `¥`, `×`) go through
//! the standard Helvetica instead: viewers know its metrics exactly, whereas
//! the Latin widths of whichever Japanese font a viewer substitutes are
//! unknown and would leave digits overlapping or gappy.

use std::collections::BTreeSet;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// What goes on the page.
pub struct PdfNotice<'a> {
    /// Shown as the heading and stored as the document title (Info /Title).
    pub title: &'a str,
    /// Body lines, top to bottom; Japanese and ASCII mixed (e.g. "お客様番号: 3100000001", "金沢 太郎 様", "石川県金沢市広坂1丁目1番1号", "ご請求金額: 10,296円").
    pub lines: &'a [String],
}

// A4 in points.
const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
// 20 mm margins: the usual for printed notices, safe for home printers.
const MARGIN: f32 = 56.69;
const TITLE_SIZE: f32 = 18.0;
const BODY_SIZE: f32 = 11.0;
const BODY_LEADING: f32 = 20.0;
// Room under the heading for the rule, clear of the first body line.
const TITLE_GAP: f32 = 34.0;
const RULE_DROP: f32 = 10.0;

const LATIN_FONT: Name<'static> = Name(b"F1");
const JAPANESE_FONT: Name<'static> = Name(b"F2");
const SUPPLEMENTARY_FONT: Name<'static> = Name(b"F3");
// Kozuka Gothic is what Acrobat's Japanese font pack provides; other viewers
// fall back to any Japanese gothic they have for the Japan1 collection.
const JAPANESE_BASE_FONT: Name<'static> = Name(b"KozGoPr6N-Medium");
const JAPANESE_ENCODING: Name<'static> = Name(b"UniJIS-UTF16-H");

const CATALOG_ID: Ref = Ref::new(1);
const PAGE_TREE_ID: Ref = Ref::new(2);
const PAGE_ID: Ref = Ref::new(3);
const CONTENT_ID: Ref = Ref::new(4);
const LATIN_FONT_ID: Ref = Ref::new(5);
const JAPANESE_FONT_ID: Ref = Ref::new(6);
const SUPPLEMENTARY_FONT_ID: Ref = Ref::new(7);
const CID_FONT_ID: Ref = Ref::new(8);
const DESCRIPTOR_ID: Ref = Ref::new(9);
const TO_UNICODE_ID: Ref = Ref::new(10);
const INFO_ID: Ref = Ref::new(11);

/// The PDF file's bytes.
///
/// Lines are never wrapped and the page holds about 35 body lines; text past
/// the right or bottom edge is cut off, so callers keep notices short.
pub fn render(notice: &PdfNotice<'_>) -> Vec<u8> {
    let mut japanese_chars = BTreeSet::new();
    let content = page_content(notice, &mut japanese_chars);

    let mut pdf = Pdf::new();
    pdf.catalog(CATALOG_ID)
        .pages(PAGE_TREE_ID)
        .lang(TextStr("ja"));
    pdf.pages(PAGE_TREE_ID).kids([PAGE_ID]).count(1);

    let mut page = pdf.page(PAGE_ID);
    page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
        .parent(PAGE_TREE_ID)
        .contents(CONTENT_ID);
    page.resources()
        .fonts()
        .pair(LATIN_FONT, LATIN_FONT_ID)
        .pair(JAPANESE_FONT, JAPANESE_FONT_ID)
        .pair(SUPPLEMENTARY_FONT, SUPPLEMENTARY_FONT_ID);
    page.finish();

    pdf.stream(CONTENT_ID, &content);

    // WinAnsi rather than the default StandardEncoding, in which 0x27 and
    // 0x60 are curly quotes and most of the Latin-1 upper half is missing.
    pdf.type1_font(LATIN_FONT_ID)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));

    // Without a ToUnicode CMap, Poppler maps text back through Adobe's
    // Japan1 table, which turns e.g. ～ (U+FF5E) into 〜 and － into −.
    pdf.type0_font(JAPANESE_FONT_ID)
        .base_font(JAPANESE_BASE_FONT)
        .encoding_predefined(JAPANESE_ENCODING)
        .descendant_font(CID_FONT_ID)
        .to_unicode(TO_UNICODE_ID);

    // Poppler rejects four-byte codes in a ToUnicode CMap, and a code missing
    // from it extracts as nothing. Characters beyond the BMP (e.g. 𠮷 in a
    // customer's name) therefore go through this twin without ToUnicode,
    // where Poppler, like other readers, decodes the Unicode-based CMap.
    pdf.type0_font(SUPPLEMENTARY_FONT_ID)
        .base_font(JAPANESE_BASE_FONT)
        .encoding_predefined(JAPANESE_ENCODING)
        .descendant_font(CID_FONT_ID);

    let mut cid_font = pdf.cid_font(CID_FONT_ID);
    cid_font
        .subtype(CidFontType::Type0)
        .base_font(JAPANESE_BASE_FONT)
        .system_info(SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Japan1"),
            supplement: 6,
        })
        .font_descriptor(DESCRIPTOR_ID)
        .default_width(1000.0);
    // Half-width forms (CIDs 231–632, e.g. half-width katakana) are half an
    // em in every Japan1 font. Everything else counts as full-width, which
    // is true of kana and kanji and at worst leaves a gap after a rare
    // proportional symbol.
    cid_font.widths().same(231, 632, 500.0);
    cid_font.finish();

    // Approximate Kozuka Gothic metrics: with no font file they only guide
    // the viewer's choice and placement of a substitute.
    pdf.font_descriptor(DESCRIPTOR_ID)
        .name(JAPANESE_BASE_FONT)
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(-538.0, -374.0, 1254.0, 1418.0))
        .italic_angle(0.0)
        .ascent(880.0)
        .descent(-120.0)
        .cap_height(763.0)
        .stem_v(116.0);

    pdf.cmap(TO_UNICODE_ID, &to_unicode_cmap(&japanese_chars));

    pdf.document_info(INFO_ID)
        .title(TextStr(notice.title))
        .producer(TextStr("water-portal"));

    pdf.finish()
}

/// Builds the content stream, collecting the BMP characters sent to the
/// Japanese font so the ToUnicode CMap covers exactly those.
fn page_content(notice: &PdfNotice<'_>, japanese_chars: &mut BTreeSet<char>) -> Vec<u8> {
    let mut content = Content::new();
    let mut text = TextWriter {
        content: &mut content,
        japanese_chars,
        current_font: None,
    };

    text.content.begin_text();
    text.content
        .next_line(MARGIN, PAGE_HEIGHT - MARGIN - TITLE_SIZE);
    text.show_line(notice.title, TITLE_SIZE);
    text.content.next_line(0.0, -TITLE_GAP);
    for line in notice.lines {
        text.show_line(line, BODY_SIZE);
        text.content.next_line(0.0, -BODY_LEADING);
    }
    text.content.end_text();

    let rule_y = PAGE_HEIGHT - MARGIN - TITLE_SIZE - RULE_DROP;
    content
        .set_line_width(0.8)
        .move_to(MARGIN, rule_y)
        .line_to(PAGE_WIDTH - MARGIN, rule_y)
        .stroke();

    content.finish().to_vec()
}

/// Which font a run of text goes through.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    /// Helvetica, WinAnsi-encoded.
    Latin,
    /// The Japanese font with ToUnicode, UTF-16BE.
    Japanese,
    /// The Japanese font without ToUnicode, UTF-16BE surrogate pairs.
    Supplementary,
}

impl Script {
    fn of(c: char) -> Self {
        match c {
            // WinAnsi agrees with Unicode for printable ASCII and U+00A0–U+00FF.
            ' '..='~' | '\u{a0}'..='\u{ff}' => Self::Latin,
            '\u{10000}'.. => Self::Supplementary,
            _ => Self::Japanese,
        }
    }

    fn font(self) -> Name<'static> {
        match self {
            Self::Latin => LATIN_FONT,
            Self::Japanese => JAPANESE_FONT,
            Self::Supplementary => SUPPLEMENTARY_FONT,
        }
    }
}

struct TextWriter<'a> {
    content: &'a mut Content,
    japanese_chars: &'a mut BTreeSet<char>,
    /// Font and size in effect (size as bits, since f32 is not Eq), so runs
    /// only switch fonts when needed.
    current_font: Option<(Script, u32)>,
}

impl TextWriter<'_> {
    fn show_line(&mut self, line: &str, size: f32) {
        let mut run: Vec<u8> = Vec::new();
        let mut run_script = Script::Latin;
        for c in line.chars().filter_map(printable) {
            let script = Script::of(c);
            if script != run_script && !run.is_empty() {
                self.show(run_script, size, &run);
                run.clear();
            }
            run_script = script;
            match script {
                // `Script::of` only classes characters up to U+00FF as Latin.
                Script::Latin => run.push(u8::try_from(c).unwrap_or(b'?')),
                Script::Japanese | Script::Supplementary => {
                    if script == Script::Japanese {
                        self.japanese_chars.insert(c);
                    }
                    for unit in c.encode_utf16(&mut [0; 2]) {
                        run.extend_from_slice(&unit.to_be_bytes());
                    }
                }
            }
        }
        if !run.is_empty() {
            self.show(run_script, size, &run);
        }
    }

    fn show(&mut self, script: Script, size: f32, bytes: &[u8]) {
        let wanted = (script, size.to_bits());
        if self.current_font != Some(wanted) {
            self.content.set_font(script.font(), size);
            self.current_font = Some(wanted);
        }
        self.content.show(Str(bytes));
    }
}

/// Tabs become spaces; other control characters would show as boxes or
/// break the line in text extraction, so they are dropped.
fn printable(c: char) -> Option<char> {
    match c {
        '\t' => Some(' '),
        c if c.is_control() => None,
        c => Some(c),
    }
}

/// Maps each UTF-16BE code the Japanese font received to itself.
fn to_unicode_cmap(chars: &BTreeSet<char>) -> Vec<u8> {
    let mut cmap = UnicodeCmap::new(
        Name(b"Adobe-Identity-UCS"),
        SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"UCS"),
            supplement: 0,
        },
    );
    for &c in chars {
        // Only BMP characters are collected, so this never skips one.
        if let Ok(code) = u16::try_from(u32::from(c)) {
            cmap.pair(code, c);
        }
    }
    cmap.finish().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_lines() -> Vec<String> {
        [
            "お客様番号: 3100000001",
            "金沢 太郎 様",
            "石川県金沢市広坂1丁目1番1号",
            "ご請求金額: 10,296円",
            "検針日をお知らせします",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    fn sample_pdf() -> Vec<u8> {
        let lines = sample_lines();
        render(&PdfNotice {
            title: "検針のお知らせ",
            lines: &lines,
        })
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn utf16be_hex(text: &str) -> String {
        text.encode_utf16().map(|u| format!("{u:04X}")).collect()
    }

    #[test]
    fn is_a_complete_pdf_file() {
        let pdf = sample_pdf();
        assert!(pdf.starts_with(b"%PDF-"));
        let end = pdf.trim_ascii_end();
        assert!(end.ends_with(b"%%EOF"));
    }

    #[test]
    fn same_input_gives_same_bytes() {
        assert_eq!(sample_pdf(), sample_pdf());
    }

    #[test]
    fn japanese_body_line_is_utf16be_text_in_content_stream() {
        let pdf = sample_pdf();
        let shown = format!("<{}> Tj", utf16be_hex("検針日をお知らせします"));
        assert!(contains(&pdf, shown.as_bytes()));
    }

    #[test]
    fn mixed_line_splits_into_japanese_and_latin_runs() {
        let pdf = sample_pdf();
        let japanese = format!("<{}> Tj", utf16be_hex("お客様番号"));
        assert!(contains(&pdf, japanese.as_bytes()));
        assert!(contains(&pdf, b"(: 3100000001) Tj"));
        assert!(contains(&pdf, b"(: 10,296) Tj"));
    }

    #[test]
    fn title_is_stored_as_utf16be_with_bom() {
        let pdf = sample_pdf();
        let title = format!("/Title <FEFF{}>", utf16be_hex("検針のお知らせ"));
        assert!(contains(&pdf, title.as_bytes()));
        assert!(contains(&pdf, b"/Producer (water-portal)"));
    }

    #[test]
    fn uses_predefined_japanese_cmap_without_font_file() {
        let pdf = sample_pdf();
        assert!(contains(&pdf, b"/Encoding /UniJIS-UTF16-H"));
        assert!(contains(&pdf, b"/Ordering (Japan1)"));
        assert!(!contains(&pdf, b"/FontFile"));
        assert!(!contains(&pdf, b"/Filter"));
    }

    #[test]
    fn to_unicode_maps_japanese_codes_to_themselves() {
        let pdf = sample_pdf();
        assert!(contains(&pdf, b"/ToUnicode 10 0 R"));
        assert!(contains(&pdf, b"<91D1> <91D1>"));
        // Latin text is Helvetica's, so it needs no entry.
        assert!(!contains(&pdf, b"<0031> <0031>"));
    }

    #[test]
    fn characters_beyond_the_bmp_use_the_font_without_to_unicode() {
        let lines = vec!["𠮷野 様".to_string()];
        let pdf = render(&PdfNotice {
            title: "t",
            lines: &lines,
        });
        let shown = format!(
            "/F3 11 Tf\n<{}> Tj\n/F2 11 Tf\n<{}> Tj",
            utf16be_hex("𠮷"),
            utf16be_hex("野")
        );
        assert!(contains(&pdf, shown.as_bytes()));
        assert!(!contains(&pdf, b"<D842DFB7> <D842DFB7>"));
    }

    #[test]
    fn control_characters_are_dropped_and_tabs_become_spaces() {
        let lines = vec!["a\tb\u{7}c".to_string()];
        let pdf = render(&PdfNotice {
            title: "t",
            lines: &lines,
        });
        assert!(contains(&pdf, b"(a bc) Tj"));
    }
}

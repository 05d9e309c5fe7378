//! Rendering the bureau's notices as PDF: one A4 page of Japanese text.
//!
//! All text is set in BIZ UDGothic Regular (Morisawa's universal-design
//! gothic, SIL Open Font License 1.1: `fonts/OFL.txt` beside this file),
//! embedded as a subset that holds only the glyphs the page uses. A viewer
//! needs no Japanese font of its own, and every viewer and printer draws the
//! same shapes with the same widths, so a notice looks as it was checked.
//! Latin text (digits, `¥`, ASCII) goes through the same font: its widths are
//! known exactly now, which was the only reason for a separate Helvetica.
//!
//! The subset is a `CIDFontType2` (TrueType outlines) under a Type0 font with
//! the `Identity-H` encoding: the content stream shows each glyph by its
//! two-byte id in the subset, which is also its CID (`/CIDToGIDMap
//! /Identity`). Glyph ids say nothing about characters, so a ToUnicode CMap
//! maps each id back to its text; copying, search and pdftotext still yield
//! the Japanese text.
//!
//! The font covers all of JIS X 0208 and nearly all of JIS X 0213, but not
//! every character a customer's name may hold (e.g. 𠮷, U+20BB7). Those alone
//! go through a non-embedded Adobe-Japan1 font addressed by Unicode through
//! the predefined `UniJIS-UTF16-H` CMap, which a viewer with a Japanese font
//! fills in: better than the empty box the embedded font would draw.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use sha2::{Digest, Sha256};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

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

/// BIZ UDGothic Regular 1.05, as Debian's fonts-morisawa-bizud-gothic 1.05-2
/// ships it. The whole font is built in (4.7 MB) because the subset depends
/// on the page: each PDF carries only the glyphs it shows.
static FONT_DATA: &[u8] = include_bytes!("fonts/BIZUDGothic-Regular.ttf");
/// The font's PostScript name (name ID 6; a test checks it). The subset's
/// name is this behind a tag, as PDF asks of subsets.
const FONT_POSTSCRIPT_NAME: &str = "BIZUDGothic-Regular";

const EMBEDDED_FONT: Name<'static> = Name(b"F1");
const FALLBACK_FONT: Name<'static> = Name(b"F2");
// Kozuka Gothic is what Acrobat's Japanese font pack provides; other viewers
// fall back to any Japanese gothic they have for the Japan1 collection.
const FALLBACK_BASE_FONT: Name<'static> = Name(b"KozGoPr6N-Medium");
const FALLBACK_ENCODING: Name<'static> = Name(b"UniJIS-UTF16-H");

/// The embedded font's CIDs are glyph ids, not a registered collection.
const IDENTITY: SystemInfo<'static> = SystemInfo {
    registry: Str(b"Adobe"),
    ordering: Str(b"Identity"),
    supplement: 0,
};

const CATALOG_ID: Ref = Ref::new(1);
const PAGE_TREE_ID: Ref = Ref::new(2);
const PAGE_ID: Ref = Ref::new(3);
const CONTENT_ID: Ref = Ref::new(4);
const FONT_ID: Ref = Ref::new(5);
const CID_FONT_ID: Ref = Ref::new(6);
const DESCRIPTOR_ID: Ref = Ref::new(7);
const FONT_FILE_ID: Ref = Ref::new(8);
const TO_UNICODE_ID: Ref = Ref::new(9);
const INFO_ID: Ref = Ref::new(10);
const FALLBACK_FONT_ID: Ref = Ref::new(11);
const FALLBACK_CID_FONT_ID: Ref = Ref::new(12);
const FALLBACK_DESCRIPTOR_ID: Ref = Ref::new(13);

/// The PDF file's bytes.
///
/// Lines are never wrapped and the page holds about 35 body lines; text past
/// the right or bottom edge is cut off, so callers keep notices short.
pub fn render(notice: &PdfNotice<'_>) -> Vec<u8> {
    // Neither failure happens with the bundled font (the tests subset it);
    // should a replaced font be unreadable, a notice in the viewer's own
    // Japanese font still beats no notice.
    let face = match Face::parse(FONT_DATA, 0) {
        Ok(face) => Some(face),
        Err(err) => {
            tracing::error!(error = %err, "notice font unreadable; PDFs go without it");
            None
        }
    };
    match render_with(notice, face.as_ref()) {
        Ok(pdf) => pdf,
        Err(err) => {
            tracing::error!(error = %err, "notice font not subset; this PDF goes without it");
            render_without_embedding(notice)
        }
    }
}

/// Lays the page out in `face` (when given), then subsets the font to the
/// glyphs the layout used.
fn render_with(
    notice: &PdfNotice<'_>,
    face: Option<&Face<'static>>,
) -> Result<Vec<u8>, subsetter::Error> {
    let mut glyphs = Glyphs::new(face);
    let content = page_content(notice, &mut glyphs);
    let font = glyphs.subset()?;
    Ok(write_pdf(notice, &content, &glyphs, font.as_ref()))
}

/// Every character through the non-embedded fallback font.
fn render_without_embedding(notice: &PdfNotice<'_>) -> Vec<u8> {
    let mut glyphs = Glyphs::new(None);
    let content = page_content(notice, &mut glyphs);
    write_pdf(notice, &content, &glyphs, None)
}

/// Writes the document around a finished content stream. A font goes in
/// only when the content uses it.
fn write_pdf(
    notice: &PdfNotice<'_>,
    content: &[u8],
    glyphs: &Glyphs<'_>,
    font: Option<&EmbeddedFont<'_>>,
) -> Vec<u8> {
    let mut pdf = Pdf::new();
    pdf.catalog(CATALOG_ID)
        .pages(PAGE_TREE_ID)
        .lang(TextStr("ja"));
    pdf.pages(PAGE_TREE_ID).kids([PAGE_ID]).count(1);

    let mut page = pdf.page(PAGE_ID);
    page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
        .parent(PAGE_TREE_ID)
        .contents(CONTENT_ID);
    {
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        if font.is_some() {
            fonts.pair(EMBEDDED_FONT, FONT_ID);
        }
        if glyphs.fallback_used {
            fonts.pair(FALLBACK_FONT, FALLBACK_FONT_ID);
        }
    }
    page.finish();

    pdf.stream(CONTENT_ID, content);
    if let Some(font) = font {
        write_embedded_font(&mut pdf, glyphs, font);
    }
    if glyphs.fallback_used {
        write_fallback_font(&mut pdf);
    }

    pdf.document_info(INFO_ID)
        .title(TextStr(notice.title))
        .producer(TextStr("water-portal"));

    pdf.finish()
}

/// The Type0 font, its CIDFontType2 descendant, the descriptor with the
/// subset as FontFile2, and the ToUnicode CMap.
fn write_embedded_font(pdf: &mut Pdf, glyphs: &Glyphs<'_>, font: &EmbeddedFont<'_>) {
    let base_font = Name(font.base_font.as_bytes());

    // For a TrueType descendant the Type0 font carries the same BaseFont
    // (ISO 32000-1, 9.7.6); only CFF ones append the CMap name.
    pdf.type0_font(FONT_ID)
        .base_font(base_font)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(CID_FONT_ID)
        .to_unicode(TO_UNICODE_ID);

    let mut cid_font = pdf.cid_font(CID_FONT_ID);
    cid_font
        .subtype(CidFontType::Type2)
        .base_font(base_font)
        .system_info(IDENTITY)
        .font_descriptor(DESCRIPTOR_ID)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    // Every CID the page uses has its width here (CIDs run from 0 without
    // gaps), so the default width never applies.
    cid_font.widths().consecutive(0, glyphs.widths(font.face));
    cid_font.finish();

    write_descriptor(pdf, font.face, base_font);

    // Length1, the font program's length, is required for TrueType. The
    // stream is stored uncompressed, so it is the stream's length; a subset
    // of a 4.7 MB font always fits an i32.
    let length = i32::try_from(font.program.len()).unwrap_or(i32::MAX);
    pdf.stream(FONT_FILE_ID, &font.program)
        .pair(Name(b"Length1"), length);

    pdf.cmap(TO_UNICODE_ID, &glyphs.to_unicode_cmap());
}

/// The embedded font's metrics, read from the font itself.
fn write_descriptor(pdf: &mut Pdf, face: &Face<'_>, base_font: Name<'_>) {
    let bbox = face.global_bounding_box();
    let cap_height = face.capital_height().unwrap_or_else(|| face.ascender());
    // TrueType fonts record no stem width; this estimate from the weight
    // class is what typst and other PDF writers use.
    let stem_v = 10.0 + 0.244 * (f32::from(face.weight().to_number()) - 50.0);

    // Symbolic: the font has glyphs outside the Adobe standard Latin set
    // (non-symbolic would tell readers it has none).
    pdf.font_descriptor(DESCRIPTOR_ID)
        .name(base_font)
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(
            to_pdf_units(face, bbox.x_min),
            to_pdf_units(face, bbox.y_min),
            to_pdf_units(face, bbox.x_max),
            to_pdf_units(face, bbox.y_max),
        ))
        .italic_angle(face.italic_angle())
        .ascent(to_pdf_units(face, face.ascender()))
        .descent(to_pdf_units(face, face.descender()))
        .cap_height(to_pdf_units(face, cap_height))
        .stem_v(stem_v)
        .font_file2(FONT_FILE_ID);
}

/// Font units (2048 to the em in BIZ UDGothic) to PDF glyph space (1000).
fn to_pdf_units(face: &Face<'_>, units: impl Into<f32>) -> f32 {
    // ttf-parser refuses fonts whose unitsPerEm is outside 16..=16384.
    units.into() * 1000.0 / f32::from(face.units_per_em())
}

/// The non-embedded Japan1 font for characters the embedded one lacks.
///
/// It has no ToUnicode: readers decode the Unicode-based CMap themselves
/// (Poppler goes through Adobe's Japan1 table, which for the rare kanji that
/// end up here gives the character back), and a ToUnicode could not hold
/// the four-byte codes of characters beyond the BMP anyway: Poppler rejects
/// those, and a code missing from a ToUnicode extracts as nothing.
fn write_fallback_font(pdf: &mut Pdf) {
    pdf.type0_font(FALLBACK_FONT_ID)
        .base_font(FALLBACK_BASE_FONT)
        .encoding_predefined(FALLBACK_ENCODING)
        .descendant_font(FALLBACK_CID_FONT_ID);

    // Full width: what the kanji that land here are. (Japan1's half-width
    // forms, CIDs 231–632, are all in the embedded font.)
    pdf.cid_font(FALLBACK_CID_FONT_ID)
        .subtype(CidFontType::Type0)
        .base_font(FALLBACK_BASE_FONT)
        .system_info(SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Japan1"),
            supplement: 6,
        })
        .font_descriptor(FALLBACK_DESCRIPTOR_ID)
        .default_width(1000.0);

    // Approximate Kozuka Gothic metrics: with no font file they only guide
    // the viewer's choice and placement of a substitute.
    pdf.font_descriptor(FALLBACK_DESCRIPTOR_ID)
        .name(FALLBACK_BASE_FONT)
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(-538.0, -374.0, 1254.0, 1418.0))
        .italic_angle(0.0)
        .ascent(880.0)
        .descent(-120.0)
        .cap_height(763.0)
        .stem_v(116.0);
}

/// The embedded font's glyphs that a page uses.
///
/// A glyph's id in the subset is the order in which the page first used it
/// (the remapper numbers glyphs as they come, `.notdef` being 0), and with
/// the Identity CIDToGIDMap that id is also the code the content stream
/// shows. The layout therefore gets each code as it goes, before the subset
/// exists.
struct Glyphs<'f> {
    /// None when the font is not to be embedded: everything falls back.
    face: Option<&'f Face<'static>>,
    remapper: GlyphRemapper,
    /// The text each subset glyph stands for, by subset id: the ToUnicode
    /// entries. A glyph shared by several characters keeps the first.
    texts: BTreeMap<u16, String>,
    /// Whether any character went through the fallback font.
    fallback_used: bool,
}

impl<'f> Glyphs<'f> {
    fn new(face: Option<&'f Face<'static>>) -> Self {
        Self {
            face,
            remapper: GlyphRemapper::new(),
            texts: BTreeMap::new(),
            fallback_used: false,
        }
    }

    /// The subset id for `c` (with the variation selector after it, if any),
    /// or None when the font has no glyph for it.
    fn cid(&mut self, c: char, selector: Option<char>) -> Option<u16> {
        let face = self.face?;
        let base = face.glyph_index(c);
        // An ideographic variation sequence (e.g. 辻 + U+E0100, the
        // one-dot form a name may be registered with) counts only where the
        // font draws it differently from the plain character.
        let variant = selector
            .and_then(|vs| face.glyph_variation_index(c, vs))
            .filter(|&glyph| Some(glyph) != base);
        // Glyph 0 is .notdef, the empty box: no better than the fallback.
        let glyph = variant.or(base).filter(|glyph| glyph.0 != 0)?;
        let cid = self.remapper.remap(glyph.0);
        self.texts.entry(cid).or_insert_with(|| {
            let mut text = String::from(c);
            if let (Some(_), Some(vs)) = (variant, selector) {
                text.push(vs);
            }
            text
        });
        Some(cid)
    }

    /// Advance widths by subset id, in PDF glyph space.
    fn widths(&self, face: &Face<'_>) -> Vec<f32> {
        self.remapper
            .remapped_gids()
            .map(|glyph| {
                let advance = face.glyph_hor_advance(GlyphId(glyph)).unwrap_or(0);
                to_pdf_units(face, advance)
            })
            .collect()
    }

    /// Maps each subset id back to the text it was shown for.
    fn to_unicode_cmap(&self) -> Vec<u8> {
        let mut cmap = UnicodeCmap::new(
            Name(b"Adobe-Identity-UCS"),
            SystemInfo {
                registry: Str(b"Adobe"),
                ordering: Str(b"UCS"),
                supplement: 0,
            },
        );
        for (&cid, text) in &self.texts {
            cmap.pair_with_multiple(cid, text.chars());
        }
        cmap.finish().to_vec()
    }

    /// The font cut down to the glyphs used so far (plus any that composite
    /// glyphs draw on, which the subsetter adds after them), or None when
    /// nothing is to be embedded.
    fn subset(&self) -> Result<Option<EmbeddedFont<'f>>, subsetter::Error> {
        let Some(face) = self.face else {
            return Ok(None);
        };
        let program = subsetter::subset(FONT_DATA, 0, &self.remapper)?;
        let base_font = format!("{}+{FONT_POSTSCRIPT_NAME}", subset_tag(&program));
        Ok(Some(EmbeddedFont {
            face,
            program,
            base_font,
        }))
    }
}

/// A subset ready to be written.
struct EmbeddedFont<'f> {
    /// The whole font, for metrics.
    face: &'f Face<'static>,
    /// The subset as a TrueType file (no cmap table: the PDF maps codes).
    program: Vec<u8>,
    /// `ABCDEF+BIZUDGothic-Regular`.
    base_font: String,
}

/// Six capital letters naming this subset (ISO 32000-1, 9.6.4), from a hash
/// of it: the same page gets the same name, so PDFs stay reproducible.
fn subset_tag(program: &[u8]) -> String {
    Sha256::digest(program)
        .iter()
        .take(6)
        .map(|byte| char::from(b'A' + byte % 26))
        .collect()
}

/// Builds the content stream, recording in `glyphs` what it uses.
fn page_content(notice: &PdfNotice<'_>, glyphs: &mut Glyphs<'_>) -> Vec<u8> {
    let mut content = Content::new();
    let mut text = TextWriter {
        content: &mut content,
        glyphs,
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

struct TextWriter<'a, 'f> {
    content: &'a mut Content,
    glyphs: &'a mut Glyphs<'f>,
    /// Font and size in effect (size as bits, since f32 is not Eq), so runs
    /// only switch fonts when needed.
    current_font: Option<(Name<'static>, u32)>,
}

impl TextWriter<'_, '_> {
    /// Shows a line as runs: subset ids (two bytes each) in the embedded
    /// font, UTF-16BE in the fallback font.
    fn show_line(&mut self, line: &str, size: f32) {
        let mut run: Vec<u8> = Vec::new();
        let mut run_font = EMBEDDED_FONT;
        let mut chars = line.chars().filter_map(printable).peekable();
        while let Some(c) = chars.next() {
            // A selector with no character before it selects nothing.
            if is_variation_selector(c) {
                continue;
            }
            let selector = chars.next_if(|&next| is_variation_selector(next));
            let cid = self.glyphs.cid(c, selector);
            let font = if cid.is_some() {
                EMBEDDED_FONT
            } else {
                FALLBACK_FONT
            };
            if font != run_font && !run.is_empty() {
                self.show(run_font, size, &run);
                run.clear();
            }
            run_font = font;
            match cid {
                Some(cid) => run.extend_from_slice(&cid.to_be_bytes()),
                // The selector is dropped: UniJIS-UTF16-H maps no variation
                // sequences, and a lone selector would show as a gap.
                None => {
                    self.glyphs.fallback_used = true;
                    for unit in c.encode_utf16(&mut [0; 2]) {
                        run.extend_from_slice(&unit.to_be_bytes());
                    }
                }
            }
        }
        if !run.is_empty() {
            self.show(run_font, size, &run);
        }
    }

    fn show(&mut self, font: Name<'static>, size: f32, bytes: &[u8]) {
        let wanted = (font, size.to_bits());
        if self.current_font != Some(wanted) {
            self.content.set_font(font, size);
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

/// Variation selectors: the standardized ones and the ideographic ones
/// (IVS) that pick a registered form of a kanji.
fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{fe00}'..='\u{fe0f}' | '\u{e0100}'..='\u{e01ef}')
}

#[cfg(test)]
mod tests {
    use super::*;

    use ttf_parser::name_id;

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

    const SAMPLE_TITLE: &str = "検針のお知らせ";

    fn sample_pdf() -> Vec<u8> {
        let lines = sample_lines();
        render(&PdfNotice {
            title: SAMPLE_TITLE,
            lines: &lines,
        })
    }

    fn font_face() -> Face<'static> {
        Face::parse(FONT_DATA, 0).expect("the bundled font parses")
    }

    /// The glyphs `render` assigns for this notice: laying it out again
    /// numbers them the same way.
    fn laid_out<'f>(face: &'f Face<'static>, title: &str, lines: &[String]) -> Glyphs<'f> {
        let mut glyphs = Glyphs::new(Some(face));
        page_content(&PdfNotice { title, lines }, &mut glyphs);
        glyphs
    }

    /// `text` shown in the embedded font, exactly as pdf-writer writes the
    /// operation (literal or hex string, with its escapes).
    fn shown(glyphs: &mut Glyphs<'_>, text: &str) -> Vec<u8> {
        let mut codes = Vec::new();
        for c in text.chars() {
            let cid = glyphs.cid(c, None).expect("the font has the character");
            codes.extend_from_slice(&cid.to_be_bytes());
        }
        let mut content = Content::new();
        content.show(Str(&codes));
        content.finish().to_vec()
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
    fn the_bundled_font_is_the_one_named() {
        let face = font_face();
        let name = face
            .names()
            .into_iter()
            .filter(|name| name.name_id == name_id::POST_SCRIPT_NAME)
            .find_map(|name| name.to_string());
        assert_eq!(name.as_deref(), Some(FONT_POSTSCRIPT_NAME));
    }

    #[test]
    fn embeds_a_truetype_subset_addressed_by_glyph_id() {
        let pdf = sample_pdf();
        assert!(contains(&pdf, b"/Subtype /CIDFontType2"));
        assert!(contains(&pdf, b"/Encoding /Identity-H"));
        assert!(contains(&pdf, b"/CIDToGIDMap /Identity"));
        assert!(contains(&pdf, b"/Ordering (Identity)"));
        assert!(contains(&pdf, b"/FontFile2 8 0 R"));
        assert!(contains(&pdf, b"/Length1 "));
        assert!(contains(&pdf, b"+BIZUDGothic-Regular"));
        // A subset, not the 4.7 MB font.
        assert!(pdf.len() < 100_000, "{} bytes", pdf.len());
    }

    #[test]
    fn needs_no_font_from_the_viewer_when_the_font_has_every_character() {
        let pdf = sample_pdf();
        assert!(!contains(&pdf, b"/UniJIS-UTF16-H"));
        assert!(!contains(&pdf, b"/Helvetica"));
        // Not just "/F2": the binary font program could hold those bytes.
        assert!(!contains(&pdf, b"/F2 11 0 R"));
    }

    #[test]
    fn subset_glyphs_keep_their_widths_under_their_new_ids() {
        let face = font_face();
        let lines = sample_lines();
        let mut glyphs = laid_out(&face, SAMPLE_TITLE, &lines);
        let font = glyphs
            .subset()
            .expect("the bundled font subsets")
            .expect("the font is embedded");
        let subset = Face::parse(&font.program, 0).expect("the subset parses");
        for c in "検針0: ".chars() {
            let original = face.glyph_index(c).expect("in the font");
            let cid = glyphs.cid(c, None).expect("in the font");
            assert_eq!(
                subset.glyph_hor_advance(GlyphId(cid)),
                face.glyph_hor_advance(original),
                "{c}"
            );
        }
        assert!(font.program.len() < FONT_DATA.len() / 50);
    }

    #[test]
    fn widths_are_in_thousandths_of_an_em() {
        let face = font_face();
        let lines = sample_lines();
        let mut glyphs = laid_out(&face, SAMPLE_TITLE, &lines);
        let widths = glyphs.widths(&face);
        let width_of = |cid: Option<u16>| cid.and_then(|cid| widths.get(usize::from(cid)).copied());
        assert_eq!(width_of(glyphs.cid('検', None)), Some(1000.0));
        assert_eq!(width_of(glyphs.cid('3', None)), Some(500.0));
    }

    #[test]
    fn japanese_body_line_is_shown_by_glyph_id() {
        let face = font_face();
        let lines = sample_lines();
        let mut glyphs = laid_out(&face, SAMPLE_TITLE, &lines);
        let expected = shown(&mut glyphs, "検針日をお知らせします");
        assert!(contains(&sample_pdf(), &expected));
    }

    #[test]
    fn mixed_line_is_one_run_in_the_embedded_font() {
        let face = font_face();
        let lines = sample_lines();
        let mut glyphs = laid_out(&face, SAMPLE_TITLE, &lines);
        let pdf = sample_pdf();
        assert!(contains(
            &pdf,
            &shown(&mut glyphs, "お客様番号: 3100000001")
        ));
        assert!(contains(&pdf, &shown(&mut glyphs, "ご請求金額: 10,296円")));
    }

    #[test]
    fn to_unicode_maps_glyph_ids_back_to_the_text() {
        let face = font_face();
        let lines = sample_lines();
        let mut glyphs = laid_out(&face, SAMPLE_TITLE, &lines);
        let pdf = sample_pdf();
        assert!(contains(&pdf, b"/ToUnicode 9 0 R"));
        for (c, unicode) in [('金', "91D1"), ('1', "0031"), (' ', "0020")] {
            let cid = glyphs.cid(c, None).expect("in the font");
            let entry = format!("<{cid:04X}> <{unicode}>");
            assert!(contains(&pdf, entry.as_bytes()), "{entry}");
        }
    }

    #[test]
    fn title_is_stored_as_utf16be_with_bom() {
        let pdf = sample_pdf();
        let title = format!("/Title <FEFF{}>", utf16be_hex(SAMPLE_TITLE));
        assert!(contains(&pdf, title.as_bytes()));
        assert!(contains(&pdf, b"/Producer (water-portal)"));
    }

    #[test]
    fn characters_missing_from_the_font_use_the_fallback_font() {
        let face = font_face();
        assert_eq!(face.glyph_index('𠮷'), None, "pick another example");
        let lines = vec!["𠮷野 様".to_string()];
        let pdf = render(&PdfNotice {
            title: "t",
            lines: &lines,
        });
        let mut glyphs = laid_out(&face, "t", &lines);
        let mut expected =
            format!("/F2 11 Tf\n<{}> Tj\n/F1 11 Tf\n", utf16be_hex("𠮷")).into_bytes();
        expected.extend(shown(&mut glyphs, "野 様"));
        assert!(contains(&pdf, &expected));
        assert!(contains(&pdf, b"/Encoding /UniJIS-UTF16-H"));
        assert!(contains(&pdf, b"/Ordering (Japan1)"));
        assert!(!contains(&pdf, b"<D842DFB7> <D842DFB7>"));
    }

    #[test]
    fn a_variation_sequence_gets_its_own_glyph_and_text() {
        let face = font_face();
        let lines = vec!["辻\u{e0100} 辻".to_string()];
        let mut glyphs = laid_out(&face, "t", &lines);
        let one_dot = glyphs
            .cid('辻', Some('\u{e0100}'))
            .expect("the font has the IVS");
        let plain = glyphs.cid('辻', None).expect("in the font");
        assert_ne!(one_dot, plain);

        let pdf = render(&PdfNotice {
            title: "t",
            lines: &lines,
        });
        let entry = format!("<{one_dot:04X}> <{}>", utf16be_hex("辻\u{e0100}"));
        assert!(contains(&pdf, entry.as_bytes()), "{entry}");
        // Not just "/F2": the binary font program could hold those bytes.
        assert!(!contains(&pdf, b"/F2 11 0 R"));
    }

    #[test]
    fn control_characters_are_dropped_and_tabs_become_spaces() {
        let face = font_face();
        let lines = vec!["a\tb\u{7}c".to_string()];
        let pdf = render(&PdfNotice {
            title: "t",
            lines: &lines,
        });
        let mut glyphs = laid_out(&face, "t", &lines);
        assert!(contains(&pdf, &shown(&mut glyphs, "a bc")));
    }

    #[test]
    fn without_the_font_everything_goes_through_the_fallback() {
        let lines = sample_lines();
        let pdf = render_without_embedding(&PdfNotice {
            title: SAMPLE_TITLE,
            lines: &lines,
        });
        assert!(!contains(&pdf, b"/FontFile2"));
        assert!(!contains(&pdf, b"/F1 5 0 R"));
        let shown = format!("<{}> Tj", utf16be_hex("検針日をお知らせします"));
        assert!(contains(&pdf, shown.as_bytes()));
    }
}

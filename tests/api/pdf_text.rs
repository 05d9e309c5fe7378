//! Reads back the text of a notice PDF that `documents::pdf` drew, the way a
//! PDF reader would: codes shown in the embedded font (`/F1`) through its
//! ToUnicode CMap, codes shown in the fallback font (`/F2`) as UTF-16BE.
//!
//! Only for this service's own PDFs, which are uncompressed and written by
//! pdf-writer in one known layout; it is no general PDF parser.

use std::collections::HashMap;

/// The page's text, one line per text line (`Td`).
pub fn notice_text(pdf: &[u8]) -> String {
    let to_unicode = to_unicode_map(pdf);
    let content = content_stream(pdf).expect("the PDF has a page content stream");
    let mut text = String::new();
    let mut font: Vec<u8> = Vec::new();
    let mut operands: Vec<Token> = Vec::new();
    let mut at = 0;
    while let Some((token, next)) = next_token(content, at) {
        at = next;
        match token {
            Token::Operator(op) => {
                match op.as_slice() {
                    b"Tf" => {
                        if let Some(Token::Name(name)) = operands.first() {
                            font = name.clone();
                        }
                    }
                    b"Tj" => {
                        if let Some(Token::Str(bytes)) = operands.last() {
                            decode(&font, bytes, &to_unicode, &mut text);
                        }
                    }
                    b"Td" => text.push('\n'),
                    _ => {}
                }
                operands.clear();
            }
            operand => operands.push(operand),
        }
    }
    text
}

fn decode(font: &[u8], bytes: &[u8], to_unicode: &HashMap<u16, String>, text: &mut String) {
    let codes = bytes
        .chunks(2)
        .map(|pair| u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]));
    if font == b"F1" {
        for code in codes {
            text.push_str(to_unicode.get(&code).map_or("\u{fffd}", String::as_str));
        }
    } else {
        text.extend(char::decode_utf16(codes).map(|c| c.unwrap_or('\u{fffd}')));
    }
}

/// The ToUnicode CMap's `<code> <text>` lines (pdf-writer writes bfchar only).
fn to_unicode_map(pdf: &[u8]) -> HashMap<u16, String> {
    let mut map = HashMap::new();
    let text = String::from_utf8_lossy(pdf);
    for block in text.split("beginbfchar\n").skip(1) {
        let block = block.split("endbfchar").next().unwrap_or("");
        for line in block.lines() {
            let mut parts = line.split(['<', '>', ' ']).filter(|p| !p.is_empty());
            let (Some(code), Some(target)) = (parts.next(), parts.next()) else {
                continue;
            };
            let Ok(code) = u16::from_str_radix(code, 16) else {
                continue;
            };
            let units: Vec<u16> = (0..target.len() / 4)
                .filter_map(|i| u16::from_str_radix(&target[4 * i..4 * i + 4], 16).ok())
                .collect();
            let decoded: String = char::decode_utf16(units)
                .map(|c| c.unwrap_or('\u{fffd}'))
                .collect();
            map.insert(code, decoded);
        }
    }
    map
}

/// The bytes of the stream that the page's `/Contents` names.
fn content_stream(pdf: &[u8]) -> Option<&[u8]> {
    let id = after(pdf, b"/Contents ", 0)
        .map(|start| &pdf[start..])
        .and_then(|rest| rest.split(|&b| b == b' ').next())?;
    let mut header = b"\n".to_vec();
    header.extend_from_slice(id);
    header.extend_from_slice(b" 0 obj\n");
    let object = after(pdf, &header, 0)?;
    let length = after(pdf, b"/Length ", object)
        .map(|start| &pdf[start..])
        .and_then(|rest| rest.split(|b| !b.is_ascii_digit()).next())
        .and_then(|digits| std::str::from_utf8(digits).ok()?.parse::<usize>().ok())?;
    let start = after(pdf, b"stream\n", object)?;
    pdf.get(start..start + length)
}

/// The index just past the first `needle` at or after `from`.
fn after(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| from + i + needle.len())
}

enum Token {
    Name(Vec<u8>),
    Str(Vec<u8>),
    Operator(Vec<u8>),
    Number,
}

fn next_token(content: &[u8], mut at: usize) -> Option<(Token, usize)> {
    while content.get(at)?.is_ascii_whitespace() {
        at += 1;
    }
    match content[at] {
        b'(' => literal_string(content, at + 1),
        b'<' => {
            let end = at + content[at..].iter().position(|&b| b == b'>')?;
            let hex = std::str::from_utf8(&content[at + 1..end]).ok()?;
            let bytes = (0..hex.len() / 2)
                .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
                .collect();
            Some((Token::Str(bytes), end + 1))
        }
        b'/' => {
            let word = word(content, at + 1);
            Some((Token::Name(word.to_vec()), at + 1 + word.len()))
        }
        first => {
            let word = word(content, at);
            let next = at + word.len().max(1);
            if first.is_ascii_alphabetic() || first == b'\'' || first == b'"' {
                Some((Token::Operator(word.to_vec()), next))
            } else {
                Some((Token::Number, next))
            }
        }
    }
}

fn word(content: &[u8], at: usize) -> &[u8] {
    let len = content[at..]
        .iter()
        .position(|&b| b.is_ascii_whitespace() || b"()<>[]{}/%".contains(&b))
        .unwrap_or(content.len() - at);
    &content[at..at + len]
}

/// A `( … )` string from just past its `(`: nested parentheses stay (pdf-writer
/// leaves balanced ones unescaped), escapes are undone, octal ones included.
fn literal_string(content: &[u8], mut at: usize) -> Option<(Token, usize)> {
    let mut bytes = Vec::new();
    let mut depth = 0;
    loop {
        let byte = *content.get(at)?;
        at += 1;
        match byte {
            b'\\' => {
                let escaped = *content.get(at)?;
                at += 1;
                match escaped {
                    b'n' => bytes.push(b'\n'),
                    b'r' => bytes.push(b'\r'),
                    b't' => bytes.push(b'\t'),
                    b'b' => bytes.push(0x08),
                    b'f' => bytes.push(0x0c),
                    b'0'..=b'7' => {
                        let mut value = u32::from(escaped - b'0');
                        for _ in 0..2 {
                            match content.get(at) {
                                Some(&d @ b'0'..=b'7') => {
                                    value = value * 8 + u32::from(d - b'0');
                                    at += 1;
                                }
                                _ => break,
                            }
                        }
                        bytes.push(u8::try_from(value & 0xff).ok()?);
                    }
                    other => bytes.push(other),
                }
            }
            b'(' => {
                depth += 1;
                bytes.push(byte);
            }
            b')' if depth == 0 => return Some((Token::Str(bytes), at)),
            b')' => {
                depth -= 1;
                bytes.push(byte);
            }
            _ => bytes.push(byte),
        }
    }
}

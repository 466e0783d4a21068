//! Reading dBASE `.dbf` attribute tables (the attribute part of an ESRI Shapefile), and
//! writing minimal ones for tests and fixtures.
//!
//! # Text encoding
//!
//! The encoding of a `.dbf` is decided **once for the whole file**: field names and all
//! text values are decoded with the same encoding. The first of these that applies wins:
//!
//! 1. an explicit `encoding` setting passed by the caller (from `plan.toml`),
//!    [`EncodingSource::Setting`];
//! 2. the label in the Shapefile's `.cpg` file, when [`encoding_from_label`] knows it
//!    (an unknown or empty label is ignored), [`EncodingSource::Cpg`];
//! 3. the language-driver (code page) byte at offset 29 of the header, when it names a
//!    Chinese code page: `0x4D` and `0x7A` are GBK, `0x4F` and `0x78` are Big5. Every
//!    other value, including `0x00` and `0x57` ("current ANSI code page"), says nothing,
//!    [`EncodingSource::CodePageByte`];
//! 4. detection over the whole file: if the bytes of every field name and every `C`
//!    (character) value are valid UTF-8, the file is UTF-8
//!    ([`EncodingSource::DetectedUtf8`]); if any one of them is not, the file is GBK
//!    ([`EncodingSource::DetectedGbk`]).
//!
//! GBK is always decoded as GB18030, its superset, so [`DbfTable::encoding`] is
//! [`encoding_rs::GB18030`] for every GBK-family source.
//!
//! Deciding string by string would be wrong: short GBK strings can happen to be valid
//! UTF-8 (`省` in GBK is the bytes `CA A1`, which read as UTF-8 are `ʡ`). In a real file the
//! other, longer strings give the encoding away; a file whose only text is such a string
//! is read as UTF-8, and a `.cpg` file or the `encoding` setting is how the user says
//! otherwise.
//!
//! A field written by a tool that cuts text to the field width by bytes may end in the
//! first bytes of a multi-byte character. When a value fills its whole field (or a field
//! name fills its 10 bytes), such an incomplete last character does not count against
//! UTF-8 in detection, and it is dropped when decoding.
//!
//! # Values
//!
//! * `C` (character): trailing spaces and NULs removed; empty text is [`Value::Null`].
//! * `N` and `F` (numeric): blank, or filled with `*` (dBASE's overflow mark), is
//!   [`Value::Null`], a missing value, never a zero. A comma decimal separator (`12,5`) is
//!   accepted. Anything else that is not a finite number is [`DbfError::BadValue`].
//! * `L` (logical): `T t Y y` are true, `F f N n` false, `?` or blank is null.
//! * `D` (date): `YYYYMMDD` becomes the text `YYYY-MM-DD`; blank or all zeros is null.
//! * Any other type: the trimmed text, as for `C`.
//!
//! Deleted records are kept (see [`DbfTable::deleted`]). A malformed value in a deleted
//! record is read as [`Value::Null`] instead of failing the file, since the record is not
//! data any more.
//!
//! Reading never panics, whatever the bytes: every length in the header is checked
//! against the data before it is used.

use std::fmt;

use encoding_rs::{CoderResult, Encoding, BIG5, GB18030, GBK, UTF_8};

use super::value::Value;

/// Length of the fixed part of the header.
const HEADER_LEN: usize = 32;
/// Length of one field descriptor in the header.
const DESCRIPTOR_LEN: usize = 32;
/// Byte that ends the field descriptors.
const DESCRIPTOR_TERMINATOR: u8 = 0x0D;
/// Offset of the language-driver (code page) byte in the header.
const CODE_PAGE_OFFSET: usize = 29;
/// Number of bytes a field name may use (the 11th byte is its NUL terminator).
const NAME_MAX: usize = 10;

/// One column of a `.dbf` table, as described in its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbfField {
    /// Field name, decoded with the file's encoding.
    pub name: String,
    /// dBASE type letter as stored: `'C'` text, `'N'`/`'F'` number, `'L'` logical,
    /// `'D'` date, or any other byte.
    pub kind: char,
    /// Width of the field in each record, in bytes.
    pub length: u8,
    /// Number of decimal places (numeric fields).
    pub decimals: u8,
}

/// A whole `.dbf` table read into memory.
#[derive(Debug, Clone, PartialEq)]
pub struct DbfTable {
    /// The columns, in file order.
    pub fields: Vec<DbfField>,
    /// One row per record in file order, deleted records included; each row has one
    /// value per field.
    pub records: Vec<Vec<Value>>,
    /// For each record, whether its deletion flag is set (`*`).
    pub deleted: Vec<bool>,
    /// The encoding every field name and text value was decoded with.
    pub encoding: &'static Encoding,
    /// What decided [`DbfTable::encoding`].
    pub encoding_source: EncodingSource,
}

/// What decided the text encoding of a `.dbf` file, in order of priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EncodingSource {
    /// The caller's explicit `encoding` setting.
    Setting,
    /// The label in the Shapefile's `.cpg` file.
    Cpg,
    /// The language-driver (code page) byte in the `.dbf` header.
    CodePageByte,
    /// Nothing said otherwise and all text in the file is valid UTF-8.
    DetectedUtf8,
    /// Nothing said otherwise and some text in the file is not valid UTF-8.
    DetectedGbk,
}

impl fmt::Display for EncodingSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EncodingSource::Setting => "the encoding setting",
            EncodingSource::Cpg => "the .cpg file",
            EncodingSource::CodePageByte => "the code page byte of the .dbf header",
            EncodingSource::DetectedUtf8 => "detection (all text is valid UTF-8)",
            EncodingSource::DetectedGbk => "detection (some text is not valid UTF-8)",
        })
    }
}

/// Why a `.dbf` file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbfError {
    /// The file is shorter than its header says it is.
    Truncated {
        /// Bytes the header (or the fixed header size) calls for.
        expected: usize,
        /// Bytes actually present.
        found: usize,
    },
    /// The header is inconsistent; the text says how.
    BadHeader(String),
    /// A value cannot be read as its field's type.
    BadValue {
        /// 0-based index of the record, counting deleted records (as shapefile FIDs do).
        record: usize,
        /// Name of the field.
        field: String,
        /// The offending text, trimmed.
        text: String,
    },
}

impl fmt::Display for DbfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbfError::Truncated { expected, found } => write!(
                f,
                "the .dbf file is truncated: its header calls for {expected} bytes but the file has only {found}"
            ),
            DbfError::BadHeader(why) => write!(f, "the .dbf header is invalid: {why}"),
            DbfError::BadValue {
                record,
                field,
                text,
            } => write!(
                f,
                "record {record} (0-based), field \"{field}\": the value {text:?} cannot be read as this field's type"
            ),
        }
    }
}

impl std::error::Error for DbfError {}

/// A field descriptor before decoding.
struct RawField<'a> {
    /// Name bytes before the NUL, trailing spaces removed.
    name: &'a [u8],
    /// Whether the name uses all the bytes a name may have (it may have been cut).
    name_full: bool,
    kind: u8,
    length: u8,
    decimals: u8,
    /// Offset of the field within a record (the deletion flag is at 0).
    offset: usize,
}

impl RawField<'_> {
    /// The bytes of this field in one record. The layout check guarantees the range.
    fn cell<'r>(&self, record: &'r [u8]) -> &'r [u8] {
        record
            .get(self.offset..self.offset + usize::from(self.length))
            .unwrap_or(&[])
    }
}

/// The checked structure of a `.dbf` file.
struct Layout<'a> {
    fields: Vec<RawField<'a>>,
    /// Each record's bytes, deletion flag first.
    records: Vec<&'a [u8]>,
    code_page: u8,
}

/// Parse a whole `.dbf` file already in memory.
///
/// `setting` is the caller's explicit encoding (it wins over everything) and `cpg` the
/// contents of the Shapefile's `.cpg` file, if any; see the module documentation for how
/// the encoding is decided. Never panics: malformed input gives an error.
pub fn read_dbf(
    bytes: &[u8],
    setting: Option<&'static Encoding>,
    cpg: Option<&str>,
) -> Result<DbfTable, DbfError> {
    let layout = parse_layout(bytes)?;
    let (encoding, encoding_source) = decide_encoding(&layout, setting, cpg);

    let fields: Vec<DbfField> = layout
        .fields
        .iter()
        .map(|raw| DbfField {
            name: decode_text(encoding, raw.name, raw.name_full),
            kind: char::from(raw.kind),
            length: raw.length,
            decimals: raw.decimals,
        })
        .collect();

    let mut records = Vec::with_capacity(layout.records.len());
    let mut deleted = Vec::with_capacity(layout.records.len());
    for (index, record) in layout.records.iter().enumerate() {
        let is_deleted = record.first() == Some(&b'*');
        let mut row = Vec::with_capacity(fields.len());
        for (raw, field) in layout.fields.iter().zip(&fields) {
            match read_value(raw, raw.cell(record), encoding) {
                Ok(value) => row.push(value),
                Err(_) if is_deleted => row.push(Value::Null),
                Err(text) => {
                    return Err(DbfError::BadValue {
                        record: index,
                        field: field.name.clone(),
                        text,
                    })
                }
            }
        }
        records.push(row);
        deleted.push(is_deleted);
    }

    Ok(DbfTable {
        fields,
        records,
        deleted,
        encoding,
        encoding_source,
    })
}

/// Check the header against the data and split the file into fields and records.
fn parse_layout(bytes: &[u8]) -> Result<Layout<'_>, DbfError> {
    if bytes.len() < HEADER_LEN {
        return Err(DbfError::Truncated {
            expected: HEADER_LEN,
            found: bytes.len(),
        });
    }
    let record_count = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
    let header_len = usize::from(u16::from_le_bytes([bytes[8], bytes[9]]));
    let record_len = usize::from(u16::from_le_bytes([bytes[10], bytes[11]]));
    let code_page = bytes[CODE_PAGE_OFFSET];

    if header_len < HEADER_LEN {
        return Err(DbfError::BadHeader(format!(
            "the header length is {header_len} bytes, less than the 32-byte fixed header"
        )));
    }
    if bytes.len() < header_len {
        return Err(DbfError::Truncated {
            expected: header_len,
            found: bytes.len(),
        });
    }

    // Field descriptors run from offset 32 to the 0x0D terminator. Some writers leave the
    // terminator out; the descriptors then end where the header does.
    let mut fields = Vec::new();
    let mut offset = 1; // the deletion flag comes first in each record
    let mut pos = HEADER_LEN;
    while pos + DESCRIPTOR_LEN <= header_len && bytes[pos] != DESCRIPTOR_TERMINATOR {
        let descriptor = &bytes[pos..pos + DESCRIPTOR_LEN];
        let name_area = &descriptor[..=NAME_MAX];
        let name_end = name_area
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(name_area.len());
        let name_full = name_end >= NAME_MAX;
        let name = trim_end(&name_area[..name_end]);
        let length = descriptor[16];
        fields.push(RawField {
            name,
            name_full,
            kind: descriptor[11],
            length,
            decimals: descriptor[17],
            offset,
        });
        offset += usize::from(length);
        pos += DESCRIPTOR_LEN;
    }

    // `offset` is now 1 + the sum of the field lengths: what one record needs.
    if record_len < offset {
        return Err(DbfError::BadHeader(format!(
            "the record length is {record_len} bytes, but the deletion flag and the {} fields need {offset}",
            fields.len()
        )));
    }

    let record_count = usize::try_from(record_count).map_err(|_| {
        DbfError::BadHeader(format!("the record count {record_count} is too large"))
    })?;
    let expected = record_count
        .checked_mul(record_len)
        .and_then(|data| data.checked_add(header_len))
        .ok_or_else(|| {
            DbfError::BadHeader(format!(
                "{record_count} records of {record_len} bytes are more than this machine can address"
            ))
        })?;
    if bytes.len() < expected {
        return Err(DbfError::Truncated {
            expected,
            found: bytes.len(),
        });
    }

    // record_len >= 1 here, and the data is all present.
    let records = bytes[header_len..expected]
        .chunks_exact(record_len)
        .collect();
    Ok(Layout {
        fields,
        records,
        code_page,
    })
}

/// Decide the encoding of the whole file; see the module documentation for the order.
fn decide_encoding(
    layout: &Layout<'_>,
    setting: Option<&'static Encoding>,
    cpg: Option<&str>,
) -> (&'static Encoding, EncodingSource) {
    if let Some(encoding) = setting {
        return (widen_gbk(encoding), EncodingSource::Setting);
    }
    if let Some(encoding) = cpg.and_then(encoding_from_label) {
        return (encoding, EncodingSource::Cpg);
    }
    if let Some(encoding) = encoding_from_code_page_byte(layout.code_page) {
        return (encoding, EncodingSource::CodePageByte);
    }
    if all_text_is_utf8(layout) {
        (UTF_8, EncodingSource::DetectedUtf8)
    } else {
        (GB18030, EncodingSource::DetectedGbk)
    }
}

/// The encoding named by a header's language-driver byte; only the Chinese ones are known.
fn encoding_from_code_page_byte(byte: u8) -> Option<&'static Encoding> {
    match byte {
        0x4D | 0x7A => Some(GB18030),
        0x4F | 0x78 => Some(BIG5),
        _ => None,
    }
}

/// Whether every field name and every `C` value of the file is valid UTF-8.
fn all_text_is_utf8(layout: &Layout<'_>) -> bool {
    let names_ok = layout
        .fields
        .iter()
        .all(|field| is_utf8_allowing_cut(field.name, field.name_full));
    let text_fields: Vec<&RawField<'_>> = layout
        .fields
        .iter()
        .filter(|field| field.kind.eq_ignore_ascii_case(&b'C'))
        .collect();
    names_ok
        && layout.records.iter().all(|record| {
            text_fields.iter().all(|field| {
                let cell = field.cell(record);
                let text = trim_end(cell);
                is_utf8_allowing_cut(text, text.len() == cell.len())
            })
        })
}

/// Whether `bytes` is valid UTF-8, or, when it may have been cut at a field's width,
/// valid UTF-8 followed by the start of one more character.
fn is_utf8_allowing_cut(bytes: &[u8], may_be_cut: bool) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        // `error_len() == None`: the input ended inside a character that was valid so far.
        Err(error) => may_be_cut && error.error_len().is_none(),
    }
}

/// Decode `bytes` with `encoding`, replacing malformed sequences. When `may_be_cut`, an
/// incomplete character at the end is dropped instead of becoming U+FFFD.
fn decode_text(encoding: &'static Encoding, bytes: &[u8], may_be_cut: bool) -> String {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::new();
    let mut input = bytes;
    loop {
        let room = decoder
            .max_utf8_buffer_length(input.len())
            .unwrap_or_else(|| input.len().saturating_mul(3).saturating_add(16));
        out.reserve(room);
        // `last == false` keeps a trailing incomplete character pending; it is then
        // never emitted, because the decoder is dropped.
        let (result, read, _) = decoder.decode_to_string(input, &mut out, !may_be_cut);
        input = input.get(read..).unwrap_or(&[]);
        match result {
            CoderResult::InputEmpty => return out,
            CoderResult::OutputFull => continue,
        }
    }
}

/// Remove trailing spaces and NULs.
fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|&b| b != b' ' && b != 0)
        .map_or(0, |last| last + 1);
    &bytes[..end]
}

/// Remove leading and trailing spaces and NULs.
fn trim(bytes: &[u8]) -> &[u8] {
    let trimmed = trim_end(bytes);
    let start = trimmed
        .iter()
        .position(|&b| b != b' ' && b != 0)
        .unwrap_or(trimmed.len());
    &trimmed[start..]
}

/// Read one cell. The error is the offending text, for [`DbfError::BadValue`].
fn read_value(
    field: &RawField<'_>,
    cell: &[u8],
    encoding: &'static Encoding,
) -> Result<Value, String> {
    match field.kind.to_ascii_uppercase() {
        b'C' => {
            let text = trim_end(cell);
            if text.is_empty() {
                Ok(Value::Null)
            } else {
                Ok(Value::Text(decode_text(
                    encoding,
                    text,
                    text.len() == cell.len(),
                )))
            }
        }
        b'N' | b'F' => {
            let text = trim(cell);
            if text.iter().all(|&b| b == b'*') {
                // Also true for blank text.
                Ok(Value::Null)
            } else {
                parse_number(text)
                    .map(Value::Number)
                    .ok_or_else(|| decode_text(encoding, text, false))
            }
        }
        b'L' => match trim(cell) {
            [] | [b'?'] => Ok(Value::Null),
            [b'T' | b't' | b'Y' | b'y'] => Ok(Value::Bool(true)),
            [b'F' | b'f' | b'N' | b'n'] => Ok(Value::Bool(false)),
            other => Err(decode_text(encoding, other, false)),
        },
        b'D' => {
            let text = trim(cell);
            if text.iter().all(|&b| b == b'0') {
                // Also true for blank text.
                Ok(Value::Null)
            } else {
                parse_date(text).ok_or_else(|| decode_text(encoding, text, false))
            }
        }
        _ => {
            let text = trim(cell);
            if text.is_empty() {
                Ok(Value::Null)
            } else {
                let cut = trim_end(cell).len() == cell.len();
                Ok(Value::Text(decode_text(encoding, text, cut)))
            }
        }
    }
}

/// Parse a trimmed numeric cell. Accepts an optional sign, digits, one decimal point or
/// one decimal comma, and an exponent; the result must be finite.
fn parse_number(text: &[u8]) -> Option<f64> {
    if !text
        .iter()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b',' | b'e' | b'E'))
    {
        return None;
    }
    let text = std::str::from_utf8(text).ok()?;
    let commas = text.bytes().filter(|&b| b == b',').count();
    let number: f64 = match commas {
        0 => text.parse().ok()?,
        1 if !text.contains('.') => text.replace(',', ".").parse().ok()?,
        _ => return None,
    };
    number.is_finite().then_some(number)
}

/// Parse a trimmed `YYYYMMDD` date into the text `YYYY-MM-DD`.
fn parse_date(text: &[u8]) -> Option<Value> {
    if text.len() != 8 || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let text = std::str::from_utf8(text).ok()?;
    let (year, rest) = text.split_at(4);
    let (month, day) = rest.split_at(2);
    let month_ok = matches!(month.parse::<u8>(), Ok(1..=12));
    let day_ok = matches!(day.parse::<u8>(), Ok(1..=31));
    (month_ok && day_ok).then(|| Value::Text(format!("{year}-{month}-{day}")))
}

/// GBK is read as GB18030, its superset.
fn widen_gbk(encoding: &'static Encoding) -> &'static Encoding {
    if encoding == GBK {
        GB18030
    } else {
        encoding
    }
}

/// Map an encoding label, as found in `.cpg` files and in `plan.toml`, to an encoding.
///
/// Knows Windows code page numbers (`936`, `CP936`, `ANSI 936`, `65001`, `1252`, ...), the
/// ESRI `8859N` style (`88591`), and the WHATWG labels (`UTF-8`, `utf8`, `GBK`, `gb2312`,
/// `GB18030`, `Big5`, `ISO-8859-1`, `latin1`, ...), case-insensitively and ignoring
/// surrounding whitespace and a byte-order mark. GBK, GB2312 and 936 map to GB18030, their
/// superset. As in WHATWG, ISO-8859-1 maps to windows-1252. UTF-16 labels, which no `.dbf`
/// can use, and unknown labels give `None`.
pub fn encoding_from_label(label: &str) -> Option<&'static Encoding> {
    let label = label
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .to_ascii_lowercase();
    if label.is_empty() {
        return None;
    }
    let number = ["ansi", "cp", "ms", "windows", "ibm", "oem"]
        .iter()
        .find_map(|prefix| label.strip_prefix(prefix))
        .unwrap_or(&label)
        .trim_start_matches([' ', '-', '_']);
    let encoding = if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) {
        encoding_from_code_page_number(number)?
    } else {
        match label.as_str() {
            "utf8" | "utf-8" | "utf_8" => UTF_8,
            "gb18030" | "gb-18030" | "gb_18030" => GB18030,
            _ => Encoding::for_label_no_replacement(label.as_bytes())?,
        }
    };
    if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
        return None;
    }
    Some(widen_gbk(encoding))
}

/// Map a code page number (Windows `936`, or ESRI's `88591` for ISO-8859-1) to an encoding.
fn encoding_from_code_page_number(number: &str) -> Option<&'static Encoding> {
    let by_label = |label: String| Encoding::for_label_no_replacement(label.as_bytes());
    if let Some(part) = number.strip_prefix("8859") {
        return by_label(format!("iso-8859-{part}"));
    }
    match number.parse::<u32>().ok()? {
        65001 => Some(UTF_8),
        936 | 20936 | 54936 => Some(GB18030),
        950 => Some(BIG5),
        932 => Some(encoding_rs::SHIFT_JIS),
        949 => Some(encoding_rs::EUC_KR),
        866 => Some(encoding_rs::IBM866),
        874 => Some(encoding_rs::WINDOWS_874),
        20866 => Some(encoding_rs::KOI8_R),
        21866 => Some(encoding_rs::KOI8_U),
        10000 => Some(encoding_rs::MACINTOSH),
        n @ 1250..=1258 => by_label(format!("windows-{n}")),
        n @ 28591..=28606 => by_label(format!("iso-8859-{}", n - 28590)),
        _ => None,
    }
}

/// Write a minimal dBASE III table, for tests and fixtures.
///
/// Fields are meant to be of kind `'C'` (text) or `'N'` (numbers); `'F'`, `'L'` and `'D'`
/// also work. Field names are cut to 10 bytes and text to the field width, both at
/// character boundaries, and encoded with `encoding`; `code_page_byte` goes to header
/// byte 29. Every value is written as text, whatever the field's kind, so fixtures can hold
/// malformed cells (`Value::Text("abc")` in a numeric field): [`Value::Null`] is blank,
/// booleans are `T`/`F`, numbers in numeric fields are formatted with the field's decimals
/// and right-aligned (`*` fill when they do not fit, blank when not finite), and a date
/// text `YYYY-MM-DD` in a `'D'` field loses its dashes. A record with fewer values than
/// fields is padded with blanks; extra values are ignored. The header date is fixed
/// (2000-01-01) so that output is reproducible.
///
/// # Panics
///
/// If the table cannot be a dBASE file: more than 2046 fields (header over 65535 bytes),
/// a record wider than 65535 bytes, or more than `u32::MAX` records.
pub fn write_dbf(
    fields: &[DbfField],
    records: &[Vec<Value>],
    encoding: &'static Encoding,
    code_page_byte: u8,
) -> Vec<u8> {
    let header_len = u16::try_from(HEADER_LEN + DESCRIPTOR_LEN * fields.len() + 1)
        .expect("a .dbf file holds at most 2046 fields");
    let record_len = u16::try_from(1 + fields.iter().map(|f| usize::from(f.length)).sum::<usize>())
        .expect("a .dbf record is at most 65535 bytes");
    let record_count =
        u32::try_from(records.len()).expect("a .dbf file holds at most u32::MAX records");

    let mut out =
        Vec::with_capacity(usize::from(header_len) + records.len() * usize::from(record_len) + 1);
    out.extend_from_slice(&[0x03, 100, 1, 1]); // dBASE III, last update 2000-01-01
    out.extend_from_slice(&record_count.to_le_bytes());
    out.extend_from_slice(&header_len.to_le_bytes());
    out.extend_from_slice(&record_len.to_le_bytes());
    let mut rest = [0u8; HEADER_LEN - 12];
    rest[CODE_PAGE_OFFSET - 12] = code_page_byte;
    out.extend_from_slice(&rest);

    for field in fields {
        let mut descriptor = [0u8; DESCRIPTOR_LEN];
        let name = encode_fitting(encoding, &field.name, NAME_MAX);
        descriptor[..name.len()].copy_from_slice(&name);
        // A non-ASCII kind cannot be stored as one byte; write '?' for it.
        descriptor[11] = u8::try_from(field.kind).unwrap_or(b'?');
        descriptor[16] = field.length;
        descriptor[17] = field.decimals;
        out.extend_from_slice(&descriptor);
    }
    out.push(DESCRIPTOR_TERMINATOR);

    for record in records {
        out.push(b' ');
        for (index, field) in fields.iter().enumerate() {
            let value = record.get(index).unwrap_or(&Value::Null);
            out.extend_from_slice(&render_cell(field, value, encoding));
        }
    }
    out.push(0x1A); // end-of-file marker
    out
}

/// The bytes of one cell, exactly `field.length` long.
fn render_cell(field: &DbfField, value: &Value, encoding: &'static Encoding) -> Vec<u8> {
    let width = usize::from(field.length);
    let kind = field.kind.to_ascii_uppercase();
    let numeric = matches!(kind, 'N' | 'F');
    let text = match value {
        Value::Null => String::new(),
        Value::Bool(b) => if *b { "T" } else { "F" }.to_string(),
        Value::Number(n) if !n.is_finite() => String::new(),
        Value::Number(n) if numeric => format!("{:.*}", usize::from(field.decimals), n),
        Value::Number(n) => n.to_string(),
        Value::Text(s) if kind == 'D' => s.replace('-', ""),
        Value::Text(s) => s.clone(),
    };
    if numeric && matches!(value, Value::Number(_)) && text.len() > width {
        return vec![b'*'; width];
    }
    let encoded = encode_fitting(encoding, &text, width);
    let padding = vec![b' '; width - encoded.len()];
    if numeric {
        [padding, encoded].concat()
    } else {
        [encoded, padding].concat()
    }
}

/// `text` encoded with `encoding`, cut at a character boundary to at most `width` bytes.
fn encode_fitting(encoding: &'static Encoding, text: &str, width: usize) -> Vec<u8> {
    let (whole, _, _) = encoding.encode(text);
    if whole.len() <= width {
        return whole.into_owned();
    }
    let mut best = Vec::new();
    for (start, c) in text.char_indices() {
        let (prefix, _, _) = encoding.encode(&text[..start + c.len_utf8()]);
        if prefix.len() > width {
            break;
        }
        best = prefix.into_owned();
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, kind: char, length: u8, decimals: u8) -> DbfField {
        DbfField {
            name: name.to_string(),
            kind,
            length,
            decimals,
        }
    }

    fn text(s: &str) -> Value {
        Value::Text(s.to_string())
    }

    /// A one-field text table.
    fn text_table(values: &[&str], encoding: &'static Encoding, code_page_byte: u8) -> Vec<u8> {
        let records: Vec<Vec<Value>> = values.iter().map(|v| vec![text(v)]).collect();
        write_dbf(
            &[field("NAME", 'C', 20, 0)],
            &records,
            encoding,
            code_page_byte,
        )
    }

    /// A one-field numeric table holding the given raw cell texts.
    fn numeric_table(cells: &[&str]) -> Vec<u8> {
        let records: Vec<Vec<Value>> = cells.iter().map(|c| vec![text(c)]).collect();
        write_dbf(&[field("AREA", 'N', 10, 2)], &records, UTF_8, 0)
    }

    fn read(bytes: &[u8]) -> Result<DbfTable, DbfError> {
        read_dbf(bytes, None, None)
    }

    /// Pseudo-random bytes from a 64-bit linear congruential generator.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 33
        }

        fn byte(&mut self) -> u8 {
            (self.next() & 0xFF) as u8
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn gbk_table_with_chinese_names_round_trips() {
        let fields = vec![
            field("小区名称", 'C', 40, 0),
            field("户数", 'N', 10, 0),
            field("面积", 'N', 12, 2),
        ];
        let records = vec![
            vec![
                text("幸福小区"),
                Value::Number(1200.0),
                Value::Number(35.25),
            ],
            vec![text("安阳市文峰区"), Value::Number(86.0), Value::Null],
            vec![Value::Null, Value::Null, Value::Number(-0.5)],
        ];
        let bytes = write_dbf(&fields, &records, GB18030, 0x4D);
        // The name really is GBK in the file.
        assert_eq!(
            &bytes[32..40],
            &[0xD0, 0xA1, 0xC7, 0xF8, 0xC3, 0xFB, 0xB3, 0xC6]
        );

        let table = read(&bytes).unwrap();
        assert_eq!(table.fields, fields);
        assert_eq!(table.records, records);
        assert_eq!(table.deleted, vec![false; 3]);
        assert_eq!(table.encoding, GB18030);
        assert_eq!(table.encoding_source, EncodingSource::CodePageByte);
    }

    #[test]
    fn code_page_byte_0x7a_is_gbk_and_0x4f_is_big5() {
        let gbk = read(&text_table(&["省"], GB18030, 0x7A)).unwrap();
        assert_eq!(gbk.records, vec![vec![text("省")]]);
        assert_eq!(gbk.encoding_source, EncodingSource::CodePageByte);

        let big5 = read(&text_table(&["臺北市"], BIG5, 0x4F)).unwrap();
        assert_eq!(big5.encoding, BIG5);
        assert_eq!(big5.records, vec![vec![text("臺北市")]]);
    }

    #[test]
    fn whole_file_detection_reads_short_gbk_string_as_gbk() {
        let bytes = text_table(&["省", "安阳市"], GB18030, 0x00);
        // On its own, 省 in GBK is valid UTF-8.
        assert_eq!(std::str::from_utf8(&[0xCA, 0xA1]), Ok("ʡ"));

        let table = read(&bytes).unwrap();
        assert_eq!(table.encoding_source, EncodingSource::DetectedGbk);
        assert_eq!(table.encoding, GB18030);
        assert_eq!(table.records, vec![vec![text("省")], vec![text("安阳市")]]);
    }

    #[test]
    fn gbk_field_name_alone_decides_gbk() {
        let bytes = write_dbf(
            &[field("户数", 'N', 8, 0)],
            &[vec![Value::Number(3.0)]],
            GB18030,
            0x57,
        );
        let table = read(&bytes).unwrap();
        assert_eq!(table.encoding_source, EncodingSource::DetectedGbk);
        assert_eq!(table.fields[0].name, "户数");
    }

    /// A file whose only text is 省 in GBK (`CA A1`) is valid UTF-8 (`ʡ`), so whole-file
    /// detection picks UTF-8. Nothing in the bytes can tell; the user fixes it with a
    /// `.cpg` file or the `encoding` setting.
    #[test]
    fn lone_gbk_sheng_is_detected_utf8_and_cpg_or_setting_fixes_it() {
        let bytes = text_table(&["省"], GB18030, 0x00);
        assert_eq!(&bytes[66..68], &[0xCA, 0xA1]);

        let detected = read(&bytes).unwrap();
        assert_eq!(detected.encoding_source, EncodingSource::DetectedUtf8);
        assert_eq!(detected.records, vec![vec![text("ʡ")]]);

        let with_cpg = read_dbf(&bytes, None, Some("GBK")).unwrap();
        assert_eq!(with_cpg.encoding_source, EncodingSource::Cpg);
        assert_eq!(with_cpg.encoding, GB18030);
        assert_eq!(with_cpg.records, vec![vec![text("省")]]);

        let with_setting = read_dbf(&bytes, Some(GBK), None).unwrap();
        assert_eq!(with_setting.encoding_source, EncodingSource::Setting);
        assert_eq!(with_setting.encoding, GB18030);
        assert_eq!(with_setting.records, vec![vec![text("省")]]);
    }

    #[test]
    fn utf8_chinese_is_detected_utf8() {
        let bytes = write_dbf(
            &[field("小区名称", 'C', 30, 0)],
            &[vec![text("幸福小区")], vec![text("安阳市")]],
            UTF_8,
            0x00,
        );
        let table = read(&bytes).unwrap();
        assert_eq!(table.encoding_source, EncodingSource::DetectedUtf8);
        assert_eq!(table.encoding, UTF_8);
        // The 12-byte UTF-8 name was cut to 3 whole characters (9 bytes).
        assert_eq!(table.fields[0].name, "小区名");
        assert_eq!(table.records[0], vec![text("幸福小区")]);
    }

    #[test]
    fn cpg_utf8_overrides_code_page_byte() {
        let bytes = text_table(&["幸福小区"], UTF_8, 0x4D);
        let by_byte = read(&bytes).unwrap();
        assert_eq!(by_byte.encoding_source, EncodingSource::CodePageByte);
        assert_ne!(by_byte.records[0], vec![text("幸福小区")]);

        let table = read_dbf(&bytes, None, Some("UTF-8\r\n")).unwrap();
        assert_eq!(table.encoding_source, EncodingSource::Cpg);
        assert_eq!(table.encoding, UTF_8);
        assert_eq!(table.records[0], vec![text("幸福小区")]);
    }

    #[test]
    fn setting_overrides_cpg() {
        let bytes = text_table(&["幸福小区"], GB18030, 0x00);
        let table = read_dbf(&bytes, Some(GB18030), Some("UTF-8")).unwrap();
        assert_eq!(table.encoding_source, EncodingSource::Setting);
        assert_eq!(table.records[0], vec![text("幸福小区")]);
    }

    #[test]
    fn unknown_or_empty_cpg_falls_back_to_code_page_byte_then_detection() {
        let bytes = text_table(&["幸福小区"], GB18030, 0x7A);
        let table = read_dbf(&bytes, None, Some("no-such-encoding")).unwrap();
        assert_eq!(table.encoding_source, EncodingSource::CodePageByte);

        let bytes = text_table(&["幸福小区"], GB18030, 0x03);
        let table = read_dbf(&bytes, None, Some("")).unwrap();
        assert_eq!(table.encoding_source, EncodingSource::DetectedGbk);
        assert_eq!(table.records[0], vec![text("幸福小区")]);
    }

    #[test]
    fn ascii_only_file_is_detected_utf8() {
        let table = read(&text_table(&["Xingfu", ""], UTF_8, 0x00)).unwrap();
        assert_eq!(table.encoding_source, EncodingSource::DetectedUtf8);
        assert_eq!(table.records, vec![vec![text("Xingfu")], vec![Value::Null]]);
    }

    #[test]
    fn utf8_name_cut_inside_a_character_still_detects_utf8() {
        let mut bytes = write_dbf(
            &[field("小区名", 'C', 3, 0)],
            &[vec![text("abc")], vec![text("幸")]],
            UTF_8,
            0x00,
        );
        // The name is 9 bytes; add the first byte of 称 as a byte-cutting writer would.
        bytes[32 + 9] = 0xE7;
        // The first value fills its field and ends in the first two bytes of 福.
        let first_record = 32 + 32 + 1 + 1;
        bytes[first_record + 1..first_record + 3].copy_from_slice(&[0xE7, 0xA6]);

        let table = read(&bytes).unwrap();
        assert_eq!(table.encoding_source, EncodingSource::DetectedUtf8);
        assert_eq!(table.fields[0].name, "小区名");
        assert_eq!(table.records, vec![vec![text("a")], vec![text("幸")]]);
    }

    #[test]
    fn incomplete_character_in_a_short_value_is_not_utf8() {
        let mut bytes = text_table(&["ab"], UTF_8, 0x00);
        // "a" then a lone UTF-8 lead byte, with padding after it: not a cut, so not UTF-8.
        bytes[32 + 32 + 1 + 1 + 1] = 0xE7;
        let table = read(&bytes).unwrap();
        assert_eq!(table.encoding_source, EncodingSource::DetectedGbk);
    }

    #[test]
    fn blank_and_star_numbers_are_null() {
        let table = read(&numeric_table(&["", "*****", "**********", "0", "  -3.5"])).unwrap();
        let values: Vec<Value> = table.records.into_iter().flatten().collect();
        assert_eq!(
            values,
            vec![
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Number(0.0),
                Value::Number(-3.5)
            ]
        );
    }

    #[test]
    fn comma_decimal_separator_is_accepted() {
        let table = read(&numeric_table(&["12,5", "1e3", ".5"])).unwrap();
        let values: Vec<Value> = table.records.into_iter().flatten().collect();
        assert_eq!(
            values,
            vec![
                Value::Number(12.5),
                Value::Number(1000.0),
                Value::Number(0.5)
            ]
        );
    }

    #[test]
    fn text_in_numeric_field_is_bad_value_naming_record_and_field() {
        let error = read(&numeric_table(&["1", "abc"])).unwrap_err();
        assert_eq!(
            error,
            DbfError::BadValue {
                record: 1,
                field: "AREA".to_string(),
                text: "abc".to_string()
            }
        );
        let message = error.to_string();
        assert!(message.contains("record 1"), "{message}");
        assert!(message.contains("AREA"), "{message}");
        assert!(message.contains("abc"), "{message}");

        for bad in ["1,2.5", "1,2,3", "inf", "NaN", "1e999", "-", "1 2"] {
            assert!(
                matches!(read(&numeric_table(&[bad])), Err(DbfError::BadValue { .. })),
                "{bad:?} should be a bad value"
            );
        }
    }

    #[test]
    fn bad_value_in_gbk_file_names_field_in_chinese() {
        let bytes = write_dbf(
            &[field("户数", 'N', 8, 0)],
            &[vec![text("十二")]],
            GB18030,
            0x4D,
        );
        let error = read(&bytes).unwrap_err();
        assert_eq!(
            error,
            DbfError::BadValue {
                record: 0,
                field: "户数".to_string(),
                text: "十二".to_string()
            }
        );
    }

    #[test]
    fn too_wide_number_is_written_as_stars_and_read_as_null() {
        let bytes = write_dbf(
            &[field("N", 'N', 4, 1)],
            &[vec![Value::Number(12345.0)]],
            UTF_8,
            0,
        );
        assert_eq!(read(&bytes).unwrap().records, vec![vec![Value::Null]]);
    }

    #[test]
    fn deleted_records_are_flagged_and_their_bad_values_are_null() {
        let mut bytes = numeric_table(&["1", "abc", "3"]);
        let header_len = usize::from(u16::from_le_bytes([bytes[8], bytes[9]]));
        let record_len = usize::from(u16::from_le_bytes([bytes[10], bytes[11]]));
        bytes[header_len + record_len] = b'*';
        let table = read(&bytes).unwrap();
        assert_eq!(table.deleted, vec![false, true, false]);
        assert_eq!(
            table.records,
            vec![
                vec![Value::Number(1.0)],
                vec![Value::Null],
                vec![Value::Number(3.0)]
            ]
        );
    }

    #[test]
    fn date_field() {
        let bytes = write_dbf(
            &[field("BUILT", 'D', 8, 0)],
            &[
                vec![text("2023-07-15")],
                vec![text("20240229")],
                vec![Value::Null],
                vec![text("00000000")],
            ],
            UTF_8,
            0,
        );
        let table = read(&bytes).unwrap();
        assert_eq!(
            table.records,
            vec![
                vec![text("2023-07-15")],
                vec![text("2024-02-29")],
                vec![Value::Null],
                vec![Value::Null]
            ]
        );

        for bad in ["2023-13-01", "2023071", "abcdefgh"] {
            let bytes = write_dbf(&[field("BUILT", 'D', 8, 0)], &[vec![text(bad)]], UTF_8, 0);
            assert!(
                matches!(read(&bytes), Err(DbfError::BadValue { record: 0, .. })),
                "{bad:?} should be a bad date"
            );
        }
    }

    #[test]
    fn logical_field() {
        let cells = ["T", "y", "F", "n", "?", "", "x"];
        let records: Vec<Vec<Value>> = cells.iter().map(|c| vec![text(c)]).collect();
        let mut bytes = write_dbf(&[field("OPEN", 'L', 1, 0)], &records, UTF_8, 0);
        let error = read(&bytes).unwrap_err();
        assert!(matches!(error, DbfError::BadValue { record: 6, .. }));

        let last = bytes.len() - 2; // before the end-of-file marker
        bytes[last] = b' ';
        let table = read(&bytes).unwrap();
        let values: Vec<Value> = table.records.into_iter().flatten().collect();
        assert_eq!(
            values,
            vec![
                Value::Bool(true),
                Value::Bool(true),
                Value::Bool(false),
                Value::Bool(false),
                Value::Null,
                Value::Null,
                Value::Null
            ]
        );
    }

    #[test]
    fn other_field_types_are_trimmed_text() {
        let bytes = write_dbf(
            &[field("MEMO", 'M', 10, 0)],
            &[vec![text("  42")]],
            UTF_8,
            0,
        );
        let table = read(&bytes).unwrap();
        assert_eq!(table.fields[0].kind, 'M');
        assert_eq!(table.records, vec![vec![text("42")]]);
    }

    #[test]
    fn truncated_file_is_an_error() {
        let bytes = text_table(&[["幸福小区", "安阳市", "省"]; 4].concat(), GB18030, 0x4D);
        assert!(bytes.len() / 2 > 65, "the cut falls inside the records");
        let half = &bytes[..bytes.len() / 2];
        match read(half) {
            Err(DbfError::Truncated { expected, found }) => {
                assert_eq!(found, half.len());
                assert_eq!(expected, bytes.len() - 1); // all but the end-of-file marker
            }
            other => panic!("expected Truncated, got {other:?}"),
        }
        // Every shorter prefix is an error too, and none panics.
        for cut in 0..bytes.len() - 1 {
            assert!(read(&bytes[..cut]).is_err(), "prefix of {cut} bytes");
        }
        // The end-of-file marker is optional.
        assert!(read(&bytes[..bytes.len() - 1]).is_ok());
    }

    #[test]
    fn empty_and_tiny_inputs_are_errors() {
        assert_eq!(
            read(&[]),
            Err(DbfError::Truncated {
                expected: 32,
                found: 0
            })
        );
        assert!(read(&[0x03; 31]).is_err());
        let message = read(&[]).unwrap_err().to_string();
        assert!(message.contains("32") && message.contains('0'), "{message}");
    }

    #[test]
    fn header_claiming_huge_counts_is_an_error() {
        let mut bytes = text_table(&["a"], UTF_8, 0);
        bytes[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        bytes[10..12].copy_from_slice(&u16::MAX.to_le_bytes());
        assert!(matches!(
            read(&bytes),
            Err(DbfError::Truncated { .. } | DbfError::BadHeader(_))
        ));

        let mut bytes = text_table(&["a"], UTF_8, 0);
        bytes[8..10].copy_from_slice(&u16::MAX.to_le_bytes());
        assert!(matches!(read(&bytes), Err(DbfError::Truncated { .. })));
    }

    #[test]
    fn inconsistent_lengths_are_bad_headers() {
        // Zero record length.
        let mut bytes = text_table(&["a"], UTF_8, 0);
        bytes[10..12].copy_from_slice(&0u16.to_le_bytes());
        assert!(matches!(read(&bytes), Err(DbfError::BadHeader(_))));

        // A field running past the record length.
        let mut bytes = text_table(&["a"], UTF_8, 0);
        bytes[32 + 16] = 200;
        assert!(matches!(read(&bytes), Err(DbfError::BadHeader(_))));

        // A header length shorter than the fixed header.
        let mut bytes = text_table(&["a"], UTF_8, 0);
        bytes[8..10].copy_from_slice(&5u16.to_le_bytes());
        let error = read(&bytes).unwrap_err();
        assert!(matches!(error, DbfError::BadHeader(_)));
        assert!(error.to_string().contains("header"));
    }

    #[test]
    fn random_garbage_never_panics() {
        let mut rng = Lcg(0x5EED);
        let mut errors = 0;
        for _ in 0..3000 {
            let len = rng.below(400);
            let bytes: Vec<u8> = (0..len).map(|_| rng.byte()).collect();
            if read(&bytes).is_err() {
                errors += 1;
            }
            let _ = read_dbf(&bytes, None, Some("GBK"));
        }
        assert_eq!(errors, 3000, "random bytes should never read as a table");
    }

    #[test]
    fn mutated_valid_files_never_panic() {
        let fields = vec![
            field("小区名称", 'C', 12, 0),
            field("户数", 'N', 6, 0),
            field("OPEN", 'L', 1, 0),
            field("BUILT", 'D', 8, 0),
        ];
        let records = vec![
            vec![
                text("幸福小区"),
                Value::Number(12.0),
                Value::Bool(true),
                text("2020-01-02"),
            ],
            vec![text("省"), Value::Null, Value::Null, Value::Null],
        ];
        let original = write_dbf(&fields, &records, GB18030, 0x00);
        let mut rng = Lcg(42);
        for _ in 0..5000 {
            let mut bytes = original.clone();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(bytes.len());
                bytes[at] = rng.byte();
            }
            if rng.below(4) == 0 {
                bytes.truncate(rng.below(bytes.len() + 1));
            }
            let _ = read(&bytes);
        }
    }

    #[test]
    fn encoding_labels() {
        for label in [
            "UTF-8",
            "utf8",
            "65001",
            "CP65001",
            " UTF-8\n",
            "\u{feff}utf-8",
        ] {
            assert_eq!(encoding_from_label(label), Some(UTF_8), "{label:?}");
        }
        for label in [
            "GBK", "gbk", "gb2312", "GB2312", "936", "CP936", "cp936", "ANSI 936", "GB18030",
            "54936", "x-gbk",
        ] {
            assert_eq!(encoding_from_label(label), Some(GB18030), "{label:?}");
        }
        for label in ["Big5", "950", "CP950"] {
            assert_eq!(encoding_from_label(label), Some(BIG5), "{label:?}");
        }
        for label in [
            "88591",
            "ISO-8859-1",
            "latin1",
            "1252",
            "ANSI 1252",
            "windows-1252",
        ] {
            assert_eq!(
                encoding_from_label(label),
                Some(encoding_rs::WINDOWS_1252),
                "{label:?}"
            );
        }
        assert_eq!(encoding_from_label("88592"), Some(encoding_rs::ISO_8859_2));
        assert_eq!(encoding_from_label("932"), Some(encoding_rs::SHIFT_JIS));
        for label in [
            "",
            "  ",
            "nonsense",
            "12345",
            "UTF-16LE",
            "utf-16",
            "replacement",
        ] {
            assert_eq!(encoding_from_label(label), None, "{label:?}");
        }
    }

    #[test]
    fn encoding_source_is_displayed_in_plain_english() {
        assert_eq!(EncodingSource::Cpg.to_string(), "the .cpg file");
    }
}

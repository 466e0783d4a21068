//! Text shown to people, in both languages the tool speaks. Every message is built in
//! Chinese and English at once, so a report can be written in either without re-running
//! the check — unless the process speaks one language only ([`render_only`]: the command
//! line does), when [`t!`] renders that one and leaves the other empty.

use std::sync::atomic::{AtomicU8, Ordering};

use serde::Serialize;

/// The languages [`t!`] renders, as bits: Chinese 1, English 2.
static RENDERED: AtomicU8 = AtomicU8::new(3);

/// Renders messages in `lang` only from now on (`None`: both, the default). Formatting the
/// other language's messages too cost the 1M-compound city about a sixth of its run, for
/// text no one reads. [`Text::get`] of the language not rendered gives the rendered one.
pub fn render_only(lang: Option<Lang>) {
    let bits = match lang {
        None => 3,
        Some(Lang::Zh) => 1,
        Some(Lang::En) => 2,
    };
    RENDERED.store(bits, Ordering::Relaxed);
}

/// Whether [`t!`] renders `lang` ([`render_only`]).
#[doc(hidden)]
pub fn renders(lang: Lang) -> bool {
    let bit = match lang {
        Lang::Zh => 1,
        Lang::En => 2,
    };
    RENDERED.load(Ordering::Relaxed) & bit != 0
}

/// The language of the output (`--lang`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// 中文
    #[default]
    Zh,
    /// English
    En,
}

impl Lang {
    pub const NAMES: [&'static str; 2] = ["zh", "en"];

    /// The one of `zh` and `en` in this language.
    pub fn pick<T>(self, zh: T, en: T) -> T {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// What joins two clauses of a message ([`Text::join`]).
    pub fn separator(self) -> &'static str {
        self.pick("；", "; ")
    }

    /// Its name, as `--lang` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The language of `LC_ALL`, `LC_MESSAGES` or `LANG` (the first one set): Chinese when
    /// it starts with `zh`, else English. Without them, on Windows, the language of the
    /// user's Windows. What `--lang` and Python's `lang` default to.
    pub fn from_env() -> Lang {
        let lang = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()));
        match lang {
            Some(l) if l.starts_with("zh") => Lang::Zh,
            Some(_) => Lang::En,
            None => system_lang(),
        }
    }
}

#[cfg(windows)]
fn system_lang() -> Lang {
    #[link(name = "kernel32")]
    extern "system" {
        fn GetUserDefaultUILanguage() -> u16;
    }
    // SAFETY: takes nothing and returns the user's display language as a LANGID.
    let id = unsafe { GetUserDefaultUILanguage() };
    // The primary language, LANG_CHINESE, in the low 10 bits.
    if id & 0x3ff == 0x04 {
        Lang::Zh
    } else {
        Lang::En
    }
}

#[cfg(not(windows))]
fn system_lang() -> Lang {
    Lang::En
}

impl std::str::FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> Result<Lang, String> {
        match s {
            "zh" => Ok(Lang::Zh),
            "en" => Ok(Lang::En),
            _ => Err(format!("unknown language '{s}' (zh, en)")),
        }
    }
}

/// A message in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The text in `lang`; in the other language when this one was not rendered
    /// ([`render_only`]).
    pub fn get(&self, lang: Lang) -> &str {
        let (own, other) = match lang {
            Lang::Zh => (&self.zh, &self.en),
            Lang::En => (&self.en, &self.zh),
        };
        if own.is_empty() {
            other
        } else {
            own
        }
    }

    /// Appends `other` to both languages, separated by the language's own punctuation (a
    /// language left empty, not rendered, stays empty).
    pub fn join(mut self, other: &Text) -> Text {
        fn append(to: &mut String, sep: &str, more: &str) {
            if more.is_empty() {
                return;
            }
            if !to.is_empty() {
                to.push_str(sep);
            }
            to.push_str(more);
        }
        append(&mut self.zh, "；", &other.zh);
        append(&mut self.en, "; ", &other.en);
        self
    }
}

/// Builds a [`Text`] from two format strings: `t!("缺少 {}", "missing {}", x)`.
macro_rules! t {
    ($zh:literal, $en:literal $(, $arg:expr)* $(,)?) => {
        $crate::text::Text {
            zh: if $crate::text::renders($crate::text::Lang::Zh) {
                format!($zh $(, $arg)*)
            } else {
                String::new()
            },
            en: if $crate::text::renders($crate::text::Lang::En) {
                format!($en $(, $arg)*)
            } else {
                String::new()
            },
        }
    };
}
pub(crate) use t;

/// Formats one of two format strings, in `lang`: `say!(lang, "缺少 {}", "missing {}", x)`,
/// what a [`crate::model::Said`] message says when printed.
macro_rules! say {
    ($lang:expr, $zh:literal, $en:literal $(, $arg:expr)* $(,)?) => {
        match $lang {
            $crate::text::Lang::Zh => format!($zh $(, $arg)*),
            $crate::text::Lang::En => format!($en $(, $arg)*),
        }
    };
}
pub(crate) use say;

/// Formats a number for people: thousands separated, at most `decimals` decimals,
/// trailing zeros dropped (`12,345.5`).
pub fn num(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let mut out = String::with_capacity(24);
    match rounded(x.abs(), decimals) {
        Some((int, mut frac)) => {
            // The decimals without their trailing zeros.
            let mut width = decimals;
            while width > 0 && frac % 10 == 0 {
                frac /= 10;
                width -= 1;
            }
            if x < 0.0 && (int != 0 || width > 0) {
                out.push('-');
            }
            grouped(&mut out, &int.to_string());
            if width > 0 {
                out.push('.');
                out.push_str(&format!("{frac:0width$}"));
            }
        }
        None => {
            let s = format!("{:.*}", decimals, x.abs());
            let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
            let frac = frac.trim_end_matches('0');
            if x < 0.0 && (int != "0" || !frac.is_empty()) {
                out.push('-');
            }
            grouped(&mut out, int);
            if !frac.is_empty() {
                out.push('.');
                out.push_str(frac);
            }
        }
    }
    out
}

/// Digits with a comma before each group of three from the right.
fn grouped(out: &mut String, digits: &str) {
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
}

/// `format!("{:.*}", decimals, a)` as two whole numbers, the part before the point and
/// the decimals, for `a ≥ 0`, without the exact decimal expansion `format!` works out:
/// `a × 10^decimals` rounded. None where that could round otherwise than the exact value
/// (within a few units in the last place of half-way, or too large for whole numbers), and
/// `format!` decides.
fn rounded(a: f64, decimals: usize) -> Option<(u64, u64)> {
    const POWERS: [f64; 7] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6];
    let scale = *POWERS.get(decimals)?;
    let scaled = a * scale;
    if scaled >= 1e15 {
        return None;
    }
    let below = scaled.floor();
    // The product is within half a unit in its last place of the exact one, a unit of
    // at most scaled × 2^-52: away from half-way by more than that, both round alike.
    if ((scaled - below) - 0.5).abs() <= scaled * f64::EPSILON * 4.0 + f64::MIN_POSITIVE {
        return None;
    }
    let whole = scaled.round() as u64;
    let unit = 10u64.pow(decimals as u32);
    Some((whole / unit, whole % unit))
}

/// A share as a percentage for people: `0.305` → `30.5%`.
pub fn pct(x: f64) -> String {
    format!("{}%", num(x * 100.0, 1))
}

/// A TOML error as a message: TOML's own, with the offending line and a caret under the
/// place, unless the line is too long to show (a hostile or generated file: a 200 kB line
/// of brackets); then the line and column alone.
pub fn toml_error(text: &str, e: &toml::de::Error) -> String {
    const LONGEST: usize = 200;
    let Some(span) = e.span() else {
        return e.to_string();
    };
    let before = &text[..span.start.min(text.len())];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    if line_end - line_start <= LONGEST {
        return e.to_string();
    }
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    format!(
        "TOML parse error at line {line}, column {column} (a line of {} bytes, not shown): {}",
        line_end - line_start,
        e.message().trim()
    )
}

/// The columns `s` takes on a terminal: two for a wide (CJK) character, one for others.
pub fn width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}

/// `s` and spaces to fill `columns` on a terminal: after it (`left`), or before it.
pub fn pad(s: &str, columns: usize, left: bool) -> String {
    let fill = " ".repeat(columns.saturating_sub(width(s)));
    if left {
        format!("{s}{fill}")
    } else {
        format!("{fill}{s}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_as_their_exact_decimal_value_does() {
        // Half-way as written but not as stored: 1.005 is 1.00499999999999989…, 2.675 is
        // 2.67499999999999982…, 0.125 and 0.375 are exact (ties, to even as format! does).
        for (x, d) in [
            (1.005, 2),
            (2.675, 2),
            (0.125, 2),
            (0.375, 2),
            (2.5, 0),
            (3.5, 0),
            (1234567.891, 1),
            (0.1 + 0.2, 1),
            (99.95, 1),
            (1e20, 2),
            (123.456, 9),
        ] {
            let exact = format!("{:.*}", d, x);
            let (int, frac) = exact.split_once('.').unwrap_or((&exact, ""));
            let frac = frac.trim_end_matches('0');
            let grouped = num(x, d).replace(',', "");
            let expected = if frac.is_empty() {
                int.to_string()
            } else {
                format!("{int}.{frac}")
            };
            assert_eq!(grouped, expected, "{x} to {d} decimals");
        }
        // Every hundredth from 0 to 100 and its neighbours in the last place.
        for i in 0..10_000 {
            for x in [
                i as f64 / 100.0,
                f64::from_bits((i as f64 / 100.0).to_bits() + 1),
            ] {
                for d in 0..4 {
                    let exact = format!("{:.*}", d, x);
                    let (int, frac) = exact.split_once('.').unwrap_or((&exact, ""));
                    let frac = frac.trim_end_matches('0');
                    let expected = if frac.is_empty() {
                        int.to_string()
                    } else {
                        format!("{int}.{frac}")
                    };
                    assert_eq!(num(x, d).replace(',', ""), expected, "{x:?} to {d}");
                }
            }
        }
    }

    #[test]
    fn numbers_are_grouped_and_trimmed() {
        assert_eq!(num(12345.5, 2), "12,345.5");
        assert_eq!(num(1000.0, 1), "1,000");
        assert_eq!(num(-0.0001, 2), "0");
        assert_eq!(num(-1234.25, 2), "-1,234.25");
        assert_eq!(pct(0.305), "30.5%");
    }

    #[test]
    fn wide_characters_take_two_columns() {
        assert_eq!(width("符合"), 4);
        assert_eq!(width("pass"), 4);
        assert_eq!(pad("数据不足", 10, true), "数据不足  ");
        assert_eq!(pad("7", 3, false), "  7");
    }
}

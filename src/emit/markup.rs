//! Escaping text from the plan into markup, for the HTML and JUnit XML writers: a name is
//! always text, never a tag, an attribute or an entity.

/// Where the text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// HTML content or a double- or single-quoted attribute value.
    Html,
    /// XML element content: CR as a reference (a parser would drop it otherwise).
    XmlText,
    /// A double-quoted XML attribute value: line breaks and tabs as references too (a
    /// parser would turn them into spaces otherwise).
    XmlAttribute,
}

/// `&`, `<`, `>` and both quotes escaped; for XML, the characters XML 1.0 cannot hold at
/// all (most control characters) replaced by U+FFFD.
pub fn escape(s: &str, into: Place) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\r' if into != Place::Html => out.push_str("&#13;"),
            '\n' if into == Place::XmlAttribute => out.push_str("&#10;"),
            '\t' if into == Place::XmlAttribute => out.push_str("&#9;"),
            c if into != Place::Html && forbidden_in_xml(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Characters XML 1.0 cannot hold, even as references.
fn forbidden_in_xml(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            escape("<a href='x'>&\"", Place::Html),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;"
        );
        assert_eq!(
            escape("a<b>&c\r\n", Place::XmlText),
            "a&lt;b&gt;&amp;c&#13;\n"
        );
        assert_eq!(
            escape("\"x\"\n'y'\t\u{1}", Place::XmlAttribute),
            "&quot;x&quot;&#10;&#39;y&#39;&#9;\u{fffd}"
        );
    }
}

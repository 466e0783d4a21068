//! GitHub Actions workflow commands: one annotation per failing finding, on the subject's
//! layer file — `::error` for severity error, `::warning` for warning, `::notice` for info
//! (a waived finding, or a shortfall a submission leaves as it was). Against a baseline,
//! a failure the baseline already had, as bad, is a `::notice` whatever its severity: only
//! the new and worse ones are errors or warnings, so that a passing `--fail-on new` job
//! shows no old failure as an error. The title is the rule and the subject, the message
//! the finding's message and clause.
//!
//! Escaped as the Actions toolkit escapes (`@actions/core` `toCommandValue`/`escapeData`,
//! `escapeProperty`): in the message `%`, CR and LF; in properties also `:` and `,`. A
//! name with a line break or `::` therefore cannot start a command of its own.

use super::{artifact, EmitError, Emitter};
use crate::model::Status;
use crate::profile::Severity;
use crate::report::Report;
use crate::text::Lang;

pub struct GithubEmitter {
    pub lang: Lang,
}

impl Emitter for GithubEmitter {
    fn emit(&mut self, w: &mut dyn std::io::Write, r: &Report) -> Result<(), EmitError> {
        for f in r.findings.iter().filter(|f| f.status == Status::Fail) {
            let as_before = f.baseline.as_ref().is_some_and(|b| !b.worse);
            let command = match f.severity {
                _ if as_before => "notice",
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut properties = Vec::new();
            if let Some(path) = artifact(r, f.subject.layer) {
                properties.push(format!("file={}", property(path)));
            }
            let marks: String = super::marks(f, self.lang)
                .iter()
                .map(|m| format!("[{m}] "))
                .collect();
            let title = format!("{marks}{} {} {}", f.rule, f.subject.id, f.subject.name);
            properties.push(format!("title={}", property(title.trim_end())));
            writeln!(
                w,
                "::{command} {}::{}",
                properties.join(","),
                data(&format!("{} ({})", f.message(self.lang), f.clause))
            )?;
        }
        Ok(())
    }
}

/// A command's message.
pub fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command's property value.
pub fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_as_the_toolkit_does() {
        assert_eq!(data("50% a\r\nb::c"), "50%25 a%0D%0Ab::c");
        assert_eq!(property("a,b:c%\n::"), "a%2Cb%3Ac%25%0A%3A%3A");
    }
}

//! JUnit XML, for CI test views (GitLab, Jenkins, Azure DevOps): one test suite per rule,
//! one test case per subject (named `layer/id name`). A failing finding of severity error
//! or warning is a `<failure>` (its `type` the severity) with the message, measured,
//! required and clause; pending, not applicable, insufficient data and skipped are
//! `<skipped>` with why; a pass — and a failing finding of severity info (a waived
//! finding, or a shortfall a submission leaves as it was) — passes, the latter with its
//! message in `<system-out>`. Everything from the plan is XML-escaped ([`super::markup`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::markup::{escape, Place};
use super::{artifact, EmitError, Emitter};
use crate::model::{Finding, Measure, Status};
use crate::profile::Severity;
use crate::report::Report;
use crate::text::Lang;

pub struct JunitEmitter {
    pub lang: Lang,
}

impl Emitter for JunitEmitter {
    fn emit(&mut self, w: &mut dyn std::io::Write, r: &Report) -> Result<(), EmitError> {
        w.write_all(document(r, self.lang).as_bytes())?;
        Ok(())
    }
}

/// What a finding is, as a test case.
#[derive(PartialEq)]
enum Case {
    Passed,
    Failed,
    Skipped,
}

fn case(f: &Finding) -> Case {
    match f.status {
        Status::Pass => Case::Passed,
        Status::Fail if f.severity >= Severity::Warning => Case::Failed,
        Status::Fail => Case::Passed,
        _ => Case::Skipped,
    }
}

fn document(r: &Report, lang: Lang) -> String {
    let mut suites: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &r.findings {
        suites.entry(f.rule).or_default().push(f);
    }
    let count = |fs: &[&Finding], c: Case| fs.iter().filter(|f| case(f) == c).count();
    let all: Vec<&Finding> = r.findings.iter().collect();
    let mut o = String::with_capacity(256 + 400 * r.findings.len());
    o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        o,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
        attr(&format!("planlint {} {}", r.profile_id, r.as_of)),
        all.len(),
        count(&all, Case::Failed),
        count(&all, Case::Skipped)
    );
    for (rule, fs) in &suites {
        let _ = writeln!(
            o,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
            attr(rule),
            fs.len(),
            count(fs, Case::Failed),
            count(fs, Case::Skipped)
        );
        for f in fs {
            testcase(&mut o, r, f, lang);
        }
        o.push_str("  </testsuite>\n");
    }
    o.push_str("</testsuites>\n");
    o
}

fn testcase(o: &mut String, r: &Report, f: &Finding, lang: Lang) {
    let name = format!(
        "{}/{} {}",
        f.subject.layer.as_str(),
        f.subject.id,
        f.subject.name
    );
    let file = artifact(r, f.subject.layer)
        .map(|p| format!(" file=\"{}\"", attr(p)))
        .unwrap_or_default();
    let _ = write!(
        o,
        "    <testcase name=\"{}\" classname=\"{}\"{file}",
        attr(name.trim_end()),
        attr(f.rule)
    );
    let message = f.message(lang);
    match case(f) {
        Case::Passed if f.status == Status::Pass => o.push_str("/>\n"),
        Case::Passed => {
            let _ = writeln!(
                o,
                "><system-out>{}</system-out></testcase>",
                text(&format!(
                    "[{}] {message}{}",
                    f.severity.as_str(),
                    super::marks(f, lang)
                        .iter()
                        .map(|m| format!(" [{m}]"))
                        .collect::<String>()
                ))
            );
        }
        Case::Failed => {
            let body = format!(
                "{message}\nmeasured: {}\nrequired: {} {}\nclause: {}",
                measure(&f.measured),
                measure(&f.required),
                f.unit,
                f.clause
            );
            let _ = writeln!(
                o,
                "><failure type=\"{}\" message=\"{}\">{}</failure></testcase>",
                f.severity.as_str(),
                attr(&message),
                text(&body)
            );
        }
        Case::Skipped => {
            let _ = writeln!(
                o,
                "><skipped message=\"{}\"/></testcase>",
                attr(&format!("{}: {message}", f.status.as_str()))
            );
        }
    }
}

fn measure(m: &Measure) -> String {
    match m {
        Measure::Number(x) => x.to_string(),
        Measure::Date(d) => d.to_string(),
        Measure::Null => "-".into(),
    }
}

fn text(s: &str) -> String {
    escape(s, Place::XmlText)
}

fn attr(s: &str) -> String {
    escape(s, Place::XmlAttribute)
}

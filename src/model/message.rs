//! What a finding says, put into words only by the writer that prints it, in the language it
//! speaks ([`Message::render`]): the rule's own words, then what is said of findings alike
//! (the target in force, a policy's expiry, what a submission does in its city), kept as
//! figures until then. One place renders every finding's message, for every format.
//!
//! The rule's own words ([`Body`]) are figures too where findings come by the million (a
//! compound's floor area and circle): the rule's function says them when printed
//! ([`Said`]); a fixed sentence (an existing compound has no construction timing, a rural
//! one is not in the circle) is kept as the two static strings it is.

use std::borrow::Cow;

use chrono::NaiveDate;

use super::details::ContextDetails;
use super::finding::{Finding, Measure};
use crate::text::{num, Lang, Text};

/// A finding's message.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Message {
    /// The rule's own words.
    pub body: Body,
    /// The dated target the verdict applied.
    pub target: Option<Target>,
    /// The policy had expired after this day: the failure is a warning, for reference.
    pub expired_after: Option<NaiveDate>,
}

/// A dated target applied by a verdict: its year (due on the year's last day), and
/// whether it was applied before it fell due (early, as a warning). The year is an `i16`
/// so that a finding stays within 240 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub year: i16,
    pub early: bool,
}

/// The rule's own words.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// Put into words when the rule judged (in the languages [`crate::text::t!`] renders).
    Text(Text),
    /// A fixed sentence, in Chinese and English.
    Fixed(&'static str, &'static str),
    /// Said when printed, from the finding and figures of the rule's own.
    Said(Said),
}

impl Default for Body {
    fn default() -> Body {
        Body::Fixed("", "")
    }
}

impl From<Text> for Body {
    fn from(text: Text) -> Body {
        Body::Text(text)
    }
}

impl From<Said> for Body {
    fn from(said: Said) -> Body {
        Body::Said(said)
    }
}

/// Words said when printed ([`Body::Said`]): the rule's function of the finding (its
/// status, measured and required values, details) and of up to three figures the rule
/// keeps as it measured them, unrounded.
#[derive(Debug, Clone, Copy)]
pub struct Said {
    pub say: fn(&Finding, &[f64; 3], Lang) -> String,
    pub figures: [f64; 3],
}

impl PartialEq for Said {
    /// The same words from the same figures (said by the same rule, whose finding is
    /// compared beside).
    fn eq(&self, other: &Said) -> bool {
        self.figures
            .iter()
            .map(|x| x.to_bits())
            .eq(other.figures.iter().map(|x| x.to_bits()))
    }
}

impl From<Text> for Message {
    fn from(body: Text) -> Message {
        Message {
            body: body.into(),
            ..Message::default()
        }
    }
}

impl Message {
    /// The rule's own words in `lang`, and whether they are Chinese: a body rendered in
    /// the other language only ([`crate::text::render_only`]) is in that one.
    fn body<'f>(&'f self, finding: &Finding, lang: Lang) -> (Cow<'f, str>, bool) {
        match &self.body {
            Body::Text(text) => {
                let body = text.get(lang);
                let own = match lang {
                    Lang::Zh => &text.zh,
                    Lang::En => &text.en,
                };
                let zh = match lang {
                    Lang::Zh => !own.is_empty() || body.is_empty(),
                    Lang::En => own.is_empty() && !body.is_empty(),
                };
                (Cow::Borrowed(body), zh)
            }
            Body::Fixed(zh, en) => (Cow::Borrowed(lang.pick(zh, en)), lang == Lang::Zh),
            Body::Said(s) => (
                Cow::Owned((s.say)(finding, &s.figures, lang)),
                lang == Lang::Zh,
            ),
        }
    }

    /// The message of `finding` (whose message this is) in `lang`, with what a submission
    /// did to the finding (`context`, from its details) after it.
    pub fn render<'f>(
        &'f self,
        finding: &Finding,
        lang: Lang,
        context: Option<&ContextDetails>,
    ) -> Cow<'f, str> {
        let (body, zh) = self.body(finding, lang);
        if self.target.is_none() && self.expired_after.is_none() && context.is_none() {
            return body;
        }
        let mut out = body.into_owned();
        let mut add = |s: &str| {
            if !out.is_empty() {
                out.push_str(if zh { "；" } else { "; " });
            }
            out.push_str(s);
        };
        if let Some(t) = self.target {
            // Due on the year's last day, as `profile::due_date` says.
            let due = NaiveDate::from_ymd_opt(t.year.into(), 12, 31).unwrap_or(NaiveDate::MAX);
            add(&match (zh, t.early) {
                (true, true) => {
                    format!("{}年目标于 {due} 到期，尚未生效，提前按警告提示", t.year)
                }
                (false, true) => format!(
                    "the {} target falls due on {due} and is not yet in force: applied early, as a warning",
                    t.year
                ),
                (true, false) => format!("适用{}年目标（{due} 到期）", t.year),
                (false, false) => format!("the {} target applies (due {due})", t.year),
            });
        }
        if let Some(until) = self.expired_after {
            add(&if zh {
                format!("政策已于 {until} 后失效，仅作参考，按警告提示")
            } else {
                format!("the policy expired after {until}: for reference only, a warning")
            });
        }
        if let Some(c) = context {
            let was = match &c.before {
                Measure::Number(x) => num(*x, 4),
                Measure::Date(d) => d.to_string(),
                Measure::Null => "—".into(),
            };
            add(&if zh {
                format!("提交前为 {was}（{}）", c.before_status)
            } else {
                format!("before the submission {was} ({})", c.before_status)
            });
            add(match (zh, c.effect) {
                (true, "makes_pass") => "提交使其达标",
                (false, "makes_pass") => "the submission makes it pass",
                (true, "makes_fail") => "提交使其不达标",
                (false, "makes_fail") => "the submission makes it fail",
                (true, "makes_worse") => "提交使差距扩大",
                (false, "makes_worse") => "the submission makes it worse",
                (true, _) => "提交未改变其结论",
                (false, _) => "the submission leaves it as it was",
            });
        }
        Cow::Owned(out)
    }
}

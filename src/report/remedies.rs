//! What `planlint fix` changed, as the report of the fixed plan carries it: JSON's `remedy`
//! summary, the HTML's "What to change" (整改建议) and its map's new sites, the command's
//! list. Filled by [`crate::remedy`]; words in both languages, rendered by the writers.

use serde::Serialize;

use crate::text::{Lang, Text};

/// The remedies applied, the site choice's proof, and the failures left.
#[derive(Debug, Clone, Default)]
pub struct Remedies {
    pub lines: Vec<Line>,
    pub floor_area_added: f64,
    /// Beds added (in new facilities and to existing ones).
    pub beds_added: u64,
    /// Land added, m².
    pub land_added: f64,
    /// The service circle's sites as the solver chose them (none: none were needed).
    pub sites: Option<Sites>,
    /// The failures (at warning or above) of the fixed plan, each with why it is left.
    pub left: Vec<Left>,
}

/// One remedy, as a reader is told it.
#[derive(Debug, Clone)]
pub struct Line {
    pub id: String,
    /// `add`, `enlarge`, `advance`.
    pub action: &'static str,
    pub facility_id: String,
    /// What it asks, in the bureau's words.
    pub said: Text,
    /// Why it is sized and placed so.
    pub reason: Text,
    /// A new facility's point, in the working CRS (the map draws it).
    pub site: Option<geo::Point>,
}

/// The solver's choice of sites.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Sites {
    pub objective: f64,
    pub bound: f64,
    pub optimal: bool,
    pub greedy: usize,
    pub seconds: f64,
}

/// A failure left in the fixed plan.
#[derive(Debug, Clone)]
pub struct Left {
    pub rule: String,
    pub subject: String,
    pub why: Text,
    /// A change to the plan could fix it, though this fix does not.
    pub fixable: bool,
}

/// The JSON `remedy` summary (report.schema.json), in `lang`.
#[derive(Serialize)]
pub struct RemedyView<'a> {
    pub remedies: usize,
    pub add: usize,
    pub enlarge: usize,
    pub advance: usize,
    pub floor_area_added: f64,
    pub beds_added: u64,
    pub land_added: f64,
    pub sites: Option<Sites>,
    pub left: Vec<LeftView<'a>>,
}

#[derive(Serialize)]
pub struct LeftView<'a> {
    pub rule: &'a str,
    pub subject: &'a str,
    pub why: &'a str,
    pub fixable: bool,
}

impl Remedies {
    /// How many remedies do `action`.
    pub fn count(&self, action: &str) -> usize {
        self.lines.iter().filter(|l| l.action == action).count()
    }

    /// Whether a failure is left that a change to the plan could fix (`fix` exits 1).
    pub fn fixable_left(&self) -> bool {
        self.left.iter().any(|l| l.fixable)
    }

    pub fn view(&self, lang: Lang) -> RemedyView<'_> {
        RemedyView {
            remedies: self.lines.len(),
            add: self.count("add"),
            enlarge: self.count("enlarge"),
            advance: self.count("advance"),
            floor_area_added: (self.floor_area_added * 10.0).round() / 10.0,
            beds_added: self.beds_added,
            land_added: (self.land_added * 10.0).round() / 10.0,
            sites: self.sites,
            left: self
                .left
                .iter()
                .map(|l| LeftView {
                    rule: &l.rule,
                    subject: &l.subject,
                    why: l.why.get(lang),
                    fixable: l.fixable,
                })
                .collect(),
        }
    }

    /// The remedies as a person reads them (the command's output, the HTML's section): a
    /// line each, what it asks and why.
    pub fn said(&self, lang: Lang) -> Vec<String> {
        let colon = if lang == Lang::Zh { "：" } else { ": " };
        self.lines
            .iter()
            .map(|l| format!("{} {}{colon}{}", l.id, l.said.get(lang), l.reason.get(lang)))
            .collect()
    }

    /// The site choice's proof in a sentence: how many sites, the solver's bound, whether
    /// proven, greedy's count.
    pub fn sites_said(&self, lang: Lang) -> Option<String> {
        let zh = lang == Lang::Zh;
        let s = self.sites.as_ref()?;
        let n = crate::text::num(s.objective, 0);
        let bound = crate::text::num(s.bound, 0);
        let greedy = crate::text::num(s.greedy as f64, 0);
        Some(if zh {
            format!(
                "新建站点 {n} 处（求解器下界 {bound}，{}；贪心算法需 {greedy} 处）",
                if s.optimal {
                    "已证明最优"
                } else {
                    "未证明最优"
                }
            )
        } else {
            format!(
                "{n} new sites (the solver's bound {bound}, {}; greedy needs {greedy})",
                if s.optimal {
                    "proven optimal"
                } else {
                    "not proven optimal"
                }
            )
        })
    }
}

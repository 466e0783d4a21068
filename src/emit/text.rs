//! The terminal summary for people: what was read, counts per rule, and the worst failures
//! with their shortfall and clause.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{EmitError, Emitter};
use crate::model::{BaselineMark, BaselineState, Measure, Status};
use crate::profile::Severity;
use crate::report::Report;
use crate::report::{Comparison, Entry};
use crate::text::Lang;

/// How many failing findings the summary shows in full.
const WORST: usize = 20;

pub struct TextEmitter {
    pub lang: Lang,
}

impl Emitter for TextEmitter {
    fn emit(&mut self, w: &mut dyn std::io::Write, r: &Report) -> Result<(), EmitError> {
        w.write_all(summary(r, self.lang).as_bytes())?;
        Ok(())
    }
}

fn summary(r: &Report, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let tr = |a: &'static str, b: &'static str| if zh { a } else { b };
    let mut o = String::new();
    let _ = writeln!(
        o,
        "planlint {} — {} ({})",
        env!("CARGO_PKG_VERSION"),
        r.profile_title.get(lang),
        r.document
    );
    let _ = writeln!(
        o,
        "{} {}   {} {}",
        tr("检查日期", "as of"),
        r.as_of,
        tr("工作坐标系", "working CRS"),
        r.working_crs
    );
    if let Some(note) = super::context_note(r) {
        let _ = writeln!(o, "{}", note.get(lang));
    }
    if let Some(note) = super::expiry_note(r) {
        let _ = writeln!(o, "{}{}", tr("注意：", "NOTE: "), note.get(lang));
    }
    let _ = writeln!(o);
    for (layer, info) in &r.inputs {
        let _ = writeln!(
            o,
            "  {:<11} {:>8} {}  {:>6} {}   {}",
            layer.as_str(),
            info.accepted(),
            tr("已读", "read"),
            info.rejected.len(),
            tr("拒收", "rejected"),
            info.path
        );
        for x in info.rejected.iter().take(5) {
            let _ = writeln!(
                o,
                "      #{} {}: {}",
                x.index,
                x.id.as_deref().unwrap_or("-"),
                x.reason.get(lang)
            );
        }
        if info.rejected.len() > 5 {
            let _ = writeln!(o, "      … +{}", info.rejected.len() - 5);
        }
    }
    let _ = writeln!(o);
    let mut per_rule: BTreeMap<&str, [usize; 6]> = BTreeMap::new();
    for f in &r.findings {
        let slot = Status::ALL.iter().position(|s| *s == f.status).unwrap_or(0);
        per_rule.entry(f.rule).or_default()[slot] += 1;
    }
    o.push_str(&rule_table(&per_rule, lang));
    let failing = r.worst();
    if !failing.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "{}", tr("主要问题：", "Worst failures:"));
        for f in failing.iter().take(WORST) {
            let sev = f.severity.label();
            let sev = sev.get(lang);
            let tags: String = super::marks(f, lang)
                .iter()
                .map(|m| format!(" [{}]", plain(m)))
                .collect();
            let _ = writeln!(
                o,
                "  [{sev}]{tags} {} {} {}: {}",
                f.rule,
                plain(&f.subject.id),
                plain(&f.subject.name),
                plain(&f.message(lang))
            );
            let _ = writeln!(o, "          {}", f.clause);
        }
        if failing.len() > WORST {
            let _ = writeln!(
                o,
                "  … +{} ({})",
                failing.len() - WORST,
                tr("用 --format json 查看全部", "see --format json for all")
            );
        }
    }
    if let Some(b) = &r.baseline {
        let entries: Vec<Entry> = r.findings.iter().map(|f| Entry::of(f, lang)).collect();
        let pairs: Vec<(&Entry, &BaselineMark)> = entries
            .iter()
            .zip(&r.findings)
            .filter_map(|(e, f)| Some((e, f.baseline.as_deref()?)))
            .collect();
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "{} {} ({} {})",
            tr("基线", "baseline"),
            plain(&b.path),
            tr("容差", "tolerance"),
            b.tolerance
        );
        o.push_str(&baseline_section(&pairs, &b.comparison, lang));
    }
    for f in r.findings.iter().filter(|f| f.status == Status::Skipped) {
        let _ = writeln!(
            o,
            "  {} {}: {}",
            Status::Skipped.label().get(lang),
            f.rule,
            f.message(lang)
        );
    }
    if let Some(c) = &r.service_circle {
        let _ = writeln!(o);
        let share = c.plan.share_compounds.map_or("—".into(), crate::text::pct);
        let pop = c.plan.share_population.map_or("—".into(), crate::text::pct);
        let _ = writeln!(
            o,
            "{} {} m{}: {} {}/{} ({share}), {} {pop}",
            tr("养老服务圈", "service circle"),
            c.max_distance,
            if c.approximate {
                tr("（直线距离，近似）", " (straight line, approximate)")
            } else {
                ""
            },
            tr("城市小区", "urban compounds"),
            c.plan.inside,
            c.plan.compounds,
            tr("人口覆盖", "population covered")
        );
        let (unknown, x) = (c.plan.population_unknown, &c.access_2sfca_excluded);
        if unknown > 0 || x.facilities_without_floor_area > 0 {
            let _ = writeln!(
                o,
                "  {}",
                if zh {
                    format!(
                        "未计入：{unknown} 个小区缺少人口（人口覆盖率与 2SFCA 需求），{} 处设施缺少建筑面积（2SFCA 供给）",
                        x.facilities_without_floor_area
                    )
                } else {
                    format!(
                        "left out: {unknown} compounds without a population (population share, 2SFCA demand), {} facilities without floor area (2SFCA supply)",
                        x.facilities_without_floor_area
                    )
                }
            );
        }
    }
    if let Some(report) = &r.network {
        let n = &report.stats;
        let _ = writeln!(
            o,
            "{}{} {} {}, {} {}, {} km, {} {} ({} {})",
            tr("步行路网", "walking network"),
            if report.window.is_some() {
                tr("（仅所查小区周边）", " (around the compounds checked)")
            } else {
                ""
            },
            n.nodes,
            tr("个节点", "nodes"),
            n.edges,
            tr("条路段", "segments"),
            crate::text::num(n.length_m / 1000.0, 1),
            n.components,
            tr("个连通分量", "components"),
            tr("最大分量占", "largest holds"),
            crate::text::pct(n.largest_component_share)
        );
    }
    if !r.suggestions.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "{}", super::suggestions_heading().get(lang));
        for (i, s) in r.suggestions.iter().enumerate() {
            let _ = writeln!(
                o,
                "  {}. {}",
                i + 1,
                plain(&super::suggestion_line(s, lang))
            );
        }
    }
    for n in &r.notes {
        let _ = writeln!(o, "{} {}", tr("注：", "note:"), n.get(lang));
    }
    let s = &r.summary;
    let _ = writeln!(o);
    let label = |s: Status| s.label().get(lang).to_string();
    let severity = |s: Severity| s.label().get(lang).to_string();
    let waived = if s.waived > 0 {
        format!(", {} {}", tr("已豁免", "waived"), s.waived)
    } else {
        String::new()
    };
    let _ = writeln!(
        o,
        "{}: {} {}, {} {} ({} {}, {} {}{waived}), {} {}, {} {}, {} {}",
        tr("合计", "total"),
        label(Status::Pass),
        s.pass,
        label(Status::Fail),
        s.fail,
        severity(Severity::Error),
        s.errors,
        severity(Severity::Warning),
        s.warnings,
        label(Status::Pending),
        s.pending,
        label(Status::NotApplicable),
        s.not_applicable,
        label(Status::InsufficientData),
        s.insufficient_data,
    );
    o
}

/// The findings of each rule by status: its id and title, then a count per status, headed
/// by the statuses' names as the HTML report gives them.
fn rule_table(per_rule: &BTreeMap<&str, [usize; 6]>, lang: Lang) -> String {
    use crate::text::{pad, width};
    let titled: Vec<(String, &[usize; 6])> = per_rule
        .iter()
        .map(|(rule, counts)| {
            let title = crate::rules::find(rule).map(|r| r.title().get(lang).to_string());
            (format!("{rule} {}", title.unwrap_or_default()), counts)
        })
        .collect();
    let head = if lang == Lang::Zh { "规则" } else { "rule" };
    let first = titled
        .iter()
        .map(|(name, _)| width(name))
        .chain([width(head)])
        .max()
        .unwrap_or(0);
    let labels: Vec<String> = Status::ALL
        .iter()
        .map(|s| s.label().get(lang).to_string())
        .collect();
    let columns: Vec<usize> = labels.iter().map(|l| width(l).max(5)).collect();
    let mut o = format!("  {}", pad(head, first, true));
    for (label, &w) in labels.iter().zip(&columns) {
        o.push_str("  ");
        o.push_str(&pad(label, w, false));
    }
    o.push('\n');
    for (name, counts) in &titled {
        o.push_str("  ");
        o.push_str(&pad(name, first, true));
        for (n, &w) in counts.iter().zip(&columns) {
            o.push_str("  ");
            o.push_str(&pad(&n.to_string(), w, false));
        }
        o.push('\n');
    }
    o
}

/// Text from the plan, for a terminal: control characters (a line break in a name, an
/// escape sequence) shown as escapes, so that a name cannot forge a line or move the
/// cursor.
pub fn plain(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return s.into();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// A comparison with a baseline, for people: the counts, then the new and worse failures,
/// then what was fixed (at most [`WORST`] of each).
pub fn baseline_section(now: &[(&Entry, &BaselineMark)], c: &Comparison, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let tr = |a: &'static str, b: &'static str| if zh { a } else { b };
    let mut o = String::new();
    let _ = writeln!(
        o,
        "  {}",
        if zh {
            format!(
                "新增 {}，未变 {}，变化 {}，已修复 {}（其中 {} 项已不存在）；新增或变差的不符合项 {}",
                c.new, c.unchanged, c.changed, c.fixed, c.gone.len(), c.worse
            )
        } else {
            format!(
                "{} new, {} unchanged, {} changed, {} fixed ({} gone); {} new or worse failures",
                c.new,
                c.unchanged,
                c.changed,
                c.fixed,
                c.gone.len(),
                c.worse
            )
        }
    );
    let line = |o: &mut String, tag: &str, e: &Entry, before: Option<&BaselineMark>| {
        let was = before
            .and_then(|m| Some((m.status?, m.measured.as_ref()?)))
            .map(|(s, m)| {
                let m = match m {
                    Measure::Number(x) => format!(", {x}"),
                    Measure::Date(d) => format!(", {d}"),
                    Measure::Null => String::new(),
                };
                format!(" ({} {}{m})", tr("基线：", "before:"), s.as_str())
            })
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "  [{tag}] {} {} {}: {}{was}",
            e.rule,
            plain(&e.id),
            plain(&e.name),
            plain(&e.message)
        );
    };
    let worse: Vec<_> = now.iter().filter(|(_, m)| m.worse).collect();
    if !worse.is_empty() {
        let _ = writeln!(
            o,
            "{}",
            tr("新增或变差的不符合项：", "New or worse failures:")
        );
        for (e, m) in worse.iter().take(WORST) {
            let tag = if m.state == BaselineState::New {
                tr("新增", "new")
            } else {
                tr("变差", "worse")
            };
            line(&mut o, tag, e, Some(m));
        }
    }
    let fixed: Vec<_> = now
        .iter()
        .filter(|(_, m)| m.state == BaselineState::Fixed)
        .collect();
    if !fixed.is_empty() || !c.gone.is_empty() {
        let _ = writeln!(o, "{}", tr("已修复：", "Fixed:"));
        for (e, m) in fixed.iter().take(WORST) {
            line(&mut o, tr("已修复", "fixed"), e, Some(m));
        }
        for e in c.gone.iter().take(WORST) {
            line(&mut o, tr("已不存在", "gone"), e, None);
        }
    }
    o
}

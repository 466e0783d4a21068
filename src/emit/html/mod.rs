//! HTML: one self-contained page to read, print and file — the verdict, a map drawn as
//! inline SVG in the working CRS, what each failing compound needs, a summary and a table
//! per rule, the inputs. No script, font, tile or stylesheet from anywhere (a
//! Content-Security-Policy forbids it), and everything that comes from the plan is escaped.
//! Print CSS lays it out on A4: the verdict and the map on the first page, page numbers,
//! table rows never cut.

mod frame;
mod map;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{EmitError, Emitter};
use crate::model::Layer;
use crate::model::{Finding, Gap, Measure, Need, RuleDetails, Status};
use crate::profile::Severity;
use crate::report::{Geometries, Report};
use crate::text::{num, Lang, Text};

pub struct HtmlEmitter {
    pub lang: Lang,
}

impl Emitter for HtmlEmitter {
    fn emit(&mut self, w: &mut dyn std::io::Write, r: &Report) -> Result<(), EmitError> {
        let shapes = r.geometry.as_ref().ok_or(EmitError::NoGeometry)?;
        w.write_all(page(r, shapes, self.lang).as_bytes())?;
        Ok(())
    }
}

/// The rows a rule's table shows at most (failing ones first); the JSON has them all.
const ROWS: usize = 200;
/// The compounds whose needs are listed at most.
const NEEDS: usize = 200;

/// Text for HTML content and attribute values: `<`, `>`, `&`, quotes escaped.
pub fn esc(s: &str) -> String {
    super::markup::escape(s, super::markup::Place::Html)
}

const CSS: &str = r#"
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "WenQuanYi Micro Hei", "PingFang SC", sans-serif; margin: 24px; color: #222; font-size: 14px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 24px 0 8px; border-bottom: 1px solid #bbb; }
.meta { color: #555; margin: 2px 0; }
.verdict { font-size: 20px; font-weight: bold; padding: 10px 14px; margin: 12px 0; border-radius: 4px; }
.verdict.fail { background: #fde0dd; color: #a50f15; }
.verdict.pass { background: #e5f5e0; color: #006d2c; }
.counts { font-weight: normal; font-size: 14px; margin-left: 12px; }
figure { margin: 0; }
svg.map { width: 100%; height: auto; border: 1px solid #ccc; background: #fcfcfc; }
.legend span { display: inline-block; margin-right: 14px; font-size: 12px; }
.legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -2px; border: 1px solid #888; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 12px; }
th, td { border: 1px solid #ccc; padding: 3px 5px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; white-space: nowrap; }
td.num { text-align: right; white-space: nowrap; }
td.subj { min-width: 8em; }
td.clause { min-width: 10em; }
.fail-error { color: #a50f15; font-weight: bold; }
.fail-warning { color: #b35806; font-weight: bold; }
.fail-info { color: #555; }
.pass { color: #006d2c; }
.more { color: #666; font-style: italic; }
ul.needs > li { margin: 4px 0; }
ul.needs ul { margin: 1px 0; padding-left: 18px; }
@page { size: A4; margin: 14mm 12mm 16mm; @bottom-center { content: counter(page) " / " counter(pages); font-size: 10px; color: #666; } }
@media print {
  body { margin: 0; font-size: 11px; }
  .first { break-after: page; }
  tr, li { break-inside: avoid; }
  thead { display: table-header-group; }
  h2 { break-after: avoid; }
  svg.map { max-height: 170mm; }
}
"#;

fn page(r: &Report, shapes: &Geometries, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let tr = |a: &'static str, b: &'static str| if zh { a } else { b };
    let mut o = String::with_capacity(64 * 1024);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} — {}</title><style>{CSS}</style></head><body>\n",
        if zh { "zh-CN" } else { "en" },
        tr("养老服务设施规划检查报告", "Elder-care facility plan check"),
        esc(r.profile_title.get(lang))
    );
    o.push_str("<section class=\"first\">\n");
    header(&mut o, r, lang);
    verdict(&mut o, r, lang);
    let _ = writeln!(o, "<h2>{}</h2>", tr("地图", "Map"));
    map::map(&mut o, r, shapes, lang);
    o.push_str("</section>\n");
    remedies(&mut o, r, lang);
    needs(&mut o, r, lang);
    suggestions(&mut o, r, lang);
    rules(&mut o, r, lang);
    inputs(&mut o, r, lang);
    o.push_str("</body></html>\n");
    o
}

fn header(o: &mut String, r: &Report, lang: Lang) {
    let zh = lang == Lang::Zh;
    let tr = |a: &'static str, b: &'static str| if zh { a } else { b };
    let _ = writeln!(
        o,
        "<h1>{}</h1>",
        tr("养老服务设施规划检查报告", "Elder-care facility plan check")
    );
    let _ = writeln!(
        o,
        "<p class=\"meta\">{}（{}）</p>",
        esc(r.profile_title.get(lang)),
        esc(&r.document)
    );
    let _ = writeln!(
        o,
        "<p class=\"meta\">{} {} · {} {} · planlint {}</p>",
        tr("检查日期", "As of"),
        r.as_of,
        tr("工作坐标系", "working CRS"),
        esc(&r.working_crs),
        env!("CARGO_PKG_VERSION")
    );
    if let Some(note) = super::context_note(r) {
        let _ = writeln!(o, "<p class=\"meta\">{}</p>", esc(note.get(lang)));
    }
    if let Some(note) = super::expiry_note(r) {
        let _ = writeln!(
            o,
            "<p class=\"meta fail-warning\">{}</p>",
            esc(note.get(lang))
        );
    }
}

fn verdict(o: &mut String, r: &Report, lang: Lang) {
    let zh = lang == Lang::Zh;
    let s = &r.summary;
    let ok = s.errors == 0;
    let _ = writeln!(
        o,
        "<div class=\"verdict {}\">{}<span class=\"counts\">{}</span></div>",
        if ok { "pass" } else { "fail" },
        match (ok, zh) {
            (true, true) => "结论：未发现违反强制性要求的问题",
            (true, false) => "Verdict: no failure of a binding requirement",
            (false, true) => "结论：不符合要求",
            (false, false) => "Verdict: does not comply",
        },
        [
            (Severity::Error.label(), s.errors),
            (Severity::Warning.label(), s.warnings),
            (Status::Pending.label(), s.pending),
            (Status::InsufficientData.label(), s.insufficient_data),
            (Status::Pass.label(), s.pass),
        ]
        .iter()
        .map(|(label, n)| format!("{} {n}", label.get(lang)))
        .collect::<Vec<_>>()
        .join(" · ")
    );
}

/// How bad a finding is, for colouring: higher is worse.
pub(super) fn badness(f: &Finding) -> u8 {
    match (f.status, f.severity) {
        (Status::Fail, Severity::Error) => 6,
        (Status::Fail, Severity::Warning) => 5,
        (Status::Pending, _) => 4,
        (Status::InsufficientData, _) => 3,
        (Status::Fail, Severity::Info) => 2,
        (Status::Pass, _) => 1,
        _ => 0,
    }
}

/// What each failing compound (or facility) needs: its failing findings' messages.
fn needs(o: &mut String, r: &Report, lang: Lang) {
    let zh = lang == Lang::Zh;
    let tr = |a: &'static str, b: &'static str| if zh { a } else { b };
    let mut by_subject: BTreeMap<(&str, &str), Vec<&Finding>> = BTreeMap::new();
    for f in r.findings.iter().filter(|f| {
        f.status == Status::Fail
            && f.severity != Severity::Info
            && matches!(f.subject.layer, Layer::Compounds | Layer::Facilities)
    }) {
        by_subject
            .entry((f.subject.id.as_str(), f.subject.name.as_str()))
            .or_default()
            .push(f);
    }
    let _ = writeln!(
        o,
        "<h2>{}</h2>",
        tr(
            "不符合要求的小区与设施需要什么",
            "What each failing compound and facility needs"
        )
    );
    if by_subject.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", tr("无。", "None."));
        return;
    }
    o.push_str("<ul class=\"needs\">\n");
    for ((id, name), fs) in by_subject.iter().take(NEEDS) {
        let items: Vec<String> = fs
            .iter()
            .map(|f| {
                format!(
                    "<li><span class=\"fail-{}\">{}</span>: {}</li>",
                    f.severity.as_str(),
                    f.rule,
                    esc(&f.message(lang))
                )
            })
            .collect();
        let _ = writeln!(
            o,
            "<li><b>{}</b> ({})<ul>{}</ul></li>",
            esc(name),
            esc(id),
            items.concat()
        );
    }
    o.push_str("</ul>\n");
    more(o, by_subject.len(), NEEDS, lang);
}

/// What `planlint fix` changed (整改建议): the remedies in the bureau's words, the site
/// choice's proof, and the failures left with why.
fn remedies(o: &mut String, r: &Report, lang: Lang) {
    let Some(m) = &r.remedy else {
        return;
    };
    let zh = lang == Lang::Zh;
    let _ = writeln!(
        o,
        "<h2>{}</h2>",
        if zh { "整改建议" } else { "What to change" }
    );
    o.push_str("<ul class=\"remedies\">\n");
    for line in m.said(lang) {
        let _ = writeln!(o, "<li>{}</li>", esc(&line));
    }
    o.push_str("</ul>\n");
    if let Some(line) = m.sites_said(lang) {
        let _ = writeln!(o, "<p>{}</p>", esc(&line));
    }
    if !m.left.is_empty() {
        let _ = writeln!(
            o,
            "<h3>{}</h3>\n<ul>",
            if zh { "仍不符合" } else { "Still failing" }
        );
        for l in &m.left {
            let _ = writeln!(
                o,
                "<li>{} {}: {}</li>",
                esc(&l.rule),
                esc(&l.subject),
                esc(l.why.get(lang))
            );
        }
        o.push_str("</ul>\n");
    }
}

/// The sites `--suggest K` chose, in the order chosen.
fn suggestions(o: &mut String, r: &Report, lang: Lang) {
    if r.suggestions.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "<h2>{}</h2>",
        esc(super::suggestions_heading().get(lang))
    );
    o.push_str("<ol class=\"suggestions\">\n");
    for s in &r.suggestions {
        let _ = writeln!(o, "<li>{}</li>", esc(&super::suggestion_line(s, lang)));
    }
    o.push_str("</ol>\n");
}

/// A finding's message, with its waiver and baseline marks.
fn with_marks(f: &Finding, lang: Lang) -> String {
    let mut s = f.message(lang).to_string();
    for m in super::marks(f, lang) {
        s += &format!(" [{m}]");
    }
    s
}

/// Says how many of `total` a list shown up to `shown` leaves out, if any.
fn more(o: &mut String, total: usize, shown: usize, lang: Lang) {
    if total > shown {
        let _ = writeln!(
            o,
            "<p class=\"more\">… +{} ({})</p>",
            total - shown,
            Text::new("完整列表见 JSON 报告", "the JSON report lists them all").get(lang)
        );
    }
}

fn cell(m: &Measure) -> String {
    match m {
        Measure::Number(x) => num(*x, 4),
        Measure::Date(d) => d.to_string(),
        Measure::Null => "—".into(),
    }
}

/// Under a dated target's verdict, the date from which the plan meets it late.
fn met_from(f: &Finding, lang: Lang) -> String {
    match f.details.dated().and_then(|d| d.met_from.as_deref()) {
        Some(date) => format!(
            "<br><small class=\"met-from\">{}</small>",
            esc(Text::new(format!("{date} 起达标"), format!("met from {date}")).get(lang))
        ),
        None => String::new(),
    }
}

/// How far a failing finding is from its requirement, in its unit.
fn shortfall(f: &Finding) -> String {
    if f.status != Status::Fail {
        return String::new();
    }
    if let Some(RuleDetails::FloorArea(d)) = f.details.rule() {
        if let Measure::Number(m) = d.missing_floor_area {
            return format!("{} m²", num(m, 1));
        }
    }
    match f.gap() {
        Some(Gap {
            need: Need::AtLeast | Need::AtMost,
            deficit: Some(d),
        }) => num(d, 4),
        _ => "—".into(),
    }
}

fn rules(o: &mut String, r: &Report, lang: Lang) {
    let zh = lang == Lang::Zh;
    let tr = |a: &'static str, b: &'static str| if zh { a } else { b };
    let mut per_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &r.findings {
        per_rule.entry(f.rule).or_default().push(f);
    }
    let _ = writeln!(o, "<h2>{}</h2>", tr("各规则结果", "Results by rule"));
    let _ = writeln!(
        o,
        "<table><thead><tr><th>{}</th><th>{}</th>{}</tr></thead><tbody>",
        tr("规则", "rule"),
        tr("名称", "title"),
        Status::ALL
            .iter()
            .map(|s| format!("<th>{}</th>", s.label().get(lang)))
            .collect::<String>()
    );
    for (rule, fs) in &per_rule {
        let title =
            crate::rules::find(rule).map_or_else(String::new, |r| r.title().get(lang).to_string());
        let counts: String = Status::ALL
            .iter()
            .map(|&s| {
                format!(
                    "<td class=\"num\">{}</td>",
                    fs.iter().filter(|f| f.status == s).count()
                )
            })
            .collect();
        let _ = writeln!(
            o,
            "<tr><td>{rule}</td><td>{}</td>{counts}</tr>",
            esc(&title)
        );
    }
    o.push_str("</tbody></table>\n");
    for (rule, fs) in &per_rule {
        let title =
            crate::rules::find(rule).map_or_else(String::new, |r| r.title().get(lang).to_string());
        let _ = writeln!(o, "<h2>{rule} — {}</h2>", esc(&title));
        let mut rows: Vec<&&Finding> = fs.iter().collect();
        // Failing first, the worst first; then the rest in the report's order.
        rows.sort_by_key(|f| std::cmp::Reverse(badness(f)));
        let _ = writeln!(
            o,
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            tr("对象", "subject"),
            tr("结论", "result"),
            tr("实测", "measured"),
            tr("要求", "required"),
            tr("差距", "shortfall"),
            tr("说明", "message"),
            tr("条款", "clause")
        );
        for f in rows.iter().take(ROWS) {
            let class = match f.status {
                Status::Fail => format!("fail-{}", f.severity.as_str()),
                Status::Pass => "pass".into(),
                _ => String::new(),
            };
            let _ = writeln!(
                o,
                "<tr><td class=\"subj\">{} <small>{}</small></td><td class=\"{class}\">{}{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"clause\">{}</td></tr>",
                esc(&f.subject.name),
                esc(&f.subject.id),
                f.status.label().get(lang),
                met_from(f, lang),
                esc(&cell(&f.measured)),
                esc(&cell(&f.required)),
                esc(&shortfall(f)),
                esc(&with_marks(f, lang)),
                esc(&f.clause)
            );
        }
        o.push_str("</tbody></table>\n");
        more(o, rows.len(), ROWS, lang);
    }
}

fn inputs(o: &mut String, r: &Report, lang: Lang) {
    let zh = lang == Lang::Zh;
    let tr = |a: &'static str, b: &'static str| if zh { a } else { b };
    let _ = writeln!(o, "<h2>{}</h2>", tr("输入数据", "Inputs"));
    let _ = writeln!(
        o,
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        tr("图层", "layer"),
        tr("文件", "file"),
        tr("已读", "read"),
        tr("拒收", "rejected")
    );
    for (layer, info) in &r.inputs {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            layer.as_str(),
            esc(&info.path),
            info.accepted(),
            info.rejected.len()
        );
    }
    o.push_str("</tbody></table>\n");
    let rejected: Vec<String> = r
        .inputs
        .iter()
        .flat_map(|(layer, info)| {
            info.rejected.iter().map(move |x| {
                format!(
                    "<li>{} #{} {}: {}</li>",
                    layer.as_str(),
                    x.index,
                    esc(x.id.as_deref().unwrap_or("-")),
                    esc(x.reason.get(lang))
                )
            })
        })
        .take(ROWS)
        .collect();
    if !rejected.is_empty() {
        let _ = writeln!(o, "<ul>{}</ul>", rejected.join(""));
    }
    for n in &r.notes {
        let _ = writeln!(
            o,
            "<p class=\"meta\">{} {}</p>",
            tr("注：", "Note:"),
            esc(n.get(lang))
        );
    }
}

//! The pages for people: `/` (choose the city, drop a zip or GeoPackage, the latest
//! checks), `/jobs` (every check, newest first) and `/jobs/ID` (the verdict, what fails,
//! the report and its downloads). Plain forms and links, no script, nothing from
//! elsewhere (the report's Content-Security-Policy), in Chinese or English after the
//! browser's language; everything from a plan or a request is escaped.

use std::fmt::Write as _;

use serde_json::Value;

use super::store::{Job, Status};
use super::State;
use crate::emit::markup::{escape, Place};
use crate::text::Lang;

/// A page's links (`href`, `src`, `action`, all from the root) under `prefix`, the path a
/// reverse proxy serves the server under. Text from a plan or a request is escaped, so
/// none of it reads as an attribute.
pub fn under(prefix: &str, html: String) -> String {
    if prefix.is_empty() {
        return html;
    }
    ["href", "src", "action"].iter().fold(html, |html, attr| {
        html.replace(&format!("{attr}=\"/"), &format!("{attr}=\"{prefix}/"))
    })
}

fn e(s: &str) -> String {
    escape(s, Place::Html)
}

const STYLE: &str = "body{font-family:system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;\
margin:0 auto;max-width:72rem;padding:1rem 2rem;color:#222}\
h1{font-size:1.5rem;margin:.5rem 0 1rem}h2{font-size:1.15rem;margin-top:2rem}\
form{border:1px solid #ccd;border-radius:6px;padding:1rem 1.25rem;background:#f7f8fb}\
label{display:block;margin:.5rem 0}input[type=file]{margin:.5rem 0}\
button{font-size:1rem;padding:.4rem 1.2rem;margin-top:.5rem}\
table{border-collapse:collapse;width:100%;font-size:.92rem}\
th,td{text-align:left;border-bottom:1px solid #ddd;padding:.35rem .5rem;vertical-align:top}\
.pass{color:#176b2c}.fail{color:#b3261e}.other{color:#6b5b00}\
.verdict{font-size:1.6rem;font-weight:600;padding:.8rem 1rem;border-radius:6px;margin:1rem 0}\
.verdict.pass{background:#e6f4ea}.verdict.fail{background:#fce8e6}.verdict.other{background:#fff7d6}\
nav a{margin-right:1rem}iframe{width:100%;height:70rem;border:1px solid #ccd}\
.muted{color:#666;font-size:.88rem}";

fn head(title: &str, lang: Lang) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; img-src data:; frame-src 'self'; form-action 'self'\">\
         <title>{}</title><style>{STYLE}</style></head><body>\
         <nav><a href=\"/?f=html\">{}</a><a href=\"/jobs?f=html\">{}</a>\
         <a href=\"/processes\">API</a></nav>",
        if lang == Lang::Zh { "zh-CN" } else { "en" },
        e(title),
        t(lang, "检查", "Check"),
        t(lang, "检查记录", "History"),
    )
}

fn t<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    if lang == Lang::Zh {
        zh
    } else {
        en
    }
}

/// A job's verdict: its words and its class.
fn verdict(job: &Job, lang: Lang) -> (&'static str, &'static str) {
    match (job.status, job.exit_code) {
        (Status::Successful, Some(0)) if job.process == "fix" => {
            ("pass", t(lang, "整改后符合", "Complies once fixed"))
        }
        (Status::Successful, Some(0)) => ("pass", t(lang, "符合", "Complies")),
        (Status::Successful, _) if job.process == "fix" => {
            ("fail", t(lang, "整改后仍不符合", "Still fails once fixed"))
        }
        (Status::Successful, _) => ("fail", t(lang, "不符合", "Does not comply")),
        (Status::Failed, _) => ("other", t(lang, "未能检查", "Could not be checked")),
        (Status::Dismissed, _) => ("other", t(lang, "已删除", "Deleted")),
        _ => ("other", t(lang, "检查中", "Checking")),
    }
}

pub fn landing(state: &State, jobs: &[Job], total: usize, lang: Lang) -> String {
    let mut o = head(
        t(lang, "planlint 养老服务设施规划检查", "planlint checks"),
        lang,
    );
    let _ = write!(
        o,
        "<h1>{}</h1><form method=\"post\" action=\"/\" enctype=\"multipart/form-data\">",
        t(
            lang,
            "养老服务设施规划检查",
            "Elder-care facility planning check"
        )
    );
    let _ = write!(
        o,
        "<label>{} <select name=\"city\"><option value=\"\">{}</option>",
        t(lang, "所在城市", "City"),
        t(lang, "（单独检查，不放入城市）", "(the submission alone)")
    );
    for (i, id) in state.city_ids().iter().enumerate() {
        let _ = write!(
            o,
            "<option value=\"{0}\"{1}>{0}</option>",
            e(id),
            if i == 0 { " selected" } else { "" }
        );
    }
    let _ = write!(
        o,
        "</select></label>\
         <label>{} <input type=\"file\" name=\"submission\" accept=\".zip,.gpkg\" required></label>\
         <label><input type=\"radio\" name=\"process\" value=\"check\" checked> {}</label>\
         <label><input type=\"radio\" name=\"process\" value=\"fix\"> {}</label>",
        t(
            lang,
            "报建方案（规划文件夹的 zip，或 GeoPackage）",
            "Submission (a zip of the plan folder, or a GeoPackage)"
        ),
        t(lang, "检查", "Check"),
        t(lang, "检查并给出整改建议", "Check and say what to change"),
    );
    if super::auth::required(state) {
        let _ = write!(
            o,
            "<label>{} <input type=\"password\" name=\"token\" autocomplete=\"off\"></label>",
            t(lang, "令牌", "Token")
        );
    }
    let _ = write!(
        o,
        "<button type=\"submit\">{}</button></form>",
        t(lang, "检查", "Check")
    );
    let _ = write!(o, "<h2>{}</h2>", t(lang, "最近的检查", "Latest checks"));
    table(&mut o, jobs, lang);
    if total > jobs.len() {
        let _ = write!(
            o,
            "<p><a href=\"/jobs?f=html\">{} ({total})</a></p>",
            t(lang, "全部记录", "Every check")
        );
    }
    o + "</body></html>"
}

pub fn jobs(jobs: &[Job], total: usize, offset: usize, limit: usize, lang: Lang) -> String {
    let mut o = head(t(lang, "检查记录", "Checks"), lang);
    let _ = write!(
        o,
        "<h1>{}</h1><p class=\"muted\">{} {total}</p>",
        t(lang, "检查记录（最新在前）", "Every check, newest first"),
        t(lang, "共", "In all:")
    );
    table(&mut o, jobs, lang);
    if offset > 0 {
        let _ = write!(
            o,
            "<a href=\"/jobs?f=html&amp;limit={limit}&amp;offset={}\">{}</a> ",
            offset.saturating_sub(limit),
            t(lang, "较新", "Newer")
        );
    }
    if offset + jobs.len() < total {
        let _ = write!(
            o,
            "<a href=\"/jobs?f=html&amp;limit={limit}&amp;offset={}\">{}</a>",
            offset + limit,
            t(lang, "较早", "Older")
        );
    }
    o + "</body></html>"
}

fn table(o: &mut String, jobs: &[Job], lang: Lang) {
    if jobs.is_empty() {
        let _ = write!(
            o,
            "<p class=\"muted\">{}</p>",
            t(lang, "尚无记录", "None yet")
        );
        return;
    }
    let _ = write!(
        o,
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        t(lang, "时间", "When"),
        t(lang, "结论", "Verdict"),
        t(lang, "文件", "File"),
        t(lang, "城市", "City"),
        t(lang, "不符合项", "Failing"),
        t(lang, "编号", "Job"),
    );
    for job in jobs {
        let (class, words) = verdict(job, lang);
        let p = &job.parameters;
        let file = p
            .pointer("/submission/name")
            .and_then(Value::as_str)
            .or_else(|| p.pointer("/submission/file").and_then(Value::as_str))
            .unwrap_or("");
        let city = p.get("city").and_then(Value::as_str).unwrap_or("—");
        let errors = job
            .summary
            .as_ref()
            .and_then(|s| s.get("errors"))
            .and_then(Value::as_u64)
            .map_or_else(|| "—".to_string(), |n| n.to_string());
        let _ =
            write!(
            o,
            "<tr><td>{}</td><td class=\"{class}\">{}</td><td>{}</td><td>{}</td><td>{errors}</td>\
             <td><a href=\"/jobs/{}?f=html\">{}</a></td></tr>",
            e(&job.created.replace('T', " ").chars().take(19).collect::<String>()),
            e(words),
            e(file),
            e(city),
            e(&job.id),
            e(&job.id.chars().take(8).collect::<String>()),
        );
    }
    o.push_str("</tbody></table>");
}

pub fn job(job: &Job, report: Option<&Value>, lang: Lang) -> String {
    let mut o = head(&format!("planlint {}", job.id), lang);
    let (class, words) = verdict(job, lang);
    let _ = write!(
        o,
        "<h1>{} {}</h1><div class=\"verdict {class}\">{}</div>",
        t(lang, "检查", "Check"),
        e(&job.id),
        e(words)
    );
    if let Some(message) = &job.message {
        if job.status != Status::Successful {
            let _ = write!(o, "<p>{}</p>", e(message));
        }
    }
    let p = &job.parameters;
    let _ = write!(
        o,
        "<p class=\"muted\">{} {} · {} {} · {} {}</p>",
        t(lang, "提交于", "Submitted"),
        e(&job.created),
        t(lang, "城市", "city"),
        e(p.get("city").and_then(Value::as_str).unwrap_or("—")),
        t(lang, "文件", "file"),
        e(p.pointer("/submission/name")
            .and_then(Value::as_str)
            .unwrap_or_else(|| p
                .pointer("/submission/file")
                .and_then(Value::as_str)
                .unwrap_or(""))),
    );
    if let Some(report) = report {
        failing(&mut o, report, lang);
    }
    let id = e(&job.id);
    if job.status == Status::Successful {
        let _ = write!(
            o,
            "<h2>{}</h2><p><a href=\"/jobs/{id}/results/report?f=html\">{}</a> · \
             <a href=\"/jobs/{id}/results/report?f=json\">JSON</a> · \
             <a href=\"/jobs/{id}/results/findings?f=gpkg\">GeoPackage</a> · \
             <a href=\"/jobs/{id}/results/findings?f=geojson\">GeoJSON</a>",
            t(lang, "报告与下载", "Report and downloads"),
            t(
                lang,
                "HTML 报告（可打印为 PDF）",
                "HTML report (prints to PDF)"
            ),
        );
        if job.outputs.iter().any(|f| f == "remedies.geojson") {
            let _ = write!(
                o,
                " · <a href=\"/jobs/{id}/results/remedies?f=geojson\">{}</a>",
                t(lang, "整改措施 GeoJSON", "Remedies GeoJSON")
            );
        }
        let _ = write!(
            o,
            " · <a href=\"/jobs/{id}/submission\">{}</a></p>\
             <iframe src=\"/jobs/{id}/results/report?f=html\" title=\"report\"></iframe>",
            t(lang, "提交的文件", "The file as submitted"),
        );
    }
    o + "</body></html>"
}

/// The failing findings at error or warning: rule, subject, message.
fn failing(o: &mut String, report: &Value, lang: Lang) {
    let findings: Vec<&Value> = report
        .get("findings")
        .and_then(Value::as_array)
        .map(|f| {
            f.iter()
                .filter(|f| {
                    f.get("status").and_then(Value::as_str) == Some("fail")
                        && matches!(
                            f.get("severity").and_then(Value::as_str),
                            Some("error" | "warning")
                        )
                })
                .collect()
        })
        .unwrap_or_default();
    let _ = write!(
        o,
        "<h2>{} ({})</h2>",
        t(lang, "不符合要求的项目", "What fails"),
        findings.len()
    );
    if findings.is_empty() {
        return;
    }
    let _ = write!(
        o,
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        t(lang, "对象", "Subject"),
        t(lang, "规则", "Rule"),
        t(lang, "说明", "Message")
    );
    for f in findings {
        let s = |p: &str| f.pointer(p).and_then(Value::as_str).unwrap_or("");
        let subject = match s("/subject/name") {
            "" => s("/subject/id").to_string(),
            name => format!("{name}（{}）", s("/subject/id")),
        };
        let _ = write!(
            o,
            "<tr><td class=\"subject\">{}</td><td>{}</td><td>{}</td></tr>",
            e(&subject),
            e(s("/rule")),
            e(s("/message"))
        );
    }
    o.push_str("</tbody></table>");
}

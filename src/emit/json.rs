//! The JSON report: the contract of report.md (fields may be added, none renamed).
//! Serialized straight from borrowed views of the report: no intermediate JSON tree.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use super::{EmitError, Emitter};
use crate::analysis::CircleSummary;
use crate::model::{Details, Finding, Gap, Measure, Status, Subject};
use crate::network::NetworkReport;
use crate::profile::Severity;
use crate::report::{Report, Summary};
use crate::text::Lang;

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct ProfileView<'a> {
    id: &'a str,
    title: &'a str,
    document: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    issued: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    valid_until: Option<String>,
    /// The check's date is after `valid_until`: the policy had expired (its errors are warnings).
    expired: bool,
}

#[derive(Serialize)]
struct RejectionView<'a> {
    index: usize,
    id: Option<&'a str>,
    field: Option<&'a str>,
    reason: &'a str,
}

#[derive(Serialize)]
struct InputView<'a> {
    path: &'a str,
    features: usize,
    accepted: usize,
    rejected: Vec<RejectionView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    crs: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<&'a str>,
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    fields: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct FindingView<'a> {
    rule: &'a str,
    severity: Severity,
    status: Status,
    subject: &'a Subject,
    measured: &'a Measure,
    required: &'a Measure,
    unit: &'a str,
    /// How far a failing finding is from its requirement, typed: what the remedies of
    /// `planlint fix`, the baseline's "worse" and other programs read.
    #[serde(skip_serializing_if = "Option::is_none")]
    gap: Option<Gap>,
    message: Words<'a>,
    clause: &'a str,
    #[serde(skip_serializing_if = "Details::is_empty")]
    details: &'a Details,
    #[serde(skip_serializing_if = "Option::is_none")]
    waived: Option<&'a crate::model::Waived>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'a crate::model::BaselineMark>,
}

#[derive(Serialize)]
struct ReportView<'a> {
    tool: Tool,
    profile: ProfileView<'a>,
    as_of: String,
    working_crs: &'a str,
    inputs: BTreeMap<&'static str, InputView<'a>>,
    summary: &'a Summary,
    findings: Vec<FindingView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_circle: Option<&'a CircleSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    network: Option<&'a NetworkReport>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    suggestions: &'a [crate::analysis::Suggestion],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<ContextView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'a crate::report::BaselineSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remedy: Option<crate::report::remedies::RemedyView<'a>>,
}

/// The city a submission was checked in: what was read of it, and what the submission
/// replaces.
#[derive(Serialize)]
struct ContextView<'a> {
    inputs: BTreeMap<&'static str, InputView<'a>>,
    replaced: Vec<ReplacedView<'a>>,
}

#[derive(Serialize)]
struct ReplacedView<'a> {
    layer: &'static str,
    id: &'a str,
}

/// A finding's message, put into words as it is serialized: by the thread that serializes
/// its chunk ([`serialize_batch`]), none of them held beyond it.
struct Words<'a>(&'a Finding, Lang);

impl Serialize for Words<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.message(self.1))
    }
}

fn finding(f: &Finding, lang: Lang) -> FindingView<'_> {
    FindingView {
        rule: f.rule,
        severity: f.severity,
        status: f.status,
        subject: &f.subject,
        measured: &f.measured,
        required: &f.required,
        unit: f.unit,
        gap: f.gap(),
        message: Words(f, lang),
        clause: &f.clause,
        details: &f.details,
        waived: f.waived.as_deref(),
        baseline: f.baseline.as_deref(),
    }
}

/// The inputs of a plan as the report shows them.
fn inputs_view(
    inputs: &BTreeMap<crate::model::Layer, crate::model::LayerInfo>,
    lang: Lang,
) -> BTreeMap<&'static str, InputView<'_>> {
    inputs
        .iter()
        .map(|(layer, info)| {
            let rejected = info
                .rejected
                .iter()
                .map(|x| RejectionView {
                    index: x.index,
                    id: x.id.as_deref(),
                    field: x.field.as_deref(),
                    reason: x.reason.get(lang),
                })
                .collect();
            let input = InputView {
                path: &info.path,
                features: info.features,
                accepted: info.accepted(),
                rejected,
                crs: info.crs.as_deref(),
                encoding: info.encoding.as_deref(),
                fields: info
                    .fields
                    .iter()
                    .map(|(c, f)| (c.to_string(), f.as_str().into()))
                    .collect(),
            };
            (layer.as_str(), input)
        })
        .collect()
}

fn view(r: &Report, lang: Lang) -> ReportView<'_> {
    let inputs = inputs_view(&r.inputs, lang);
    ReportView {
        tool: Tool {
            name: "planlint",
            version: env!("CARGO_PKG_VERSION"),
        },
        profile: ProfileView {
            id: &r.profile_id,
            title: r.profile_title.get(lang),
            document: &r.document,
            issued: r.issued.map(|d| d.to_string()),
            valid_until: r.valid_until.map(|d| d.to_string()),
            expired: r.expired,
        },
        as_of: r.as_of.to_string(),
        working_crs: &r.working_crs,
        inputs,
        summary: &r.summary,
        // Written apart, in parallel ([`JsonEmitter::emit`]).
        findings: Vec::new(),
        service_circle: r.service_circle.as_ref(),
        network: r.network.as_ref(),
        suggestions: &r.suggestions,
        notes: r.notes.iter().map(|n| n.get(lang)).collect(),
        context: r.city.as_ref().map(|c| ContextView {
            inputs: inputs_view(&c.city_inputs, lang),
            replaced: c
                .replaced
                .iter()
                .map(|(layer, id)| ReplacedView {
                    layer: layer.as_str(),
                    id,
                })
                .collect(),
        }),
        baseline: r.baseline.as_ref(),
        remedy: r.remedy.as_ref().map(|m| m.view(lang)),
    }
}

/// Findings a thread serializes at a time.
const CHUNK: usize = 512;

/// One batch of findings as JSON, a chunk of them per thread at a time: each finding
/// pretty-printed as an element of the report's `findings` (indented four spaces), the
/// chunk's findings separated by `,\n`.
fn serialize_batch(batch: &[Finding], lang: Lang) -> std::io::Result<Vec<Vec<u8>>> {
    batch
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut out = Vec::with_capacity(chunk.len() * 700);
            for (i, f) in chunk.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(b",\n");
                }
                out.extend_from_slice(b"    ");
                let mut ser = serde_json::Serializer::with_formatter(&mut out, Nested::at(2));
                finding(f, lang).serialize(&mut ser)?;
            }
            Ok(out)
        })
        .collect::<Result<Vec<Vec<u8>>, serde_json::Error>>()
        .map_err(std::io::Error::from)
}

/// serde_json's `PrettyFormatter` (two spaces a level) for a value nested `depth` levels
/// down in a pretty-printed document: the bytes it writes are those the whole document
/// written at once has there.
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn at(depth: usize) -> Nested {
        Nested {
            depth,
            has_value: false,
        }
    }

    fn newline<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    /// `[` or `{`: one level down, nothing in it yet.
    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, with: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(with)
    }

    /// `]` or `}`: on a line of its own after what it holds.
    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, with: &[u8]) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline(w)?;
        }
        w.write_all(with)
    }

    /// An element or a key: after a comma unless first, on a line of its own.
    fn item<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.newline(w)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// The report as pretty JSON with a final newline: byte-identical for identical inputs.
pub struct JsonEmitter {
    pub lang: Lang,
}

impl Emitter for JsonEmitter {
    fn emit(&mut self, w: &mut dyn std::io::Write, r: &Report) -> Result<(), EmitError> {
        // The findings are most of a report: they are written in parallel, in chunks, and
        // set into the rest, which is written with none; the bytes are those of writing
        // the whole at once.
        let v = view(r, self.lang);
        let findings = &r.findings[..];
        // Serializing plain structs, strings and finite numbers fails only on writing.
        let rest = serde_json::to_vec_pretty(&v).map_err(std::io::Error::from)?;
        // A string's newlines are escaped: this line is the top-level key and no other.
        const EMPTY: &[u8] = b"\n  \"findings\": []";
        let at = rest
            .windows(EMPTY.len())
            .position(|x| x == EMPTY)
            .ok_or_else(|| std::io::Error::other("the report has no findings key"))?;
        w.write_all(&rest[..at])?;
        if findings.is_empty() {
            w.write_all(EMPTY)?;
        } else {
            w.write_all(b"\n  \"findings\": [\n")?;
            // Serialized a batch of chunks at a time, so that only two batches (not the
            // whole findings' JSON, 2 GB at a million compounds) are held in memory; a
            // batch is written while the next one is serialized.
            let lang = self.lang;
            let batches: Vec<&[Finding]> = findings.chunks(CHUNK * 64).collect();
            let mut ready = serialize_batch(batches[0], lang)?;
            for b in 0..batches.len() {
                let next = batches.get(b + 1).copied();
                let mut following = None;
                let written = rayon::in_place_scope(|s| {
                    s.spawn(|_| following = next.map(|b| serialize_batch(b, lang)));
                    ready.iter().enumerate().try_for_each(|(i, c)| {
                        if b > 0 || i > 0 {
                            w.write_all(b",\n")?;
                        }
                        w.write_all(c)
                    })
                });
                written?;
                ready = following.transpose()?.unwrap_or_default();
            }
            w.write_all(b"\n  ]")?;
        }
        w.write_all(&rest[at + EMPTY.len()..])?;
        w.write_all(b"\n")?;
        Ok(())
    }
}

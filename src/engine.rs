//! The check of one placed plan: index → analyse → check the rules → summarise. The whole
//! pipeline around it (reading, placing, context, waivers, baseline) is
//! [`crate::pipeline`].

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::analysis;
use crate::index::Joins;
use crate::model::progress::{Progress, Stage};
use crate::model::Finding;
use crate::model::{Layer, Plan};
use crate::network::Walkable;
use crate::profile::{self, Profile};
use crate::report::{self, Report};
use crate::rules::{self, Prepared};
use crate::text::{t, Text};

/// What a check does beyond the rules.
#[derive(Debug, Clone)]
pub struct Options {
    /// Suggest this many sites for new stations (greedy maximal covering; 0: none).
    pub suggest: usize,
    /// Put the service areas in the report (the road stretches within walking distance of
    /// a qualifying facility); needs a roads layer and the service-circle rule.
    pub service_areas: bool,
    /// Put the subjects' geometry in the report, for the map formats
    /// ([`emit::Format::needs_geometry`]); on by default.
    pub geometry: bool,
    /// Told of each stage as it starts, for a progress display.
    pub progress: Option<Progress>,
    /// Only the rules about areas (units and the plan): no walking network, no service
    /// circle, no finding about a compound or facility. What a submission's check compares
    /// with the city before it ([`crate::submission`]).
    pub(crate) areas_only: bool,
    /// The compounds whose own findings are wanted (a submission's, in its city); none:
    /// all. The others are still measured where the wanted ones depend on them; the
    /// circle is walked on the roads around the wanted ones, and the report's circle
    /// summary counts them alone.
    pub(crate) focus: Option<std::sync::Arc<rules::Focus>>,
    /// The units' joins made before of the plan's very units (a city's, kept for the
    /// parts of it submissions are checked on); none: made anew.
    pub(crate) units: Option<std::sync::Arc<crate::index::UnitJoins>>,
}

impl Options {
    /// Tells the progress callback, if any, of `stage`.
    pub fn tell(&self, stage: Stage) {
        if let Some(p) = &self.progress {
            p.tell(stage);
        }
    }
}

impl Default for Options {
    fn default() -> Options {
        Options {
            suggest: 0,
            service_areas: false,
            geometry: true,
            progress: None,
            areas_only: false,
            focus: None,
            units: None,
        }
    }
}

/// Checks a placed plan against a prepared profile (its sections parsed into the rules'
/// typed parameters, and validated, once) as of a date, and makes the report: [`check`],
/// then [`Checked::report`]. Rules run in parallel; findings come out sorted by rule id,
/// then subject id, whatever the thread count. A section that did not parse gives its
/// rule a `skipped` finding saying why.
pub fn run(plan: &Plan, prepared: &Prepared, as_of: NaiveDate, options: &Options) -> Report {
    steps(plan, prepared, as_of, options, Keep::ForReport).report(options)
}

/// What a check keeps of the walking network once the circle is measured.
#[derive(Clone, Copy, PartialEq)]
enum Keep {
    /// All of it: what comes after the check reads it ([`check`]).
    All,
    /// What the report reads only ([`run`]): without site suggestions or service areas,
    /// the network's summary, the network itself (a gigabyte at 1M compounds) and the
    /// circle's search freed before the rules make their findings.
    ForReport,
}

/// A plan checked, with what each step built: the joins and the walking network
/// ([`index`]), what the analysis measured ([`analyse`]), and the findings ([`rules`]).
/// The report is made of it ([`Checked::report`]); what comes after a check (the remedies
/// of `planlint fix`, a submission checked against its city) reads the same joins,
/// network and circle rather than building them again.
pub struct Checked<'p> {
    pub plan: &'p Plan,
    pub profile: &'p Profile,
    pub as_of: NaiveDate,
    pub joins: Joins,
    /// The walking network the circle was walked on: the whole, or the window around the
    /// wanted compounds; none without roads.
    pub network: Option<Walkable>,
    pub analysis: analysis::Analysis,
    /// In the order of report.md ([`Finding::order`]).
    pub findings: Vec<Finding>,
    focus: Option<std::sync::Arc<rules::Focus>>,
    /// The network's summary, made before the network was freed ([`Keep::ForReport`]).
    network_report: Option<crate::network::NetworkReport>,
}

/// The check's steps, one after the other: index → analyse → rules.
pub fn check<'p>(
    plan: &'p Plan,
    prepared: &Prepared<'p>,
    as_of: NaiveDate,
    options: &Options,
) -> Checked<'p> {
    steps(plan, prepared, as_of, options, Keep::All)
}

fn steps<'p>(
    plan: &'p Plan,
    prepared: &Prepared<'p>,
    as_of: NaiveDate,
    options: &Options,
    keep: Keep,
) -> Checked<'p> {
    let mut indexed = index(plan, prepared, as_of, options);
    let mut analysis = analyse(plan, prepared, as_of, options, &mut indexed);
    let mut network_report = None;
    if keep == Keep::ForReport && options.suggest == 0 && !options.service_areas {
        network_report = indexed.network.take().map(|n| n.report(plan));
        if let Some(c) = analysis.circle.as_mut() {
            c.search = None;
        }
    }
    let mut checked = Checked {
        plan,
        profile: prepared.profile,
        as_of,
        joins: indexed.joins,
        network: indexed.network,
        analysis,
        findings: Vec::new(),
        focus: options.focus.clone(),
        network_report,
    };
    let mut findings = rules(&checked.rule_inputs(), prepared, options);
    options.tell(Stage::Summarising);
    if checked.profile.expired_on(as_of) {
        expire(&mut findings, checked.profile);
    }
    sort(&mut findings);
    checked.findings = findings;
    checked
}

/// Frees `value` on a thread of its own: what a check no longer needs (a placed plan of a
/// hundred thousand compounds) takes tens of milliseconds to free, allocation by
/// allocation, which the report need not wait for. (Not the walking network, freed
/// before the rules: the findings then take its memory rather than more.)
pub(crate) fn free_aside<T: Send + 'static>(value: T) {
    // Where no thread can be had, the value is freed here, with the closure.
    let _ = std::thread::Builder::new()
        .name("free".into())
        .spawn(move || drop(value));
}

/// What the first step builds: the joins, and the walking network the circle is walked
/// on, with the window it was cut to when it is not the whole.
pub struct Indexed {
    pub joins: Joins,
    pub network: Option<Walkable>,
    pub window: Option<analysis::circle::Window>,
}

/// The service circle's parameters, when the check measures the circle: the profile has
/// the rule, the plan has compounds and facilities, and the check is not of areas only.
fn circle_params<'a>(
    plan: &Plan,
    prepared: &'a Prepared,
    options: &Options,
) -> Option<&'a analysis::CircleParams> {
    prepared
        .circle()
        .filter(|_| plan.has_layer(Layer::Compounds) && plan.has_layer(Layer::Facilities))
        .filter(|_| !options.areas_only)
}

/// The first step: the joins, and beside them the road graph, snapped onto by the
/// compounds and facilities. A check that wants a few compounds walks the roads around
/// them only, and none at all when none of them is of the circle's area types.
pub fn index(plan: &Plan, prepared: &Prepared, as_of: NaiveDate, options: &Options) -> Indexed {
    options.tell(Stage::Indexing);
    let walk = match circle_params(plan, prepared, options) {
        Some(p) => analysis::circle::Walk::of(plan, options.focus.as_deref(), p, as_of),
        None => analysis::circle::Walk::Whole,
    };
    let walks = plan.has_layer(Layer::Roads)
        && !options.areas_only
        && !matches!(walk, analysis::circle::Walk::Nothing);
    let window = walk.window();
    let rect = window.map(|w| w.rect);
    // The joins and the road graph are built side by side (the indexing stage holds both);
    // the network stage snaps the compounds and facilities onto the graph.
    let (joins, graph) = rayon::join(
        || Joins::build_with(plan, options.units.as_deref()),
        || walks.then(|| Walkable::graph(plan, rect)),
    );
    let network = graph.map(|net| {
        options.tell(Stage::Network);
        Walkable::snapped(plan, net, rect)
    });
    Indexed {
        joins,
        network,
        window,
    }
}

/// The second step: what several rules and outputs share, measured once (the circle's
/// walks and 2SFCA scores). A walk longer than the window vouches for has the whole
/// network measure the circle again, and the whole network replaces the window's.
pub fn analyse(
    plan: &Plan,
    prepared: &Prepared,
    as_of: NaiveDate,
    options: &Options,
    indexed: &mut Indexed,
) -> analysis::Analysis {
    options.tell(Stage::Circle);
    let params = circle_params(plan, prepared, options);
    let base = analysis::Inputs {
        plan,
        joins: &indexed.joins,
        network: None,
        household_size: prepared.profile.settings.household_size,
        as_of,
        focus: options.focus.as_deref(),
    };
    let with = |network: Option<&Walkable>| measure(&analysis::Inputs { network, ..base }, params);
    let mut analysis = with(indexed.network.as_ref());
    if let Some(w) = indexed.window {
        if !analysis
            .circle
            .as_ref()
            .is_none_or(|c| c.all_within(w.trusted))
        {
            indexed.network = Some(Walkable::new(plan));
            indexed.window = None;
            analysis = with(indexed.network.as_ref());
        }
    }
    analysis
}

/// The third step: every rule of the profile on what was built, in parallel. A rule that
/// cannot run (a layer missing, its section not valid, nothing to check, a bug) gives one
/// `skipped` finding saying why: no rule disappears from a report.
pub fn rules(ctx: &rules::Inputs, prepared: &Prepared, options: &Options) -> Vec<Finding> {
    let (plan, profile) = (ctx.plan, ctx.profile);
    options.tell(Stage::Rules);
    // Over the whole registry (rules the profile lacks drop out): spreading the rules over
    // the threads this way keeps the heavy ones apart (a 10k city checks a fifth faster
    // than over the profile's rules alone).
    rules::RULES
        .par_iter()
        .zip(prepared.params.par_iter())
        .filter_map(|(rule, params)| Some((*rule, params.as_ref()?)))
        .filter(|(rule, _)| {
            !options.areas_only || matches!(rule.subject(), Layer::Units | Layer::Plan)
        })
        .flat_map(|(rule, params)| {
            let cfg = &profile.rules[rule.id()];
            let missing: Vec<Layer> = rule
                .needs()
                .iter()
                .copied()
                .filter(|l| !plan.has_layer(*l))
                .collect();
            let skipped = |why| {
                vec![rules::common_skipped(
                    rule.id(),
                    rule.subject(),
                    cfg,
                    profile,
                    why,
                )]
            };
            if !missing.is_empty() {
                let names: Vec<&str> = missing.iter().map(|l| l.as_str()).collect();
                return skipped(t!("缺少图层：{}", "missing layer: {}", names.join(", ")));
            }
            let ready = match params {
                Ok(r) => r,
                Err(e) => {
                    return skipped(t!(
                        "配置 [rules.{}] 无效：{}",
                        "the profile section [rules.{}] is not valid: {}",
                        rule.id(),
                        e
                    ))
                }
            };
            // A bug in one rule must not take the others down: its panic becomes a skipped
            // finding that says so.
            let found = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                ready.check(cfg, ctx)
            }))
            .unwrap_or_else(|_| {
                skipped(t!(
                    "规则内部错误，未能完成检查（请报告此问题）",
                    "internal error: the rule could not finish (please report this)"
                ))
            });
            // No rule disappears from a report: one with nothing to check says so. (A
            // rule about compounds, none of them wanted, has checked what was asked.)
            let unwanted = options.focus.is_some()
                && rule.subject() == Layer::Compounds
                && !plan.compounds.is_empty();
            if found.is_empty() && !unwanted {
                return skipped(t!(
                    "没有可检查的对象：规划中没有该规则所针对的单元或设施",
                    "nothing to check: the plan holds none of the units or facilities this rule is about"
                ));
            }
            found
        })
        .collect()
}

impl<'p> Checked<'p> {
    /// What the rules read.
    pub fn rule_inputs(&self) -> rules::Inputs<'_> {
        rules::Inputs {
            plan: self.plan,
            joins: &self.joins,
            profile: self.profile,
            as_of: self.as_of,
            analysis: &self.analysis,
            focus: self.focus.as_deref(),
        }
    }

    /// What the analyses read: the plan, its joins and network.
    pub fn inputs(&self) -> analysis::Inputs<'_> {
        analysis::Inputs {
            plan: self.plan,
            joins: &self.joins,
            network: self.network.as_ref(),
            household_size: self.profile.settings.household_size,
            as_of: self.as_of,
            focus: self.focus.as_deref(),
        }
    }

    /// The last step: the report, with the circle's summary, the site suggestions, the
    /// notes, and what the map formats draw.
    pub fn report(mut self, options: &Options) -> Report {
        let (plan, profile) = (self.plan, self.profile);
        let network = match self.network.as_ref() {
            Some(n) => Some(n.report(plan)),
            None => self.network_report.take(),
        };
        let inputs = self.inputs();
        let circle = self.analysis.circle.as_ref();
        let summary = circle
            .filter(|c| !c.reach.is_empty())
            .map(|c| c.summary(&inputs, &profile.city));
        let (suggestions, no_households) = circle.map_or((Vec::new(), 0), |c| {
            analysis::suggestions::suggest(&inputs, c, options.suggest)
        });
        let notes = self.notes(no_households);
        let shapes = options.geometry.then(|| {
            let mut shapes = report::Geometries::of(plan);
            shapes.circle = circle.map(|c| (c.max_distance, c.qualifying.clone()));
            std::sync::Arc::new(shapes)
        });
        let service_areas = if options.service_areas {
            circle.and_then(|c| analysis::service_areas::of(&inputs, c))
        } else {
            None
        };
        let mut report = Report::new(plan, profile, self.as_of, self.findings, summary, notes);
        report.network = network;
        report.suggestions = suggestions;
        report.geometry = shapes;
        report.service_areas = service_areas;
        report
    }

    /// What the report notes beside the findings: the plan's and the joins' remarks,
    /// sections naming no rule, facilities taken as existing, compounds left out of the
    /// site suggestions.
    fn notes(&self, no_households: usize) -> Vec<Text> {
        let mut notes = self.plan.notes.clone();
        notes.extend(self.joins.notes.iter().cloned());
        // A section naming no rule (a library caller's unchecked profile) checks nothing.
        notes.extend(rules::Prepared::unknown_sections(self.profile).map(|id| {
            t!(
                "配置中的 [rules.{}] 不是已知规则，未检查",
                "profile section [rules.{}] names no rule: nothing was checked for it",
                id
            )
        }));
        let undated = self
            .plan
            .facilities
            .iter()
            .filter(|f| rules::dated::taken_as_existing(f))
            .count();
        if undated > 0 {
            let (facilities, give) = if undated == 1 {
                ("facility", "gives")
            } else {
                ("facilities", "give")
            };
            notes.push(Text::new(
                format!("{undated} 处设施既无建设状态（status）也无日期，按既有设施计入有期限的目标"),
                format!("{undated} {facilities} {give} neither a status nor dates: taken as existing by dated targets"),
            ));
        }
        if no_households > 0 {
            notes.push(t!(
                "{} 个服务圈外的小区缺少户数（households），未计入选址建议",
                "{} compounds outside the service circle give no households and were left out of the site suggestions",
                no_households
            ));
        }
        notes
    }
}

/// The findings in the order of report.md ([`Finding::order`]), equal ones as they came.
/// Rules come in the order of their ids, each one's findings in the order of its
/// subjects, which is that of their ids when the layers list them so: then there is
/// nothing to sort. Otherwise their positions are sorted, and the findings moved once
/// along the cycles of that permutation: a stable sort of the findings themselves (3M at
/// 1M compounds, 248 bytes each) moves them many times and takes a buffer as large.
fn sort(findings: &mut [Finding]) {
    if findings
        .par_windows(2)
        .all(|w| Finding::order(&w[0], &w[1]).is_le())
    {
        return;
    }
    let mut order: Vec<u32> = (0..findings.len() as u32).collect();
    {
        let f = &*findings;
        order.par_sort_unstable_by(|&a, &b| {
            Finding::order(&f[a as usize], &f[b as usize]).then(a.cmp(&b))
        });
    }
    apply(findings, order);
}

/// Moves `items` so that position i holds what was at `order[i]`.
fn apply<T>(items: &mut [T], mut order: Vec<u32>) {
    const DONE: u32 = u32::MAX;
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != DONE {
            let from = order[at] as usize;
            order[at] = DONE;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

/// The analysis; a bug in the measuring must not take the whole check down: the
/// service-circle rule then says it could not run.
fn measure(
    inputs: &analysis::Inputs,
    circle: Option<&analysis::CircleParams>,
) -> analysis::Analysis {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        analysis::Analysis::new(inputs, circle)
    }))
    .unwrap_or(analysis::Analysis { circle: None })
}

/// policies.md: a check dated after the policy's `valid_until` still runs, but no finding
/// of it is an error: errors become warnings, and a failing one says why.
fn expire(findings: &mut [Finding], profile: &Profile) {
    let Some(until) = profile.valid_until_date() else {
        return;
    };
    for f in findings
        .iter_mut()
        .filter(|f| f.severity == profile::Severity::Error)
    {
        f.severity = profile::Severity::Warning;
        if f.status == crate::model::Status::Fail {
            f.message.expired_after = Some(until);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Measure, Status, Subject};

    fn finding(rule: &'static str, layer: Layer, id: &str, n: f64) -> Finding {
        Finding {
            rule,
            severity: profile::Severity::Error,
            status: Status::Pass,
            subject: Subject {
                layer,
                id: id.into(),
                name: String::new(),
                index: None,
            },
            measured: Measure::Number(n),
            required: Measure::Null,
            need: crate::model::Need::None,
            unit: "",
            message: Default::default(),
            clause: "".into(),
            details: Default::default(),
            waived: None,
            baseline: None,
        }
    }

    /// The findings come out as a stable sort by rule, subject id and layer puts them,
    /// equal keys in the order they came (told apart by their measured value): ids whose
    /// text order is not their number order (C10 before C2), two layers sharing an id,
    /// three findings of one subject.
    #[test]
    fn findings_are_sorted_stably_by_rule_id_and_layer() {
        let mut all = Vec::new();
        for (k, rule) in ["b-rule", "a-rule"].into_iter().enumerate() {
            for i in (0..40).rev() {
                let layer = if i % 3 == 0 {
                    Layer::Units
                } else {
                    Layer::Compounds
                };
                all.push(finding(
                    rule,
                    layer,
                    &format!("C{}", i % 25),
                    (k * 100 + i) as f64,
                ));
            }
        }
        all.push(finding("a-rule", Layer::Compounds, "C7", -1.0));
        let mut expected = all.clone();
        expected.sort_by(Finding::order);
        sort(&mut all);
        assert_eq!(all, expected);
        // Already in order: left as it is.
        sort(&mut all);
        assert_eq!(all, expected);
    }

    /// Moving items along the cycles of a permutation puts each where the permutation says.
    #[test]
    fn a_permutation_is_applied_in_place() {
        let order: Vec<u32> = vec![3, 0, 4, 1, 2, 5, 7, 6];
        let mut items: Vec<char> = "abcdefgh".chars().collect();
        apply(&mut items, order.clone());
        let expected: Vec<char> = order
            .iter()
            .map(|&i| "abcdefgh".as_bytes()[i as usize] as char)
            .collect();
        assert_eq!(items, expected);
    }
}

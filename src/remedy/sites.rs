//! `service-circle`'s remedy: new stations at the fewest candidate sites that bring every
//! urban compound outside the circle within its walking distance. Distances are the
//! check's own ([`crate::analysis::catchment::pairs`]: snapped onto the network as the
//! facilities are, the same limit); the sites are the candidates layer, else every
//! compound's reference point; the new facilities of other remedies count first.

use super::cover::{self, Cover};
use super::{fixes, new_date, Action, Fix, Left, Options, Remedy};
use crate::analysis::catchment::{pairs, Source};
use crate::engine::Checked;
use crate::model::{FacilityKind, Finding};
use crate::rules::Prepared;
use crate::text::{num, t, Text};

pub const RULE: &str = "service-circle";

/// The kind of a new station: one the circle counts and the floor-area rule too, a
/// community station when it is one of them.
pub fn station_kind(checked: &Checked, prepared: &Prepared) -> FacilityKind {
    let circle: Vec<FacilityKind> = prepared.circle().map_or_else(Vec::new, |c| c.kinds.clone());
    let area = super::floor_area::kinds(checked);
    let both: Vec<FacilityKind> = circle
        .iter()
        .copied()
        .filter(|k| area.contains(k))
        .collect();
    [both, circle, area].iter().find(|l| !l.is_empty()).map_or(
        FacilityKind::CommunityStation,
        |l| {
            if l.contains(&FacilityKind::CommunityStation) {
                FacilityKind::CommunityStation
            } else {
                l[0]
            }
        },
    )
}

/// A candidate site: its id and name, and the compound it is the reference point of.
struct Site {
    id: String,
    name: String,
    compound: Option<usize>,
}

/// The sites of `checked`'s plan: its candidates, else its compounds' reference points;
/// beside each, where it is and meets the network, as a search source numbered by its
/// position.
fn candidate_sites<'w>(checked: &'w Checked, options: &Options) -> (Vec<Site>, Vec<Source<'w>>) {
    let plan = checked.plan;
    let network = checked.network.as_ref();
    // A submission builds on its own compounds' land.
    let sites: Vec<(Site, geo::Point, &[crate::network::Snap])> =
        if plan.candidates.is_empty() || options.within.is_some() {
            plan.compounds
                .iter()
                .enumerate()
                .filter(|(i, _)| options.may_build_in(*i))
                .map(|(i, c)| {
                    let site = Site {
                        id: c.id.clone(),
                        name: c.name.clone(),
                        compound: Some(i),
                    };
                    (
                        site,
                        c.reference,
                        network.map_or(&[][..], |w| w.compounds.get(i)),
                    )
                })
                .collect()
        } else {
            plan.candidates
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let site = Site {
                        id: c.id.clone(),
                        name: c.name.clone(),
                        compound: None,
                    };
                    (
                        site,
                        c.reference,
                        network.map_or(&[][..], |w| w.candidates.get(i)),
                    )
                })
                .collect()
        };
    sites
        .into_iter()
        .enumerate()
        .map(|(n, (site, point, entries))| {
            (
                site,
                Source {
                    id: n,
                    point,
                    entries,
                },
            )
        })
        .unzip()
}

/// The remedies for the compounds of `failing` (outside the circle), given the compounds
/// that other remedies already give a new station (`added`).
pub fn remedies<'a>(
    checked: &Checked,
    station: FacilityKind,
    failing: impl Iterator<Item = &'a Finding>,
    added: &[usize],
    options: &Options,
    fix: &mut Fix,
) {
    let Some(circle) = checked.analysis.circle.as_ref() else {
        return;
    };
    let d0 = circle.max_distance;
    let failing: Vec<&Finding> = failing.filter(|f| f.subject.index.is_some()).collect();
    if failing.is_empty() || !d0.is_finite() {
        return;
    }
    let inputs = checked.inputs();
    let plan = checked.plan;
    let outside: Vec<usize> = failing.iter().filter_map(|f| f.subject.index).collect();
    // Each outside compound's finding.
    let finding_of: std::collections::HashMap<usize, &Finding> = failing
        .iter()
        .filter_map(|f| Some((f.subject.index?, *f)))
        .collect();
    // What the other remedies' new stations bring inside: the compounds' own points.
    let network = checked.network.as_ref();
    let new: Vec<Source> = added
        .iter()
        .map(|&k| Source {
            id: k,
            point: plan.compounds[k].reference,
            entries: network.map_or(&[][..], |w| w.compounds.get(k)),
        })
        .collect();
    let mut brought: Vec<(usize, usize)> = pairs(&inputs, &new, &outside, d0);
    brought.sort_unstable();
    let mut inside = vec![false; plan.compounds.len()];
    for &(station, k) in &brought {
        inside[k] = true;
        // The new station's remedy also fixes the compounds it brings inside.
        if let Some(r) = fix.remedies.iter_mut().find(|r| {
            r.action == Action::Add && r.compound_id.as_deref() == Some(&plan.compounds[station].id)
        }) {
            if let Some(f) = finding_of.get(&k) {
                r.fixes.push(fixes(f));
            }
        }
    }
    let targets: Vec<usize> = outside.iter().copied().filter(|&k| !inside[k]).collect();
    let (sites, sources) = candidate_sites(checked, options);
    let reached = pairs(&inputs, &sources, &targets, d0);
    let mut reach: Vec<Vec<usize>> = vec![Vec::new(); plan.compounds.len()];
    for &(s, k) in &reached {
        reach[k].push(s);
    }
    let mut cover = Cover {
        sites: sites.len(),
        reach: Vec::new(),
    };
    let mut covered_targets = Vec::new();
    for &k in &targets {
        let mut r = std::mem::take(&mut reach[k]);
        if r.is_empty() {
            fix.left.push(Left {
                rule: RULE,
                subject: plan.compounds[k].id.clone(),
                why: t!(
                    "步行 {} 米内没有可建站的候选地点",
                    "no candidate site within {} m walking",
                    num(d0, 0)
                ),
                fixable: false,
            });
            continue;
        }
        r.sort_unstable();
        r.dedup();
        cover.reach.push(r);
        covered_targets.push(k);
    }
    if cover.reach.is_empty() {
        return;
    }
    let solved = cover::solve(&cover, options.time_limit);
    for &s in &solved.chosen {
        let site = &sites[s];
        let mut brings: Vec<&Finding> = covered_targets
            .iter()
            .zip(&cover.reach)
            .filter(|(_, r)| r.binary_search(&s).is_ok())
            .filter_map(|(&k, _)| finding_of.get(&k).copied())
            .collect();
        brings.sort_by(|a, b| a.subject.id.cmp(&b.subject.id));
        let ids: Vec<&str> = brings.iter().map(|f| f.subject.id.as_str()).collect();
        fix.remedies.push(Remedy::station(
            &site.name,
            station,
            sources[s].point,
            site.compound.map(|k| plan.compounds[k].id.clone()),
            options.station_floor_area,
            new_date(checked),
            brings.iter().map(|f| fixes(f)).collect(),
            Text::new(
                format!(
                    "在 {} 新建服务站，使 {} 进入 {} 米服务圈（站点建筑面积按 [fix] station_floor_area）",
                    site.id,
                    ids.join("、"),
                    num(d0, 0)
                ),
                format!(
                    "a station at {} brings {} within {} m (its floor area: [fix] station_floor_area)",
                    site.id,
                    ids.join(", "),
                    num(d0, 0)
                ),
            ),
        ));
    }
    fix.sites = Some(solved);
}

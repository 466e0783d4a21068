//! The joins computed once per check: which compound a facility belongs to, which units
//! contain each facility, compound and unit, and which phases are a compound's.

use std::collections::HashMap;

use geo::Point;
use rayon::prelude::*;

use super::{PointIndex, PolygonIndex};
use crate::model::Plan;
use crate::text::t;
use crate::text::Text;

pub struct Joins {
    /// Per facility: the compound it belongs to (rules.md: `compound_id`, else containment).
    pub facility_compound: Vec<Option<usize>>,
    /// Per compound: its facilities, ascending.
    pub compound_facilities: Vec<Vec<usize>>,
    /// Per unit: the facilities whose reference point it contains.
    pub unit_facilities: Vec<Vec<usize>>,
    /// Per compound: the units containing its reference point.
    pub compound_units: Vec<Vec<usize>>,
    /// Per unit: the units below it in the hierarchy (by `parent_id`, else spatially).
    pub unit_descendants: Vec<Vec<usize>>,
    /// Per compound: its phases, in file order.
    pub compound_phases: Vec<Vec<usize>>,
    /// All facilities' reference points (equally near ones settled by id).
    pub facility_points: PointIndex,
    /// Per facility, its place in the order of ids: what settles ties between equally
    /// near facilities, so that no answer depends on the order of the file.
    pub facility_rank: Vec<u32>,
    /// All compounds' reference points.
    pub compound_points: PointIndex,
    /// Remarks on the data found while joining.
    pub notes: Vec<Text>,
}

impl Joins {
    pub fn build(plan: &Plan) -> Joins {
        Joins::build_with(plan, None)
    }

    /// The joins, with the units' own (their index and hierarchy) given when they were
    /// made of these very units before ([`UnitJoins::of`]): a submission's part of a city
    /// has the city's units.
    pub fn build_with(plan: &Plan, units: Option<&UnitJoins>) -> Joins {
        // Three independent parts, side by side: the compounds' joins, the units', and
        // the point trees.
        let (by_compound, (by_unit, (facility_rank, points))) = rayon::join(
            || compound_joins(plan),
            || {
                rayon::join(
                    || match units {
                        Some(u) if u.units == plan.units.len() => unit_joins_with(plan, u),
                        _ => unit_joins_with(plan, &UnitJoins::of(plan)),
                    },
                    || {
                        let compound_points =
                            PointIndex::new(plan.compounds.iter().map(|c| c.reference).enumerate());
                        let known = units.and_then(|u| u.known(plan));
                        let (rank, facility_points) = match known {
                            Some(k) => k.extended(plan),
                            None => {
                                let rank = id_rank(plan.facilities.iter().map(|f| f.id.as_str()));
                                let points = PointIndex::ranked(
                                    plan.facilities.iter().map(|f| f.reference).enumerate(),
                                    rank.clone(),
                                );
                                (rank, points)
                            }
                        };
                        (rank, (facility_points, compound_points))
                    },
                )
            },
        );
        let (facility_points, compound_points) = points;
        // In the order they were found in one after the other.
        let mut notes = by_compound.facility_notes;
        notes.extend(by_unit.notes);
        notes.extend(by_compound.phase_notes);
        Joins {
            facility_compound: by_compound.facility_compound,
            compound_facilities: by_compound.compound_facilities,
            unit_facilities: by_unit.unit_facilities,
            compound_units: by_unit.compound_units,
            unit_descendants: by_unit.unit_descendants,
            compound_phases: by_compound.compound_phases,
            facility_points,
            facility_rank,
            compound_points,
            notes,
        }
    }
}

/// The joins of compounds: see [`Joins`].
struct ByCompound {
    facility_compound: Vec<Option<usize>>,
    compound_facilities: Vec<Vec<usize>>,
    compound_phases: Vec<Vec<usize>>,
    /// Facilities whose `compound_id` names no compound.
    facility_notes: Vec<Text>,
    /// Phases whose compound is missing.
    phase_notes: Vec<Text>,
}

/// The joins of units: see [`Joins`].
struct ByUnit {
    unit_facilities: Vec<Vec<usize>>,
    compound_units: Vec<Vec<usize>>,
    unit_descendants: Vec<Vec<usize>>,
    /// What was noticed of the hierarchy.
    notes: Vec<Text>,
}

/// The facilities' compounds (by `compound_id`, else containment), and each compound's
/// facilities and phases.
fn compound_joins(plan: &Plan) -> ByCompound {
    let mut notes = Vec::new();
    let compound_index = PolygonIndex::new(plan.compounds.iter().map(|c| &c.geometry));
    let compound_by_id: HashMap<&str, usize> = plan
        .compounds
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let facility_refs: Vec<Point> = plan.facilities.iter().map(|f| f.reference).collect();
    let containing = compound_index.containing_all(&facility_refs, |i| &plan.compounds[i].geometry);
    let mut facility_compound = Vec::with_capacity(plan.facilities.len());
    for (f, inside) in plan.facilities.iter().zip(&containing) {
        let by_id = f
            .compound_id
            .as_deref()
            .map(|id| (id, compound_by_id.get(id).copied()));
        facility_compound.push(match by_id {
            Some((_, Some(c))) => Some(c),
            // A compound of the whole plan this part leaves out.
            Some((id, None))
                if plan
                    .partial
                    .as_ref()
                    .is_some_and(|p| p.compound_ids.contains(id)) =>
            {
                None
            }
            Some((id, None)) => {
                notes.push(t!(
                    "设施 {} 的 compound_id「{}」不对应任何小区，改按空间位置判定所属小区",
                    "facility {}: compound_id '{}' names no compound; its compound is found by location instead",
                    f.id,
                    id
                ));
                inside.first().copied()
            }
            None => inside.first().copied(),
        });
    }
    let mut compound_facilities = vec![Vec::new(); plan.compounds.len()];
    for (f, c) in facility_compound.iter().enumerate() {
        if let Some(c) = c {
            compound_facilities[*c].push(f);
        }
    }
    let mut compound_phases = vec![Vec::new(); plan.compounds.len()];
    let mut orphans = Vec::new();
    for (i, ph) in plan.phases.iter().enumerate() {
        match compound_by_id.get(ph.compound_id.as_str()) {
            Some(&c) => compound_phases[c].push(i),
            None => orphans.push(ph.compound_id.clone()),
        }
    }
    let mut phase_notes = Vec::new();
    if !orphans.is_empty() {
        orphans.sort();
        orphans.dedup();
        phase_notes.push(t!(
            "phases.csv 中 {} 个小区编号不对应任何小区：{}",
            "phases.csv names {} compound ids that are not in the compounds layer: {}",
            orphans.len(),
            orphans.join(", ")
        ));
    }
    ByCompound {
        facility_compound,
        compound_facilities,
        compound_phases,
        facility_notes: notes,
        phase_notes,
    }
}

/// What the joins know of the units alone: their index and their hierarchy, with what
/// was noticed of it. A city's are made once and kept for the parts of it a submission is
/// checked on.
pub struct UnitJoins {
    /// How many units they were made of.
    units: usize,
    index: PolygonIndex,
    descendants: Vec<Vec<usize>>,
    notes: Vec<Text>,
    /// The facilities of the plan they were made of, joined (a kept city's,
    /// [`UnitJoins::with_facilities`]): a part of it that begins with those very
    /// facilities ([`crate::model::Partial::city_facilities`]) joins only its others.
    facilities: Option<KnownFacilities>,
}

/// A kept city's facilities, joined once: what a part of it that begins with them
/// ([`UnitJoins::known`]) extends with its own rather than making again.
struct KnownFacilities {
    count: usize,
    /// Per unit, its facilities, ascending.
    unit_facilities: Vec<Vec<usize>>,
    /// The facilities in the order of their ids (equal ids in file order).
    by_id: Vec<usize>,
    /// Their reference points.
    points: PointIndex,
}

impl KnownFacilities {
    /// The rank of every facility of `plan` by id, and the point index of them all, the
    /// others added to the known ones: as [`id_rank`] and [`PointIndex::ranked`] make
    /// them (equally near points are settled by rank, so the tree's shape changes no
    /// answer).
    fn extended(&self, plan: &Plan) -> (Vec<u32>, PointIndex) {
        let ids = |i: usize| plan.facilities[i].id.as_str();
        let mut others: Vec<usize> = (self.count..plan.facilities.len()).collect();
        others.sort_by(|&a, &b| ids(a).cmp(ids(b)).then(a.cmp(&b)));
        let mut rank = vec![0u32; plan.facilities.len()];
        let (mut known, mut more) = (self.by_id.iter().peekable(), others.iter().peekable());
        let mut next = 0u32;
        loop {
            // A known facility comes first among equal ids: its index is the smaller.
            let take_known = match (known.peek(), more.peek()) {
                (Some(&&k), Some(&&o)) => ids(k) <= ids(o),
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let i = if take_known {
                known.next()
            } else {
                more.next()
            };
            rank[*i.expect("peeked")] = next;
            next += 1;
        }
        let points = self.points.with(
            (self.count..plan.facilities.len()).map(|i| (i, plan.facilities[i].reference)),
            rank.clone(),
        );
        (rank, points)
    }
}

impl std::fmt::Debug for UnitJoins {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "UnitJoins({} units)", self.units)
    }
}

impl UnitJoins {
    pub fn of(plan: &Plan) -> UnitJoins {
        let index = PolygonIndex::new(plan.units.iter().map(|u| &u.geometry));
        let mut notes = Vec::new();
        let descendants = descendants(plan, &index, &mut notes);
        UnitJoins {
            units: plan.units.len(),
            index,
            descendants,
            notes,
            facilities: None,
        }
    }

    /// The units' joins with `plan`'s facilities joined too: each unit's, their order by
    /// id and their point index.
    pub fn with_facilities(mut self, plan: &Plan) -> UnitJoins {
        let unit_facilities = unit_joins_with(plan, &self).unit_facilities;
        let ids: Vec<&str> = plan.facilities.iter().map(|f| f.id.as_str()).collect();
        let mut by_id: Vec<usize> = (0..ids.len()).collect();
        by_id.sort_by(|&a, &b| ids[a].cmp(ids[b]).then(a.cmp(&b)));
        self.facilities = Some(KnownFacilities {
            count: plan.facilities.len(),
            unit_facilities,
            by_id,
            points: PointIndex::new(plan.facilities.iter().map(|f| f.reference).enumerate()),
        });
        self
    }

    /// The known facilities, when `plan` has these units and begins with them.
    fn known(&self, plan: &Plan) -> Option<&KnownFacilities> {
        let leading = plan.partial.as_ref().map_or(0, |p| p.city_facilities);
        self.facilities.as_ref().filter(|k| {
            self.units == plan.units.len() && k.count == leading && k.count <= plan.facilities.len()
        })
    }
}

/// Each unit's facilities, each compound's units, and each unit's descendants (from the
/// units' own joins).
fn unit_joins_with(plan: &Plan, units: &UnitJoins) -> ByUnit {
    let unit_geom = |i: usize| &plan.units[i].geometry;
    // The facilities the units' joins were made with, when this plan begins with them.
    let known = units.known(plan);
    let from = known.map_or(0, |k| k.count);
    let facility_refs: Vec<Point> = plan.facilities[from..]
        .iter()
        .map(|f| f.reference)
        .collect();
    let facility_units = one_per_level(plan, units.index.containing_all(&facility_refs, unit_geom));
    let compound_refs: Vec<Point> = plan.compounds.iter().map(|c| c.reference).collect();
    let compound_units = one_per_level(plan, units.index.containing_all(&compound_refs, unit_geom));
    let unit_facilities = match known {
        // Each unit's list stays ascending: the others come after the known ones.
        Some(k) => {
            let mut lists = k.unit_facilities.clone();
            for (k, us) in facility_units.iter().enumerate() {
                for &u in us {
                    lists[u].push(from + k);
                }
            }
            lists
        }
        None => invert(&facility_units, plan.units.len()),
    };
    ByUnit {
        unit_facilities,
        compound_units,
        unit_descendants: units.descendants.clone(),
        notes: units.notes.clone(),
    }
}

/// Each item's place in the order of its id (equal ids: in file order).
fn id_rank<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<u32> {
    let ids: Vec<&str> = ids.collect();
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by(|&a, &b| ids[a].cmp(ids[b]).then(a.cmp(&b)));
    let mut rank = vec![0; ids.len()];
    for (r, i) in order.into_iter().enumerate() {
        rank[i] = r as u32;
    }
    rank
}

/// A point on the boundary between two units of the same level (two counties, say) is in
/// both polygons; it belongs to one of them — the first in the units layer — so that it
/// is never counted twice at one level.
fn one_per_level(plan: &Plan, lists: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    lists
        .into_iter()
        .map(|units| {
            let mut seen = Vec::new();
            units
                .into_iter()
                .filter(|&u| {
                    let level = plan.units[u].level;
                    let first = !seen.contains(&level);
                    seen.push(level);
                    first
                })
                .collect()
        })
        .collect()
}

/// Turns "item → containers" into "container → items", both ascending.
fn invert(item_containers: &[Vec<usize>], containers: usize) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); containers];
    for (item, cs) in item_containers.iter().enumerate() {
        for &c in cs {
            out[c].push(item);
        }
    }
    out
}

/// Per unit, the units below it. A unit's ancestors are its `parent_id` chain when it
/// has one; otherwise the higher-level units containing its reference point.
fn descendants(plan: &Plan, index: &PolygonIndex, notes: &mut Vec<Text>) -> Vec<Vec<usize>> {
    let by_id: HashMap<&str, usize> = plan
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.as_str(), i))
        .collect();
    let rank = |i: usize| plan.units[i].level.rank();
    let ancestors: Vec<Vec<usize>> = (0..plan.units.len())
        .into_par_iter()
        .map(|u| {
            let mut chain = Vec::new();
            let mut cur = u;
            while let Some(pid) = plan.units[cur].parent_id.as_deref() {
                match by_id.get(pid) {
                    Some(&p) if !chain.contains(&p) && p != u => {
                        chain.push(p);
                        cur = p;
                    }
                    _ => break,
                }
            }
            if plan.units[cur].parent_id.is_none() || chain.is_empty() {
                let here = rank(cur);
                let spatial =
                    index.containing(plan.units[cur].reference, |i| &plan.units[i].geometry);
                let above: Vec<usize> = spatial
                    .into_iter()
                    .filter(|&a| a != u && !chain.contains(&a) && rank(a) < here)
                    .collect();
                chain.extend(above);
            }
            chain
        })
        .collect();
    let unknown: Vec<&str> = plan
        .units
        .iter()
        .filter_map(|u| u.parent_id.as_deref())
        .filter(|p| !by_id.contains_key(p))
        .collect();
    if !unknown.is_empty() {
        notes.push(t!(
            "{} 个单元的 parent_id 不对应任何单元，改按空间位置判定上级",
            "{} units have a parent_id naming no unit; their parents are found by location instead",
            unknown.len()
        ));
    }
    invert(&ancestors, plan.units.len())
}

//! A submission inside its city: the two plans as one. The submission's compounds,
//! facilities and phases join the city's; a submission feature with the id of a city
//! feature replaces it (an amended project); units and roads are the city's (and any roads
//! the submission brings).

use std::collections::HashSet;

use geo::Intersects;

use crate::model::{Layer, LayerInfo, Plan};
use crate::text::Text;

/// What the submission is, within the merged plan.
#[derive(Debug, Clone, Default)]
pub struct Submission {
    /// Ids of the submission's compounds and facilities.
    pub compounds: HashSet<String>,
    pub facilities: HashSet<String>,
    /// City features the submission replaces, as (layer, id), sorted.
    pub replaced: Vec<(Layer, String)>,
    /// What was read of the submission's own files.
    pub inputs: Vec<(Layer, LayerInfo)>,
}

/// The city and the submission as one plan; `Err` says why the submission cannot be
/// checked in this city (exit 2).
pub fn merge(city: Plan, submission: Plan) -> Result<(Plan, Submission), Text> {
    outside_every_unit(&city, &submission)?;
    let compounds: HashSet<String> = submission.compounds.iter().map(|c| c.id.clone()).collect();
    let facilities: HashSet<String> = submission.facilities.iter().map(|f| f.id.clone()).collect();
    let mut replaced: Vec<(Layer, String)> = city
        .compounds
        .iter()
        .filter(|c| compounds.contains(&c.id))
        .map(|c| (Layer::Compounds, c.id.clone()))
        .chain(
            city.facilities
                .iter()
                .filter(|f| facilities.contains(&f.id))
                .map(|f| (Layer::Facilities, f.id.clone())),
        )
        .collect();
    replaced.sort();
    let mut plan = city;
    plan.compounds.retain(|c| !compounds.contains(&c.id));
    plan.facilities.retain(|f| !facilities.contains(&f.id));
    // A replaced compound's city phases go with it; the submission brings its own.
    plan.phases.retain(|p| !compounds.contains(&p.compound_id));
    let sub = Submission {
        compounds,
        facilities,
        replaced,
        inputs: submission.inputs,
    };
    plan.compounds.extend(submission.compounds);
    plan.facilities.extend(submission.facilities);
    plan.phases.extend(submission.phases);
    plan.roads.extend(submission.roads);
    plan.notes.extend(submission.notes);
    // A layer only the submission brings (its phases, say) is a layer of the whole.
    for (layer, info) in &sub.inputs {
        if !plan.has_layer(*layer) {
            plan.inputs.push((*layer, info.clone()));
        }
    }
    Ok((plan, sub))
}

/// A submission feature outside every unit of the city cannot be checked in it: it is
/// elsewhere, or its coordinates are not in the CRS its files say.
fn outside_every_unit(city: &Plan, submission: &Plan) -> Result<(), Text> {
    if city.units.is_empty() {
        return Ok(());
    }
    let points = submission
        .compounds
        .iter()
        .map(|c| (Layer::Compounds, &c.id, c.reference))
        .chain(
            submission
                .facilities
                .iter()
                .map(|f| (Layer::Facilities, &f.id, f.reference)),
        );
    for (layer, id, p) in points {
        if !city.units.iter().any(|u| u.geometry.intersects(&p)) {
            let what = match layer {
                Layer::Compounds => Text::new("小区", "compound"),
                _ => Text::new("设施", "facility"),
            };
            let (x, y) = (p.x().round(), p.y().round());
            return Err(Text::new(
                format!("提交的{} {id} 位于城市的所有规划单元之外（工作坐标 {x}, {y}）：它是否属于这座城市，其文件声明的坐标系是否正确？", what.zh),
                format!("the submission's {} {id} lies outside every unit of the city, at ({x}, {y}) in the working CRS: is it in this city, and are its files in the CRS they declare?", what.en),
            ));
        }
    }
    Ok(())
}

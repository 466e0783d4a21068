//! Service areas: the stretches of road within the circle's walking distance of a
//! qualifying facility, each edge cut exactly where the nearest facility changes and where
//! the distance runs out — from the same network and facilities as the circle itself.

use super::circle::sources;
use super::{Circle, Inputs};
use crate::network::Reach;
use crate::report::ServiceArea;

/// The service areas of a check with roads (none without).
pub fn of(inputs: &Inputs, circle: &Circle) -> Option<Vec<ServiceArea>> {
    let w = inputs.network?;
    let pieces = Reach::from_sources(&w.net, &sources(w, &circle.qualifying))
        .pieces(&w.net, circle.max_distance);
    Some(
        pieces
            .into_iter()
            .map(|p| {
                let f = &inputs.plan.facilities[p.source];
                ServiceArea {
                    facility: f.id.clone(),
                    facility_name: f.name.clone(),
                    from: p.from,
                    to: p.to,
                    d_from: p.d_from,
                    d_to: p.d_to,
                }
            })
            .collect(),
    )
}

//! Service areas: the stretches of road within the circle's walking distance of a
//! qualifying facility, each edge cut exactly where the nearest facility changes and where
//! the distance runs out — from the same network and facilities as the circle itself.

use super::{Circle, Inputs};

/// A stretch of road within walking distance of a facility, in the working CRS.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceArea {
    pub facility: String,
    pub facility_name: String,
    pub from: [f64; 2],
    pub to: [f64; 2],
    /// Walking distance from the facility at each end, in metres.
    pub d_from: f64,
    pub d_to: f64,
}

/// The service areas of a check with roads (none without), from the circle's own search.
pub fn of(inputs: &Inputs, circle: &Circle) -> Option<Vec<ServiceArea>> {
    let (w, search) = (inputs.network?, circle.search.as_ref()?);
    let pieces = search.pieces(&w.net, circle.max_distance);
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

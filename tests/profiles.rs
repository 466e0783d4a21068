//! The five built-in profiles carry every checkable number of spec/policies.md, with the
//! severity and the clause it comes from. Each row below is one cell of policies.md.
//!
//! A target of year Y falls due on Y-12-31 (policies.md): every dated threshold is checked
//! on both sides of that boundary. On Y-12-31 the earlier target still applies, or, before
//! the first due date, the earliest one as a warning; from Y+1-01-01 the target is in force.

use chrono::NaiveDate;
use planlint::profile::{Profile, Severity, ThresholdSpec};
use toml::Value;

use Severity::{Error, Warning};

/// A value of `rule`'s section by a dotted path (`targets.1.share`).
fn param(profile: &str, rule: &str, key: &str) -> Value {
    let p = Profile::load(profile).unwrap();
    let cfg = p
        .rules
        .get(rule)
        .unwrap_or_else(|| panic!("{profile} has no {rule}"));
    let mut v = Value::Table(cfg.params.clone());
    for part in key.split('.') {
        v = match part.parse::<usize>() {
            Ok(i) => v[i].clone(),
            Err(_) => v
                .get(part)
                .unwrap_or_else(|| panic!("{profile} {rule}: no {key}"))
                .clone(),
        };
    }
    v
}

/// The threshold `key` of `rule` in force on `date`: (value, severity, full clause).
fn at(profile: &str, rule: &str, key: &str, date: &str) -> (f64, Severity, String) {
    let p = Profile::load(profile).unwrap();
    let cfg = &p.rules[rule];
    let spec: ThresholdSpec = param(profile, rule, key).try_into().unwrap();
    let d: NaiveDate = date.parse().unwrap();
    let r = spec.resolve(cfg.severity, &cfg.clause, d).unwrap();
    (r.value, r.severity, p.cite(&r.clause).to_string())
}

/// An undated threshold: always (value, severity), citing `clause`.
fn row(profile: &str, rule: &str, key: &str, value: f64, sev: Severity, clause: &str) {
    for date in ["2000-01-01", "2030-01-01"] {
        let (v, s, c) = at(profile, rule, key, date);
        assert_eq!((v, s), (value, sev), "{profile} {rule}.{key} on {date}");
        assert!(
            c.contains(clause),
            "{profile} {rule}.{key}: clause {c:?} should cite {clause:?}"
        );
    }
}

/// A target of `year`: in force with (value, severity) from Y+1-01-01, citing `clause`;
/// on Y-12-31 `before` applies (the earlier target, or this one early as a warning).
#[allow(clippy::too_many_arguments)]
fn dated(
    profile: &str,
    rule: &str,
    key: &str,
    year: i32,
    value: f64,
    sev: Severity,
    clause: &str,
    before: (f64, Severity),
) {
    let after = format!("{}-01-01", year + 1);
    let (v, s, c) = at(profile, rule, key, &after);
    assert_eq!((v, s), (value, sev), "{profile} {rule}.{key} on {after}");
    assert!(
        c.contains(clause),
        "{profile} {rule}.{key}: clause {c:?} should cite {clause:?}"
    );
    let last = format!("{year}-12-31");
    let (v, s, _) = at(profile, rule, key, &last);
    assert_eq!((v, s), before, "{profile} {rule}.{key} on {last}");
}

/// The first (or only) target of `year`: before it falls due it applies as a warning.
fn first(profile: &str, rule: &str, key: &str, year: i32, value: f64, clause: &str) {
    dated(
        profile,
        rule,
        key,
        year,
        value,
        Error,
        clause,
        (value, Warning),
    );
}

/// A requirement of a list (`county-institutions`, `facility-count`): its fields as written.
fn entry(profile: &str, rule: &str, list: &str, i: usize) -> Value {
    param(profile, rule, &format!("{list}.{i}"))
}

fn kinds(v: &Value) -> Vec<&str> {
    v["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect()
}

const COMMUNITY: [&str; 3] = ["community_station", "day_care", "street_center"];
const RURAL: [&str; 4] = [
    "community_station",
    "day_care",
    "street_center",
    "rural_home",
];
const INSTITUTIONS: [&str; 3] = ["institution", "nursing_home", "welfare_center"];

#[test]
fn anyang_2017() {
    let p = "anyang-2017";
    row(
        p,
        "floor-area-per-households",
        "new",
        30.0,
        Error,
        "安政办〔2017〕80号 若干政策 四(九)",
    );
    row(
        p,
        "floor-area-per-households",
        "existing",
        20.0,
        Error,
        "若干政策 四(九)",
    );
    row(p, "land-per-capita", "min", 0.1, Error, "若干政策 四(九)");
    first(
        p,
        "beds-per-thousand-elderly",
        "min",
        2020,
        35.0,
        "行动计划 二",
    );
    // Nursing beds: 10% due 2017-12-31, 30% due 2020-12-31.
    first(
        p,
        "nursing-bed-share",
        "min",
        2017,
        0.10,
        "行动计划 三(一)2",
    );
    dated(
        p,
        "nursing-bed-share",
        "min",
        2020,
        0.30,
        Error,
        "行动计划 二",
        (0.10, Error),
    );
    first(
        p,
        "government-bed-share",
        "max",
        2020,
        0.50,
        "行动计划 三(三)2",
    );
    for (i, share) in [(0, 1.00), (1, 0.90), (2, 0.60)] {
        first(
            p,
            "facility-coverage",
            &format!("targets.{i}.share"),
            2020,
            share,
            "行动计划 二",
        );
    }
    // "居家社区养老服务设施" are the community kinds; towns and villages also count 幸福院.
    assert_eq!(
        kinds(&entry(p, "facility-coverage", "targets", 0)),
        COMMUNITY
    );
    assert_eq!(kinds(&entry(p, "facility-coverage", "targets", 1)), RURAL);
    assert_eq!(kinds(&entry(p, "facility-coverage", "targets", 2)), RURAL);
    first(
        p,
        "service-circle",
        "max_distance",
        2020,
        800.0,
        "行动计划 三(二)2",
    );
    // 行动计划 三(二)2: ≥ 6 community centres started in 2017.
    let c = entry(p, "facility-count", "targets", 0);
    assert_eq!(
        (
            c["min_count"].as_integer(),
            c["year"].as_integer(),
            c["stage"].as_str()
        ),
        (Some(6), Some(2017), Some("started"))
    );
    assert_eq!(kinds(&c), COMMUNITY);
    assert!(Profile::load(p).unwrap().rules["facility-count"].clause == "行动计划 三(二)2");
    // 二 and 三(一)2: a medical-care facility per county in 2017, an institution by 2020.
    let r17 = entry(p, "county-institutions", "requirements", 0);
    let r20 = entry(p, "county-institutions", "requirements", 1);
    assert_eq!(
        (r17["medical_care"].as_bool(), r17["year"].as_integer()),
        (Some(true), Some(2017))
    );
    assert_eq!(r17["clause"].as_str(), Some("行动计划 三(一)2"));
    assert_eq!(
        (r20["medical_care"].as_bool(), r20["year"].as_integer()),
        (Some(true), Some(2020))
    );
    assert_eq!(kinds(&r20), INSTITUTIONS);
    assert_eq!(r20["clause"].as_str(), Some("行动计划 二"));
}

#[test]
fn xuchang_2022() {
    let p = "xuchang-2022";
    row(
        p,
        "floor-area-per-households",
        "new",
        30.0,
        Error,
        "许办〔2022〕4号 三(一)3",
    );
    row(
        p,
        "floor-area-per-households",
        "existing",
        20.0,
        Error,
        "三(一)3",
    );
    row(p, "land-per-capita", "min", 0.2, Error, "三(一)1");
    // "到2022年年底": due 2022-12-31; a check of 2022-04 applies it early, as a warning.
    first(
        p,
        "street-center",
        "min_count",
        2022,
        1.0,
        "许办〔2022〕4号 二",
    );
    first(p, "community-service-place", "min_count", 2022, 1.0, "二");
    let (_, s, _) = at(p, "street-center", "min_count", "2022-04-15");
    assert_eq!(s, Warning);
    row(p, "street-center-floor-area", "max", 5000.0, Warning, "二");
    row(p, "street-center-beds", "min", 50.0, Warning, "二");
    row(p, "street-center-beds", "max", 100.0, Warning, "二");
    // 三(一)4: family beds ≥ 7.2 per 1,000 elderly by 2025, for the city and each county.
    first(
        p,
        "family-beds-per-thousand-elderly",
        "min",
        2025,
        7.2,
        "三(一)4",
    );
    assert_eq!(
        param(p, "family-beds-per-thousand-elderly", "levels"),
        Value::try_from(["city", "county"]).unwrap()
    );
    // 三(一)2: against the plot's whole construction, community facilities only.
    assert_eq!(
        param(p, "construction-timing", "total").as_str(),
        Some("plot")
    );
    assert_eq!(
        param(p, "construction-timing", "kinds"),
        Value::try_from(COMMUNITY).unwrap()
    );
    let w = entry(p, "county-institutions", "requirements", 0);
    assert_eq!(
        (kinds(&w), w["year"].as_integer()),
        (vec!["welfare_center"], Some(2022))
    );
}

#[test]
fn wuhan_2017() {
    let p = "wuhan-2017";
    row(
        p,
        "floor-area-per-households",
        "new",
        20.0,
        Error,
        "武政规〔2017〕34号 三(二)1",
    );
    // Existing compounds: no number in the text → 20 as a warning.
    row(
        p,
        "floor-area-per-households",
        "existing",
        20.0,
        Warning,
        "三(二)1",
    );
    first(
        p,
        "nursing-bed-share",
        "min",
        2020,
        0.50,
        "武政规〔2017〕34号 二",
    );
    for (i, share) in [(0, 1.00), (1, 0.90), (2, 0.60)] {
        first(
            p,
            "facility-coverage",
            &format!("targets.{i}.share"),
            2020,
            share,
            "二",
        );
    }
    assert_eq!(
        kinds(&entry(p, "facility-coverage", "targets", 0)),
        COMMUNITY
    );
    assert_eq!(
        Profile::load(p).unwrap().rules["construction-timing"].severity,
        Warning,
        "原则上 → warning"
    );
    // "有效期为5年", issued 2017-08-23.
    let w = Profile::load(p).unwrap();
    assert_eq!(
        (w.issued_date(), w.valid_until_date()),
        ("2017-08-23".parse().ok(), "2022-08-22".parse().ok())
    );
}

#[test]
fn changzhi_2018() {
    let p = "changzhi-2018";
    first(
        p,
        "beds-per-thousand-elderly",
        "min",
        2020,
        40.0,
        "长民发〔2018〕95号 三",
    );
    first(p, "total-beds", "min", 2020, 15000.0, "三");
    first(p, "nursing-bed-share", "min", 2020, 0.30, "三");
    first(p, "private-institution-share", "min", 2020, 0.70, "三");
    first(p, "institution-count", "min", 2020, 151.0, "三");
    first(p, "public-private-share", "min", 2020, 0.30, "五(七)");
    first(p, "facility-coverage", "targets.0.share", 2020, 1.00, "三");
    first(p, "facility-coverage", "targets.1.share", 2020, 0.60, "三");
    // Villages: "基本覆盖" → warning on both sides.
    dated(
        p,
        "facility-coverage",
        "targets.2.share",
        2020,
        1.00,
        Warning,
        "三",
        (1.00, Warning),
    );
    assert_eq!(
        kinds(&entry(p, "facility-coverage", "targets", 0)),
        ["day_care"]
    );
    assert_eq!(
        kinds(&entry(p, "facility-coverage", "targets", 1)),
        ["community_station", "street_center"]
    );
    assert_eq!(
        kinds(&entry(p, "facility-coverage", "targets", 2)),
        ["day_care", "rural_home"]
    );
    // 四(一): the city's care home ≥ 300 beds, each county's welfare centre ≥ 100 beds — the
    // kinds the text names, not any institution.
    let city = entry(p, "county-institutions", "requirements", 0);
    assert_eq!(
        (
            city["level"].as_str(),
            kinds(&city),
            city["min_beds"].as_integer()
        ),
        (Some("city"), vec!["nursing_home"], Some(300))
    );
    let county = entry(p, "county-institutions", "requirements", 1);
    assert_eq!(
        (
            county["level"].as_str(),
            kinds(&county),
            county["min_beds"].as_integer()
        ),
        (Some("county_only"), vec!["welfare_center"], Some(100))
    );
    // 四(一)'s 市级 and 县级 are who runs the home; each town a home for the destitute.
    assert_eq!(
        city["facility_level"].as_array().unwrap()[0].as_str(),
        Some("city")
    );
    assert_eq!(
        county["facility_level"].as_array().unwrap()[0].as_str(),
        Some("county")
    );
    let town = entry(p, "county-institutions", "requirements", 6);
    assert_eq!(
        (
            town["level"].as_str(),
            kinds(&town),
            town["clause"].as_str()
        ),
        (
            Some("town"),
            vec!["welfare_center", "rural_home"],
            Some("四(一)")
        )
    );
    // 五(一) 公办 coverage of city and counties; 五(七) a 公建民营 institution per county —
    // counties only (县), not districts.
    let public: Vec<(String, Vec<String>)> = (3..6)
        .map(|i| {
            let r = entry(p, "county-institutions", "requirements", i);
            let ops = r["operators"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o.as_str().unwrap().to_string())
                .collect();
            (r["level"].as_str().unwrap().to_string(), ops)
        })
        .collect();
    assert_eq!(
        public,
        vec![
            (
                "city".to_string(),
                vec!["government".to_string(), "public_private".to_string()]
            ),
            (
                "county_only".to_string(),
                vec!["government".to_string(), "public_private".to_string()]
            ),
            (
                "county_only".to_string(),
                vec!["public_private".to_string()]
            ),
        ]
    );
    // 五(二): urban districts ≥ 2 comprehensive centres and ≥ 3 day cares, built by 2020.
    for (i, kind, n) in [(0, "street_center", 2), (1, "day_care", 3)] {
        let t = entry(p, "facility-count", "targets", i);
        assert_eq!(
            (
                t["level"].as_str(),
                kinds(&t),
                t["min_count"].as_integer(),
                t["year"].as_integer(),
                t["stage"].as_str()
            ),
            (
                Some("district"),
                vec![kind],
                Some(n),
                Some(2020),
                Some("completed")
            )
        );
    }
}

#[test]
fn shangqiu_2018() {
    let p = "shangqiu-2018";
    first(p, "nursing-bed-share", "min", 2018, 0.15, "三(一)2");
    dated(
        p,
        "nursing-bed-share",
        "min",
        2020,
        0.30,
        Error,
        "三(一)2",
        (0.15, Error),
    );
    first(p, "government-bed-share", "max", 2020, 0.50, "三(三)2");
    first(p, "private-institution-share", "min", 2020, 0.50, "二");
    first(p, "facility-coverage", "targets.0.share", 2018, 0.50, "二");
    dated(
        p,
        "facility-coverage",
        "targets.0.share",
        2020,
        1.00,
        Error,
        "二",
        (0.50, Error),
    );
    first(p, "facility-coverage", "targets.1.share", 2020, 0.90, "二");
    first(p, "facility-coverage", "targets.2.share", 2020, 0.60, "二");
    first(p, "service-circle", "max_distance", 2020, 800.0, "三(二)2");
    first(p, "clinic-share", "min", 2018, 0.50, "三(一)2");
    assert_eq!(param(p, "clinic-share", "min_beds").as_integer(), Some(100));
    // 二: 18 institutions with medical care; 三(二)2: 5 community centres started, both 2018.
    let med = entry(p, "facility-count", "targets", 0);
    assert_eq!(
        (
            med["medical_care"].as_bool(),
            med["min_count"].as_integer(),
            med["year"].as_integer()
        ),
        (Some(true), Some(18), Some(2018))
    );
    assert_eq!(kinds(&med), INSTITUTIONS);
    let started = entry(p, "facility-count", "targets", 1);
    assert_eq!(
        (
            started["min_count"].as_integer(),
            started["stage"].as_str(),
            started["clause"].as_str()
        ),
        (Some(5), Some("started"), Some("三(二)2"))
    );
    // 三(一)2: the city and each county a geriatric hospital or nursing home by 2018.
    for i in 0..2 {
        let r = entry(p, "county-institutions", "requirements", i);
        assert_eq!(
            (kinds(&r), r["year"].as_integer()),
            (vec!["nursing_home"], Some(2018))
        );
    }
}

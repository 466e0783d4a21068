//! The five built-in profiles carry every checkable number of spec/policies.md, with the
//! severity and the clause it comes from. Each row below is one cell of policies.md.

use chrono::NaiveDate;
use planlint::profile::{Profile, Severity, ThresholdSpec};

use Severity::{Error, Warning};

/// The threshold `key` of `rule` (a dotted path into the rule's table for list entries,
/// e.g. `targets.1.share`), in force on `date`: (value, severity, full clause).
fn at(profile: &str, rule: &str, key: &str, date: &str) -> (f64, Severity, String) {
    let p = Profile::load(profile).unwrap();
    let cfg = p
        .rules
        .get(rule)
        .unwrap_or_else(|| panic!("{profile} has no {rule}"));
    let mut v = toml::Value::Table(cfg.params.clone());
    for part in key.split('.') {
        v = match part.parse::<usize>() {
            Ok(i) => v[i].clone(),
            Err(_) => v
                .get(part)
                .unwrap_or_else(|| panic!("{profile} {rule}: no {key}"))
                .clone(),
        };
    }
    let spec: ThresholdSpec = v.try_into().unwrap();
    let d: NaiveDate = date.parse().unwrap();
    let r = spec.resolve(cfg.severity, &cfg.clause, d).unwrap();
    (r.value, r.severity, p.cite(&r.clause))
}

fn row(profile: &str, rule: &str, key: &str, date: &str, value: f64, sev: Severity, clause: &str) {
    let (v, s, c) = at(profile, rule, key, date);
    assert_eq!((v, s), (value, sev), "{profile} {rule}.{key} on {date}");
    assert!(
        c.contains(clause),
        "{profile} {rule}.{key}: clause {c:?} should cite {clause:?}"
    );
}

#[test]
fn anyang_2017() {
    let p = "anyang-2017";
    row(
        p,
        "floor-area-per-households",
        "new",
        "2024-01-01",
        30.0,
        Error,
        "安政办〔2017〕80号 若干政策 四(九)",
    );
    row(
        p,
        "floor-area-per-households",
        "existing",
        "2024-01-01",
        20.0,
        Error,
        "若干政策 四(九)",
    );
    row(
        p,
        "land-per-capita",
        "min",
        "2024-01-01",
        0.1,
        Error,
        "若干政策 四(九)",
    );
    row(
        p,
        "beds-per-thousand-elderly",
        "min",
        "2020-01-01",
        35.0,
        Error,
        "行动计划 二",
    );
    row(
        p,
        "nursing-bed-share",
        "min",
        "2017-06-01",
        0.10,
        Error,
        "行动计划 三(一)2",
    );
    row(
        p,
        "nursing-bed-share",
        "min",
        "2020-06-01",
        0.30,
        Error,
        "行动计划 二",
    );
    row(
        p,
        "government-bed-share",
        "max",
        "2020-06-01",
        0.50,
        Error,
        "行动计划 三(三)2",
    );
    row(
        p,
        "facility-coverage",
        "targets.0.share",
        "2020-06-01",
        1.00,
        Error,
        "行动计划 二",
    );
    row(
        p,
        "facility-coverage",
        "targets.1.share",
        "2020-06-01",
        0.90,
        Error,
        "行动计划 二",
    );
    row(
        p,
        "facility-coverage",
        "targets.2.share",
        "2020-06-01",
        0.60,
        Error,
        "行动计划 二",
    );
    row(
        p,
        "service-circle",
        "max_distance",
        "2020-06-01",
        800.0,
        Error,
        "行动计划 三(二)2",
    );
    // Before 2020 the 2020 targets apply early, as warnings.
    row(
        p,
        "beds-per-thousand-elderly",
        "min",
        "2019-06-01",
        35.0,
        Warning,
        "行动计划 二",
    );
}

#[test]
fn xuchang_2022() {
    let p = "xuchang-2022";
    row(
        p,
        "floor-area-per-households",
        "new",
        "2023-01-01",
        30.0,
        Error,
        "许办〔2022〕4号 三(一)3",
    );
    row(
        p,
        "floor-area-per-households",
        "existing",
        "2023-01-01",
        20.0,
        Error,
        "三(一)3",
    );
    row(
        p,
        "land-per-capita",
        "min",
        "2023-01-01",
        0.2,
        Error,
        "三(一)1",
    );
    row(
        p,
        "street-center",
        "min_count",
        "2023-01-01",
        1.0,
        Error,
        "许办〔2022〕4号 二",
    );
    row(
        p,
        "community-service-place",
        "min_count",
        "2023-01-01",
        1.0,
        Error,
        "二",
    );
    row(
        p,
        "street-center-floor-area",
        "max",
        "2023-01-01",
        5000.0,
        Warning,
        "二",
    );
    row(
        p,
        "street-center-beds",
        "min",
        "2023-01-01",
        50.0,
        Warning,
        "二",
    );
    row(
        p,
        "street-center-beds",
        "max",
        "2023-01-01",
        100.0,
        Warning,
        "二",
    );
}

#[test]
fn wuhan_2017() {
    let p = "wuhan-2017";
    row(
        p,
        "floor-area-per-households",
        "new",
        "2020-01-01",
        20.0,
        Error,
        "武政规〔2017〕34号 三(二)1",
    );
    // Existing compounds: no number in the text → 20 as a warning.
    row(
        p,
        "floor-area-per-households",
        "existing",
        "2020-01-01",
        20.0,
        Warning,
        "三(二)1",
    );
    row(
        p,
        "nursing-bed-share",
        "min",
        "2020-06-01",
        0.50,
        Error,
        "武政规〔2017〕34号 二",
    );
    row(
        p,
        "facility-coverage",
        "targets.0.share",
        "2020-06-01",
        1.00,
        Error,
        "二",
    );
    row(
        p,
        "facility-coverage",
        "targets.1.share",
        "2020-06-01",
        0.90,
        Error,
        "二",
    );
    row(
        p,
        "facility-coverage",
        "targets.2.share",
        "2020-06-01",
        0.60,
        Error,
        "二",
    );
    assert_eq!(
        Profile::load(p).unwrap().rules["construction-timing"].severity,
        Warning,
        "原则上 → warning"
    );
}

#[test]
fn changzhi_2018() {
    let p = "changzhi-2018";
    row(
        p,
        "beds-per-thousand-elderly",
        "min",
        "2020-06-01",
        40.0,
        Error,
        "长民发〔2018〕95号 三",
    );
    row(p, "total-beds", "min", "2020-06-01", 15000.0, Error, "三");
    row(
        p,
        "nursing-bed-share",
        "min",
        "2020-06-01",
        0.30,
        Error,
        "三",
    );
    row(
        p,
        "private-institution-share",
        "min",
        "2020-06-01",
        0.70,
        Error,
        "三",
    );
    row(
        p,
        "institution-count",
        "min",
        "2020-06-01",
        151.0,
        Error,
        "三",
    );
    row(
        p,
        "public-private-share",
        "min",
        "2020-06-01",
        0.30,
        Error,
        "五(七)",
    );
    row(
        p,
        "facility-coverage",
        "targets.0.share",
        "2020-06-01",
        1.00,
        Error,
        "三",
    );
    row(
        p,
        "facility-coverage",
        "targets.1.share",
        "2020-06-01",
        0.60,
        Error,
        "三",
    );
    let cfg = &Profile::load(p).unwrap().rules["county-institutions"];
    let reqs = cfg.params["requirements"].as_array().unwrap();
    let beds: Vec<i64> = reqs
        .iter()
        .filter_map(|r| r.get("min_beds").and_then(|b| b.as_integer()))
        .collect();
    assert_eq!(
        beds,
        vec![300, 100],
        "city nursing home ≥ 300 (四(一)), county welfare centre ≥ 100 (五(一))"
    );
}

#[test]
fn shangqiu_2018() {
    let p = "shangqiu-2018";
    row(
        p,
        "nursing-bed-share",
        "min",
        "2018-06-01",
        0.15,
        Error,
        "三(一)2",
    );
    row(
        p,
        "nursing-bed-share",
        "min",
        "2020-06-01",
        0.30,
        Error,
        "三(一)2",
    );
    row(
        p,
        "government-bed-share",
        "max",
        "2020-06-01",
        0.50,
        Error,
        "三(三)2",
    );
    row(
        p,
        "private-institution-share",
        "min",
        "2020-06-01",
        0.50,
        Error,
        "二",
    );
    row(
        p,
        "facility-coverage",
        "targets.0.share",
        "2018-06-01",
        0.50,
        Error,
        "二",
    );
    row(
        p,
        "facility-coverage",
        "targets.0.share",
        "2020-06-01",
        1.00,
        Error,
        "二",
    );
    row(
        p,
        "facility-coverage",
        "targets.1.share",
        "2020-06-01",
        0.90,
        Error,
        "二",
    );
    row(
        p,
        "facility-coverage",
        "targets.2.share",
        "2020-06-01",
        0.60,
        Error,
        "二",
    );
    row(
        p,
        "service-circle",
        "max_distance",
        "2020-06-01",
        800.0,
        Error,
        "三(二)2",
    );
}

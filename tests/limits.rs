//! Limits of issue 12: large or hostile inputs give bounded work or a clear refusal. The
//! times are measured in the README (benchmarks, not timed tests); these check that the
//! answers stay right at those sizes and that refusals say what they refuse.

mod common;

use common::run;

#[test]
fn a_hundred_thousand_waivers_each_waive_what_they_name_in_file_order() {
    // fixtures/basic fails floor-area-per-households for A and service-circle for C and D
    // (tests/check_basic.rs). 100,000 waivers of compounds W000000…, then a glob on
    // service-circle (#100001) and an exact one on C after it (#100002): C is waived by
    // the glob, the first in the file; D too; #100002 covers C (counted) but is not the
    // one that waives it, so it is not unused either.
    let dir = common::copy_fixture("basic", &[]);
    let mut toml = std::fs::read_to_string(dir.path().join("plan.toml")).unwrap();
    for i in 0..100_000 {
        toml.push_str(&format!(
            "\n[[waivers]]\nrule = \"floor-area-per-households\"\nsubject = \"W{i:06}\"\nreason = \"r\"\n"
        ));
    }
    toml.push_str("\n[[waivers]]\nrule = \"service-circle\"\nsubject = \"?\"\nreason = \"glob\"\n");
    toml.push_str(
        "\n[[waivers]]\nrule = \"service-circle\"\nsubject = \"C\"\nreason = \"exact\"\n",
    );
    std::fs::write(dir.path().join("plan.toml"), toml).unwrap();
    let (_, r) = common::report(dir.path().to_str().unwrap(), &[]);
    let c = common::finding(&r, "service-circle", "C");
    assert_eq!(c["waived"]["waiver"], 100_001);
    let d = common::finding(&r, "service-circle", "D");
    assert_eq!(d["waived"]["waiver"], 100_001);
    let unused = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "unused-waiver")
        .count();
    // The 100,000 on compounds that do not exist; not #100001 nor #100002.
    assert_eq!(unused, 100_000);
    assert!(!r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["subject"]["id"] == "waivers[100002]"));
}

#[test]
fn a_dbf_of_255_fields_reads_whole() {
    use planlint::read::dbf::{read_dbf, write_dbf, DbfField};
    use planlint::read::value::Value;
    // 255 numeric fields F000…F254, 2,000 records: record r, field k holds r + k.
    let fields: Vec<DbfField> = (0..255)
        .map(|k| DbfField {
            name: format!("F{k:03}"),
            kind: 'N',
            length: 10,
            decimals: 0,
        })
        .collect();
    let records: Vec<Vec<Value>> = (0..2_000)
        .map(|r| (0..255).map(|k| Value::Number(f64::from(r + k))).collect())
        .collect();
    let bytes = write_dbf(&fields, &records, encoding_rs::UTF_8, 0);
    let table = read_dbf(&bytes, None, None).unwrap();
    assert_eq!(table.fields.len(), 255);
    assert_eq!(table.fields[254].name, "F254");
    assert_eq!(table.records.len(), 2_000);
    assert_eq!(table.records[1_999][254], Value::Number(2_253.0));
}

#[test]
fn nesting_past_the_parsers_limits_is_refused_with_the_place() {
    // JSON properties nested 100,000 deep: that feature is rejected, saying why (serde_json
    // stops at 128 levels; no stack overflow). The rest of the layer is checked.
    let dir = common::copy_fixture("basic", &[]);
    let path = dir.path().join("compounds.geojson");
    let text = std::fs::read_to_string(&path).unwrap();
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let text = text.replacen(
        "\"id\": \"A\"",
        &format!("\"deep\": {deep}, \"id\": \"A\""),
        1,
    );
    std::fs::write(&path, text).unwrap();
    let (code, r) = common::report(dir.path().to_str().unwrap(), &[]);
    assert_eq!(code, 1);
    let rejected = &r["inputs"]["compounds"]["rejected"][0];
    assert_eq!(
        rejected["reason"],
        "unreadable record: its properties cannot be read: recursion limit exceeded"
    );
    // plan.toml nested 100,000 deep: refused (exit 2), naming the line and column without
    // printing the 200 kB line ("x = " and 200,000 brackets: 200,004 bytes).
    let dir = common::copy_fixture("basic", &[]);
    let toml = format!("x = {deep}\n");
    std::fs::write(dir.path().join("plan.toml"), toml).unwrap();
    let (code, _, err) = run(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("TOML parse error at line 1, column")
            && err.contains("(a line of 200004 bytes, not shown)")
            && err.len() < 400,
        "{err}"
    );
}

//! Every example of the README works as written: its `sh` blocks run, and each `console`
//! block's commands print what it shows (tests/common/readme.rs says how blocks are
//! tagged and compared). The Python examples run in tests/python/test_readme.py, the
//! GDAL and QGIS ones in tests/gdal.rs and tests/qgis.rs, the OWSLib one in
//! tests/serve_clients.rs, the Rust ones as doctests.

mod common;

use common::readme::{self, shows, Sandbox};

/// Tags whose blocks this test runs, and those run elsewhere or not at all.
const RUN_HERE: [&str; 2] = ["sh", "console"];
const RUN_ELSEWHERE: [&str; 5] = ["sh gdal", "sh qgis", "python", "python owslib", "rust"];
/// Examples not run here, each for a reason the README gives beside it (a published
/// wheel, a server, a cluster, Windows, a CI service, the nightly toolchain).
const NOT_RUN: [&str; 4] = ["sh not-run", "yaml", "bat", "powershell"];
/// Blocks that are not commands: settings files, synopses, output of one run.
const NOT_COMMANDS: [&str; 2] = ["toml", "text"];

#[test]
fn every_block_is_tagged_as_run_or_not() {
    for b in readme::blocks() {
        let known = RUN_HERE
            .iter()
            .chain(&RUN_ELSEWHERE)
            .chain(&NOT_RUN)
            .chain(&NOT_COMMANDS)
            .any(|t| *t == b.info);
        assert!(
            known,
            "README.md:{}: a block tagged `{}`: tag it sh, console, python, rust, or sh not-run (saying why beside it), or text for what is not a command",
            b.line, b.info
        );
    }
}

#[test]
fn the_readmes_examples_work_as_written() {
    let sandbox = Sandbox::new(env!("CARGO_BIN_EXE_planlint").as_ref());
    let (mut blocks, mut commands) = (0, 0);
    for b in readme::blocks() {
        match b.info.as_str() {
            "sh" => commands += sandbox.run_block(&b, &[]),
            "console" => commands += sandbox.run_transcript(&b, &[]),
            _ => continue,
        }
        blocks += 1;
    }
    let all = readme::blocks();
    let count = |tags: &[&str]| {
        all.iter()
            .filter(|b| tags.contains(&b.info.as_str()))
            .count()
    };
    eprintln!(
        "README: {blocks} blocks run here ({commands} commands); {} run by other tests ({}); {} examples not run ({}); {} blocks that are not commands ({})",
        count(&RUN_ELSEWHERE),
        RUN_ELSEWHERE.join(", "),
        count(&NOT_RUN),
        NOT_RUN.join(", "),
        count(&NOT_COMMANDS),
        NOT_COMMANDS.join(", ")
    );
    assert!(
        blocks >= 10 && commands >= 20,
        "{blocks} blocks, {commands} commands"
    );
}

#[test]
fn a_transcript_is_matched_line_by_line_with_ellipses() {
    let lines = |s: &str| s.lines().map(String::from).collect::<Vec<_>>();
    assert!(shows(&lines("a\nb"), "a\nb\n").is_ok());
    assert!(shows(&lines("a  \nb"), "a\nb  ").is_ok());
    assert!(shows(&lines("a\n…\nd"), "a\nb\nc\nd").is_ok());
    assert!(
        shows(&lines("a\n  …\nb"), "a\nb").is_ok(),
        "… stands for no line too"
    );
    assert!(shows(&lines("x…z"), "xyyz").is_ok());
    assert!(shows(&lines("worst: C…"), "worst: C: 2,000 m…").is_ok());
    assert!(shows(&lines("a…b…c"), "a1b2c").is_ok());
    assert!(shows(&lines("a…b…c"), "a1c2b").is_err());
    assert!(shows(&lines("a\nb"), "a\nc").is_err());
    assert!(
        shows(&lines("a"), "a\nb").is_err(),
        "every line printed is shown"
    );
    let e = shows(&lines("a\nb\nc"), "a\nb\nx").unwrap_err();
    assert!(e.contains("line 3 of 3: \"c\""), "{e}");
}

#[test]
fn commands_join_continued_lines_and_skip_comments() {
    let lines: Vec<String> = [
        "# a comment",
        "planlint check a \\",
        "  --lang zh",
        "",
        "ls # b",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(
        readme::commands(&lines),
        ["planlint check a    --lang zh", "ls # b"]
    );
}

//! The HTML report, parsed: one self-contained page with a bar and a table
//! row per ranked framework, a score grid of the same frameworks, the
//! contribution tables with `--explain`, the robustness note, the footer
//! that says how to make the page again, dark mode and print rules, and
//! accessible charts and tables.
//!
//! Expected numbers are worked out by hand from `weights.toml`.

use crate::common;

use std::fmt::Write as _;

use common::{arg, dlpick, fixture, json_of, root};
use sha2::{Digest, Sha256};

/// 2026-11-25 00:00:00 UTC.
const EPOCH: &str = "1795564800";

fn html(args: &[&str]) -> String {
    let out = dlpick().env("SOURCE_DATE_EPOCH", EPOCH).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn count(dom: &tl::VDom<'_>, selector: &str) -> usize {
    dom.query_selector(selector).map_or(0, Iterator::count)
}

/// The text of every node matching `selector`, whitespace collapsed.
fn texts(dom: &tl::VDom<'_>, selector: &str) -> Vec<String> {
    let parser = dom.parser();
    dom.query_selector(selector)
        .map(|nodes| nodes.map(|h| common::flat(&h.get(parser).unwrap().inner_text(parser))).collect::<Vec<_>>())
        .unwrap_or_default()
}

/// The text of every `inner` node inside a node matching `outer` (tl's
/// selectors have no descendant combinator).
fn texts_in(dom: &tl::VDom<'_>, outer: &str, inner: &str) -> Vec<String> {
    let parser = dom.parser();
    dom.query_selector(outer)
        .map(|nodes| {
            nodes
                .flat_map(|h| {
                    let tag = h.get(parser).unwrap().as_tag().unwrap();
                    tag.query_selector(parser, inner)
                        .unwrap()
                        .map(|n| common::flat(&n.get(parser).unwrap().inner_text(parser)))
                        .collect::<Vec<_>>()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Per table matching `selector`: its header cells, and its body rows' cells.
fn tables(dom: &tl::VDom<'_>, selector: &str) -> Vec<(Vec<String>, Vec<Vec<String>>)> {
    let parser = dom.parser();
    let text = |h: tl::NodeHandle| common::flat(&h.get(parser).unwrap().inner_text(parser));
    dom.query_selector(selector)
        .map(|nodes| {
            nodes
                .map(|t| {
                    let tag = t.get(parser).unwrap().as_tag().unwrap();
                    let head: Vec<String> =
                        tag.query_selector(parser, "thead").unwrap().next().map_or_else(Vec::new, |thead| {
                            let thead = thead.get(parser).unwrap().as_tag().unwrap();
                            thead.query_selector(parser, "th").unwrap().map(text).collect()
                        });
                    let rows: Vec<Vec<String>> = tag
                        .query_selector(parser, "tbody")
                        .unwrap()
                        .next()
                        .map(|tbody| {
                            let tbody = tbody.get(parser).unwrap().as_tag().unwrap();
                            tbody
                                .query_selector(parser, "tr")
                                .unwrap()
                                .map(|tr| {
                                    let tr = tr.get(parser).unwrap().as_tag().unwrap();
                                    tr.query_selector(parser, "td").unwrap().map(text).collect()
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    (head, rows)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn assert_self_contained(page: &str) {
    assert!(page.starts_with("<!DOCTYPE html>"));
    let dom = tl::parse(page, tl::ParserOptions::default()).unwrap();
    assert_eq!(count(&dom, "script"), 0, "no scripts");
    assert_eq!(count(&dom, "link"), 0, "no external stylesheets");
    assert_eq!(count(&dom, "img"), 0, "no external images");
    assert!(!page.contains("src=") && !page.replace("href=\"#", "").contains("href="), "nothing to fetch");
    assert!(!page.contains("@import") && !page.contains("url("), "no fetched CSS");
}

/// Every chart is labelled and every table's first header says what its
/// column is.
fn assert_accessible(page: &str) {
    let dom = tl::parse(page, tl::ParserOptions::default()).unwrap();
    let parser = dom.parser();
    for svg in dom.query_selector("svg").unwrap() {
        let tag = svg.get(parser).unwrap().as_tag().unwrap();
        let label = tag.attributes().get("aria-label").flatten().map(|v| v.as_utf8_str().to_string());
        let title = tag.query_selector(parser, "title").unwrap().next();
        assert!(label.is_some_and(|l| l.len() > 10) || title.is_some(), "an SVG without a label");
    }
    for (head, _) in tables(&dom, "table") {
        assert!(head.first().is_some_and(|h| !h.is_empty()), "a table whose first header is empty: {head:?}");
    }
}

#[test]
fn explain_adds_a_contribution_table_per_ranked_framework() {
    let page = html(&["recommend", "profiles/research-lab.toml", "--format", "html", "--explain"]);
    assert_self_contained(&page);
    assert_accessible(&page);
    let dom = tl::parse(&page, tl::ParserOptions::default()).unwrap();
    // research-lab ranks the four maintained deep-learning frameworks
    // (MXNet, CNTK, Theano and Caffe2 are discontinued, scikit-learn is not
    // deep learning).
    let contributions = tables(&dom, "table.contributions");
    assert_eq!(contributions.len(), 4, "one per ranked framework");
    for (head, rows) in &contributions {
        assert_eq!(head, &["Criterion", "Need", "Weight", "Score", "Points", "Share"]);
        assert_eq!(rows.len(), 5, "one row per rated criterion");
    }
    // PyTorch: needs 5+5+4+3+3 = 20, so 100 points at 5/5 everywhere; its
    // debuggability (need 5, score 5) earns 25 of them, a quarter.
    assert_eq!(contributions[0].1[0], ["debuggability", "5", "1.00", "5", "25.0", "25%"]);
    // Keras's rapid prototyping: need 3 × score 5 = 15 of its 70.5 points, 21%.
    assert!(contributions[3].1.contains(&vec![
        "rapid prototyping".to_string(),
        "3".into(),
        "1.00".into(),
        "5".into(),
        "15.0".into(),
        "21%".into()
    ]));
    // "Why" covers every shown framework with --explain.
    assert_eq!(
        texts_in(&dom, "article", "h4"),
        ["1. PyTorch — 98.5", "2. TensorFlow — 79.0", "3. JAX — 73.5", "4. Keras — 70.5"]
    );

    let plain = html(&["recommend", "profiles/research-lab.toml", "--format", "html"]);
    let dom = tl::parse(&plain, tl::ParserOptions::default()).unwrap();
    assert_eq!(count(&dom, "table.contributions"), 0, "contribution tables only with --explain");
    assert_ne!(plain, page);
}

#[test]
fn the_ranking_is_a_chart_and_a_table_with_its_scale_explained() {
    let page = html(&["recommend", "profiles/research-lab.toml", "--format", "html"]);
    let dom = tl::parse(&page, tl::ParserOptions::default()).unwrap();
    // Matches by hand: Σ need × score / (20 × 5) × 100, needs debuggability
    // 5, flexibility 5, dynamic graphs 4, rapid prototyping 3, GPU 3.
    // PyTorch 5·5+5·5+4·5+3·4.5+3·5 = 98.5; TensorFlow 5·3.5+5·4+4·4+3·4+3·4.5
    // = 79; JAX 5·3+5·4.5+4·3+3·3.5+3·4.5 = 73.5; Keras 5·3+5·3+4·3+3·5+3·4.5
    // = 70.5.
    let ranked = tables(&dom, "table.ranked");
    assert_eq!(ranked.len(), 1);
    assert_eq!(ranked[0].0, ["Rank", "Framework", "Match", "Status"]);
    assert_eq!(
        ranked[0].1,
        [
            ["1", "PyTorch", "98.5", "maintained"],
            ["2", "TensorFlow", "79.0", "maintained"],
            ["3", "JAX", "73.5", "maintained"],
            ["4", "Keras", "70.5", "maintained"]
        ]
    );
    assert_eq!(count(&dom, "rect.bar"), 4);
    let scale = texts(&dom, "p.match-scale");
    assert_eq!(scale.len(), 1);
    assert!(scale[0].contains("0 to 100") && scale[0].contains("5/5 on every one"), "{}", scale[0]);
    let label = page.split("<svg class=\"chart bars\"").nth(1).unwrap().split('>').next().unwrap();
    assert!(
        label.contains("PyTorch 98.5, TensorFlow 79.0, JAX 73.5, Keras 70.5"),
        "the chart's label gives its values: {label}"
    );
}

#[test]
fn ties_share_a_rank_in_the_table() {
    let weights = fixture("twins-weights.toml");
    let profile = fixture("tiny-profile.toml");
    let page = html(&["--weights", arg(&weights), "recommend", arg(&profile), "--format", "html"]);
    let dom = tl::parse(&page, tl::ParserOptions::default()).unwrap();
    let ranks: Vec<String> = tables(&dom, "table.ranked")[0].1.iter().map(|r| r[0].clone()).collect();
    assert_eq!(&ranks[..2], ["1=", "1="], "Left and Right are identical");
}

#[test]
fn the_robustness_note_comes_from_the_exact_sensitivity() {
    let page = html(&["recommend", "profiles/research-lab.toml", "--format", "html"]);
    let dom = tl::parse(&page, tl::ParserOptions::default()).unwrap();
    let note = texts(&dom, "p.robust");
    assert_eq!(note.len(), 1);
    assert!(note[0].starts_with("How firm is this? PyTorch stays first"), "{}", note[0]);
    // The same sentence as `tune sensitivity` gives.
    let tune = common::flat(&common::stdout_of(&["tune", "sensitivity", "profiles/research-lab.toml"]));
    assert!(tune.contains(note[0].trim_start_matches("How firm is this? ")), "{tune}");

    let topsis = html(&["recommend", "profiles/research-lab.toml", "--format", "html", "--method", "topsis"]);
    let dom = tl::parse(&topsis, tl::ParserOptions::default()).unwrap();
    assert_eq!(count(&dom, "p.robust"), 0, "no exact ranges for TOPSIS");
    assert!(texts(&dom, "p.match-scale")[0].contains("ideal"), "TOPSIS's scale is explained as TOPSIS's");
}

#[test]
fn the_footer_says_how_to_make_the_page_again() {
    let page = html(&["recommend", "profiles/research-lab.toml", "--format", "html"]);
    let dom = tl::parse(&page, tl::ParserOptions::default()).unwrap();
    let footer = texts(&dom, "footer");
    assert_eq!(footer.len(), 1);
    let footer = &footer[0];
    let weights = std::fs::read(root().join("weights.toml")).unwrap();
    let sha = Sha256::digest(&weights).iter().fold(String::new(), |mut s, b| {
        write!(s, "{b:02x}").unwrap();
        s
    });
    assert!(footer.contains(&format!("Made by dlpick {} (", env!("CARGO_PKG_VERSION"))), "{footer}");
    assert!(footer.contains("on 2026-11-25"), "SOURCE_DATE_EPOCH's day: {footer}");
    assert!(footer.contains(&format!("Knowledge base: built-in (sha256 {}).", &sha[..12])), "{footer}");
    assert!(footer.contains("Input: profiles/research-lab.toml."), "{footer}");
}

#[test]
fn the_style_follows_dark_mode_and_prints_a_profile_per_page() {
    let page = html(&["recommend", "profiles/research-lab.toml", "profiles/beginner.toml", "--format", "html"]);
    let style = page.split("<style>").nth(1).unwrap().split("</style>").next().unwrap();
    assert!(style.contains("@media screen and (prefers-color-scheme: dark)"));
    assert!(style.contains("color-scheme: light dark"));
    assert!(page.contains("<meta name=\"color-scheme\" content=\"light dark\">"), "no forced darkening");
    assert!(style.contains(".chart text { font-family: inherit; font-size: 15px; fill: currentColor; }"));
    let print = style.split("@media print {").nth(1).unwrap();
    assert!(print.contains("section.profile ~ section.profile { break-before: page; }"));
    assert!(print.contains("h1, h2, h3, h4, caption { break-after: avoid; }"));
    assert!(print.contains("figure, table, svg,") && print.contains("{ break-inside: avoid; }"));
    let dom = tl::parse(&page, tl::ParserOptions::default()).unwrap();
    assert_eq!(count(&dom, "section.profile"), 2);
}

#[test]
fn charts_show_as_many_frameworks_as_the_ranking() {
    for (top, names) in [("1", vec!["PyTorch"]), ("2", vec!["PyTorch", "TensorFlow"])] {
        let page = html(&["recommend", "profiles/research-lab.toml", "--format", "html", "--top", top]);
        assert_accessible(&page);
        let dom = tl::parse(&page, tl::ParserOptions::default()).unwrap();
        assert_eq!(count(&dom, "rect.bar"), names.len(), "--top {top}");
        assert_eq!(tables(&dom, "table.ranked")[0].1.len(), names.len());
        let grid = &tables(&dom, "table.grid")[0];
        assert_eq!(grid.0[1..], names[..], "the score grid's columns for --top {top}");
        assert_eq!(grid.1.len(), 5, "one row per rated criterion");
        assert!(!page.contains("top three"), "--top {top}");
    }
    // Needs label the rows in words; they are not drawn as scores.
    let page = html(&["recommend", "profiles/research-lab.toml", "--format", "html", "--top", "1"]);
    let dom = tl::parse(&page, tl::ParserOptions::default()).unwrap();
    assert_eq!(texts_in(&dom, "table.grid", "th")[2], "debuggability critical, need 5");
    assert_eq!(tables(&dom, "table.grid")[0].1[0], ["5"], "PyTorch's debuggability");
}

#[test]
fn evidence_tables_name_every_column_and_stack_on_phones() {
    let page = html(&["recommend", "profiles/mobile-app.toml", "--format", "html", "--explain"]);
    assert_accessible(&page);
    let dom = tl::parse(&page, tl::ParserOptions::default()).unwrap();
    let evidence = tables(&dom, "table.evidence");
    assert!(!evidence.is_empty());
    for (head, rows) in &evidence {
        assert_eq!(head, &["Kind", "Criterion", "Score", "Evidence", "Source"]);
        assert!(rows.iter().all(|r| r.len() == 5 && !r[3].is_empty() && !r[4].is_empty()));
    }
    let style = page.split("<style>").nth(1).unwrap();
    assert!(style.contains("table.stack td { display: block;"), "cells stack on a narrow screen");
    assert!(!style.contains("nth-child"), "no column is hidden on a narrow screen");
}

#[test]
fn recommend_html_has_a_bar_per_ranked_framework() {
    for profile in ["profiles/research-lab.toml", "profiles/polyglot-shop.toml", "profiles/tabular-analyst.toml"] {
        let page = html(&["recommend", profile, "--format", "html"]);
        assert_self_contained(&page);
        assert_accessible(&page);
        let json = json_of(&["recommend", profile, "--format", "json"]);
        let ranked = json["profiles"][0]["ranking"].as_array().unwrap().len();
        let excluded = json["profiles"][0]["excluded"].as_array().unwrap().len();
        let dom = tl::parse(&page, tl::ParserOptions::default()).unwrap();
        assert_eq!(count(&dom, "rect.bar"), ranked, "{profile}");
        assert_eq!(count(&dom, "ul.excluded"), usize::from(excluded > 0));
        let listed = page
            .split("<ul class=\"excluded\">")
            .nth(1)
            .map_or(0, |rest| rest.split("</ul>").next().unwrap().matches("<li>").count());
        assert_eq!(listed, excluded);
        assert!(page.contains("fits best (match"));
    }
}

#[test]
fn recommend_html_goes_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    dlpick().args(["recommend", "profiles/beginner.toml", "--format", "html", "--out"]).arg(&out).assert().success();
    assert_self_contained(&std::fs::read_to_string(&out).unwrap());
}

#[test]
fn frameworks_and_criteria_pages_are_accessible() {
    for command in ["frameworks", "criteria"] {
        let page = html(&[command, "--format", "html"]);
        assert_self_contained(&page);
        assert_accessible(&page);
        assert!(page.contains("<footer>"), "{command}");
    }
}

#[test]
fn batch_html_shows_top_picks_and_teams() {
    let dir = tempfile::tempdir().unwrap();
    let survey = dir.path().join("s.csv");
    std::fs::write(
        &survey,
        "name,team,debuggability,mobile_deployment,beginner_friendliness\na,x,5,0,0\nb,x,4,0,1\nc,y,0,5,0\nd,y,0,0,5\n",
    )
    .unwrap();
    // The page is the department report, with or without --by-team.
    let page = html(&["batch", arg(&survey), "--format", "html"]);
    assert_self_contained(&page);
    assert_accessible(&page);
    assert_eq!(page, html(&["batch", arg(&survey), "--format", "html", "--by-team"]));
    let dom = tl::parse(&page, tl::ParserOptions::default()).unwrap();
    let picks = page.split("id=\"picks\"").nth(1).unwrap().split("</section>").next().unwrap();
    // a and b pick PyTorch on debuggability, c PyTorch on mobile deployment
    // (4.5, level with TensorFlow; ids break the tie), d Keras on
    // beginner-friendliness: two distinct picks.
    assert_eq!(picks.matches("<tr><td>").count(), 2, "pytorch and keras are top picks");
    assert_eq!(count(&dom, "article.team"), 2);
    assert!(page.contains("Kendall"));
    // The report's footer and dark mode.
    let footer = texts(&dom, "footer");
    assert!(footer[0].contains("on 2026-11-25") && footer[0].contains("s.csv"), "{footer:?}");
    assert!(page.contains("prefers-color-scheme: dark"));
}

/// The department report's answers chart has its data as a table: counted
/// by hand from the fixture (eight valid rows; `hal` is out of range).
#[test]
fn the_answers_chart_has_its_data_as_a_table() {
    let out = dlpick()
        .args(["batch", "tests/fixtures/team-survey.csv", "--by-team", "--format", "html", "--quiet"])
        .output()
        .unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    // debuggability: ana 5, ben 4, cleo 5, dev 2, eli 3, fay 2, gus 3, ivy 3.
    let row = ["0", "0", "2", "3", "1", "2"].map(|n| format!("<td class=\"num\">{n}</td>")).concat();
    assert!(html.contains(&format!("<tr><th scope=\"row\">debuggability</th>{row}</tr>")), "{html}");
    assert!(html.contains("<caption>Respondents per answer, by criterion</caption>"));
}

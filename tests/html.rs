//! The HTML report: one self-contained page that parses, with one bar per
//! ranked framework and a radar of the top three.

use assert_cmd::Command;

fn dlpick() -> Command {
    let mut cmd = Command::cargo_bin("dlpick").unwrap();
    cmd.env_remove("DLPICK_WEIGHTS");
    cmd
}

fn html(args: &[&str]) -> String {
    let out = dlpick().args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn count(dom: &tl::VDom<'_>, selector: &str) -> usize {
    dom.query_selector(selector).map_or(0, Iterator::count)
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

#[test]
fn recommend_html_has_a_bar_per_ranked_framework_and_a_radar() {
    for profile in ["profiles/research-lab.toml", "profiles/polyglot-shop.toml", "profiles/tabular-analyst.toml"] {
        let page = html(&["recommend", profile, "--format", "html"]);
        assert_self_contained(&page);
        let json: serde_json::Value =
            serde_json::from_slice(&dlpick().args(["recommend", profile, "--format", "json"]).output().unwrap().stdout)
                .unwrap();
        let ranked = json["profiles"][0]["ranking"].as_array().unwrap().len();
        let excluded = json["profiles"][0]["excluded"].as_array().unwrap().len();
        let dom = tl::parse(&page, tl::ParserOptions::default()).unwrap();
        assert_eq!(count(&dom, "rect.bar"), ranked, "{profile}");
        assert_eq!(count(&dom, "svg.radar"), 1);
        assert_eq!(count(&dom, "polygon.series"), 1 + ranked.min(3), "needs plus the top three");
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
fn batch_html_shows_top_picks_and_teams() {
    let dir = tempfile::tempdir().unwrap();
    let survey = dir.path().join("s.csv");
    std::fs::write(
        &survey,
        "name,team,debuggability,mobile_deployment,beginner_friendliness\na,x,5,0,0\nb,x,4,0,1\nc,y,0,5,0\nd,y,0,0,5\n",
    )
    .unwrap();
    // The page is the department report, with or without --by-team.
    let page = html(&["batch", survey.to_str().unwrap(), "--format", "html"]);
    assert_self_contained(&page);
    assert_eq!(page, html(&["batch", survey.to_str().unwrap(), "--format", "html", "--by-team"]));
    let dom = tl::parse(&page, tl::ParserOptions::default()).unwrap();
    let picks = page.split("id=\"picks\"").nth(1).unwrap().split("</section>").next().unwrap();
    assert_eq!(picks.matches("<tr><td>").count(), 3, "pytorch, caffe2 and keras are top picks");
    assert_eq!(count(&dom, "article.team"), 2);
    assert!(page.contains("Kendall"));
}

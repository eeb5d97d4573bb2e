"""End-to-end tests in a real browser (headless Chromium via WebDriver).

    python3 scripts/browser_test.py serve SURVEY_URL ADMIN_URL OUT_DIR
    python3 scripts/browser_test.py adaptive SURVEY_URL ADMIN_URL OUT_DIR
    python3 scripts/browser_test.py report REPORT.html TWO_PROFILES.html OUT_DIR EXTRAS_DIR

`serve`: fill in the survey (every question on one page) with the keyboard
and the mouse, send it, read the recommendation, revise, and open the admin
page. `adaptive`: the survey a few questions at a time, stopping early with
"you can stop here", then answering the rest anyway. `report`: the HTML
report on a desktop and a 390 px phone, in dark mode and printed. Both save
screenshots in OUT_DIR (the report's dark-mode one and its PDF in EXTRAS_DIR).

Run through scripts/browser-test.sh, which installs what it needs.
"""

import base64
import os
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait


def browser(profile):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for flag in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--user-data-dir={profile}",
        "--window-size=1000,1400",
    ]:
        options.add_argument(flag)
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(service=service, options=options)


def full_screenshot(driver, path, width, most=2000):
    """The page's top `most` pixels (all of it when shorter)."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(max(height, 600), most))
    driver.save_screenshot(path)
    driver.set_window_size(1000, 1400)


def screenshot_down_to(driver, path, selector):
    """The page from its top down to the end of the first `selector`,
    however tall (the window need not be)."""
    width, bottom = driver.execute_script(
        "const e = document.querySelector(arguments[0]);"
        "return [document.documentElement.clientWidth, e.getBoundingClientRect().bottom + window.scrollY + 16];",
        selector,
    )
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": bottom, "scale": 1},
        },
    )
    with open(path, "wb") as f:
        f.write(base64.b64decode(shot["data"]))


def submit(driver):
    """Send the form and wait until the next page has replaced this one."""
    button = driver.find_element(By.CSS_SELECTOR, "button[type=submit]")
    button.click()
    WebDriverWait(driver, 20).until(expected_conditions.staleness_of(button))


def check(condition, message):
    if not condition:
        raise SystemExit(f"FAIL: {message}")
    print(f"ok: {message}")


def serve_test(survey, admin, out):
    with tempfile.TemporaryDirectory() as profile:
        driver = browser(profile)
        try:
            driver.get(survey + "?all")
            check("Which deep-learning framework" in driver.title, "the survey page opens")
            check(
                len(driver.find_elements(By.CSS_SELECTOR, "fieldset")) >= 11,
                "one group per question",
            )
            # Every input has a label.
            unlabelled = driver.execute_script(
                "return [...document.querySelectorAll('input:not([type=hidden])')]"
                ".filter(i => !i.labels || i.labels.length === 0).length"
            )
            check(unlabelled == 0, "every input has a label")
            full_screenshot(driver, os.path.join(out, "survey.png"), 1000, 1600)

            # A mistake first: no name. The form comes back with the message.
            driver.find_element(By.CSS_SELECTOR, "label[for=f-debuggability-5]").click()
            submit(driver)
            errors = driver.find_element(By.ID, "errors").text
            check("Give your name" in errors, "a missing name is explained")
            check(
                driver.find_element(By.ID, "f-debuggability-5").is_selected(),
                "answers are kept after an error",
            )

            # Now properly, with the keyboard for the name and team.
            name = driver.find_element(By.ID, "f-name")
            name.send_keys("Ana <script>alert(1)</script>")
            name.send_keys(Keys.TAB)
            driver.switch_to.active_element.send_keys("lab")
            driver.find_element(By.CSS_SELECTOR, "label[for=f-dynamic_graphs-4]").click()
            driver.find_element(By.CSS_SELECTOR, "label[for=f-flexibility-4]").click()
            driver.find_element(By.CSS_SELECTOR, "input[name=languages][value=python]").click()
            submit(driver)

            check("Your recommendation" in driver.title, "sending shows the recommendation")
            lead = driver.find_element(By.CSS_SELECTOR, "p.lead").text
            check("PyTorch fits best" in lead, f"the explained recommendation: {lead[:60]}…")
            body = driver.find_element(By.TAG_NAME, "body").text
            check("Ana <script>alert(1)</script>" in body, "the name is shown as text, not run")
            private = driver.current_url
            full_screenshot(driver, os.path.join(out, "recommendation.png"), 1000, 1400)
            shown = driver.find_element(By.CSS_SELECTOR, "code.link").text
            check("/r/" in private and shown == private, "the private link is shown and is this page's address")

            # Revise from the private link.
            link = driver.find_element(By.LINK_TEXT, "Revise your answers")
            link.click()
            WebDriverWait(driver, 20).until(expected_conditions.staleness_of(link))
            check(driver.find_element(By.ID, "f-dynamic_graphs-4").is_selected(), "the revision starts from my answers")
            driver.find_element(By.CSS_SELECTOR, "label[for=f-mobile_deployment-5]").click()
            submit(driver)
            check(driver.current_url == private, "the revision returns to the same private page")

            # A second respondent on another team, with a fresh browser profile's cookie jar.
            driver.delete_all_cookies()
            driver.get(survey + "?all")
            driver.find_element(By.ID, "f-name").send_keys("Ben")
            driver.find_element(By.ID, "f-team").send_keys("ops")
            driver.find_element(By.CSS_SELECTOR, "label[for=f-distributed_training-5]").click()
            driver.find_element(By.CSS_SELECTOR, "label[for=f-gpu_support-4]").click()
            submit(driver)
            check("Your recommendation" in driver.title, "a second respondent answers")

            driver.get(admin)
            text = driver.find_element(By.TAG_NAME, "body").text
            check("2 respondents" in text, "the admin page counts both respondents")
            check("team lab" in text.lower() and "team ops" in text.lower(), "one section per team")
            check("results.csv" in text, "the exports are linked")
            full_screenshot(driver, os.path.join(out, "admin.png"), 1000)

            # The phone view of the survey.
            driver.set_window_size(400, 900)
            driver.get(survey + "?all")
            full_screenshot(driver, os.path.join(out, "survey-phone.png"), 400, 1400)
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth > document.documentElement.clientWidth"
            )
            check(not overflow, "the survey fits a phone's width")
        finally:
            driver.quit()
    print("browser test (serve): passed")


def rate(driver, answers):
    """Answer every rating shown on this page from `answers` (1 otherwise)."""
    shown = driver.execute_script(
        "return [...new Set([...document.querySelectorAll('input[type=radio]')].map(i => i.name))]"
    )
    for need in shown:
        driver.find_element(By.CSS_SELECTOR, f"label[for=f-{need}-{answers.get(need, 1)}]").click()
    return shown


def page_height(driver, width):
    driver.set_window_size(width, 900)
    return driver.execute_script("return document.documentElement.scrollHeight")


def adaptive_test(survey, admin, out):
    answers = {"beginner_friendliness": 5, "debuggability": 4, "flexibility": 0}
    with tempfile.TemporaryDirectory() as profile:
        driver = browser(profile)
        try:
            driver.get(survey + "?all")
            whole = page_height(driver, 400)
            driver.get(survey)
            first = page_height(driver, 400)
            print(f"survey on a 400 px phone: first page {first} px, every question at once {whole} px")
            driver.set_window_size(1000, 1400)
            check(first < whole * 0.6, "the first page is short (under 60% of the whole questionnaire's height)")
            shown = driver.execute_script(
                "return new Set([...document.querySelectorAll('input[type=radio]')].map(i => i.name)).size"
            )
            check(shown == 3, "the first page asks three ratings besides the requirements")
            check(len(driver.find_elements(By.LINK_TEXT, "See every question at once")) == 1, "the whole form is a link away")
            driver.find_element(By.ID, "f-name").send_keys("Cy")
            driver.find_element(By.CSS_SELECTOR, "input[name=languages][value=python]").click()
            asked = rate(driver, answers)
            pages = 1
            submit(driver)
            while "A few more questions" in driver.title:
                asked += rate(driver, answers)
                pages += 1
                submit(driver)
            check("Your recommendation" in driver.title, f"the survey stops after {pages} pages and {len(asked)} ratings")
            stop = driver.find_element(By.ID, "stop").text
            check("You can stop here." in stop and "PyTorch stays first whatever you answer" in stop, stop)
            check(len(asked) < 12, "not every rating was asked")
            lead = driver.find_element(By.CSS_SELECTOR, "p.lead").text
            check("PyTorch fits best" in lead, "the recommendation is shown with the verdict")
            full_screenshot(driver, os.path.join(out, "stop-here.png"), 1000, 900)
            private = driver.current_url

            link = driver.find_element(By.LINK_TEXT, "Answer the rest anyway")
            link.click()
            WebDriverWait(driver, 20).until(expected_conditions.staleness_of(link))
            unticked = driver.execute_script(
                "const names = new Set([...document.querySelectorAll('input[type=radio]')].map(i => i.name));"
                "return [...names].filter(n => !document.querySelector(`input[name=${n}]:checked`));"
            )
            check(sorted(unticked) == sorted(set(unticked)) and len(unticked) == 12 - len(asked),
                  f"the {len(unticked)} ratings not asked start unanswered")
            for need in unticked:
                driver.find_element(By.CSS_SELECTOR, f"label[for=f-{need}-1]").click()
            submit(driver)
            check(driver.current_url == private, "answering the rest returns to the same private page")
            check(not driver.find_elements(By.ID, "stop"), "with every rating answered there is nothing left to stop")

            driver.get(admin)
            text = driver.find_element(By.TAG_NAME, "body").text
            check("not asked every question" not in text, "the admin page counts the complete answer")
        finally:
            driver.quit()
    print("browser test (adaptive): passed")


PHONE = 390


def cdp_media(driver, media="", dark=False):
    """Emulate a media type ("print", or "" for the screen) and the reader's
    colour scheme."""
    features = [{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": media, "features": features})


def luminance(css_colour):
    """Relative luminance (0 black – 1 white) of an rgb()/rgba() colour."""
    parts = css_colour[css_colour.index("(") + 1 : css_colour.index(")")].replace("/", ",").split(",")
    r, g, b = (float(p) / 255 for p in parts[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def report_test(report, two_profiles, out, extras):
    """The HTML report in a browser: desktop, phone, dark mode, print. The
    desktop and phone screenshots go to `out`, the dark one and the PDF to
    `extras`."""
    url = "file://" + os.path.abspath(report)
    with tempfile.TemporaryDirectory() as profile:
        driver = browser(profile)
        try:
            driver.get(url)
            check(driver.title.startswith("dlpick:"), "the report opens")
            overflow = "return document.documentElement.scrollWidth > document.documentElement.clientWidth"
            check(not driver.execute_script(overflow), "the report fits a desktop window")
            full_screenshot(driver, os.path.join(out, "report.png"), 1000, 2600)

            # A 390 px phone.
            driver.set_window_size(PHONE, 900)
            driver.get(url)
            width = driver.execute_script("return document.documentElement.clientWidth")
            check(width == PHONE, f"the viewport is {PHONE} px wide (got {width})")
            check(not driver.execute_script(overflow), "the report fits a phone's width")
            # A chart label's size on screen: its computed size times the
            # SVG's scale (its width on screen over its viewBox width).
            sizes = driver.execute_script(
                """return [...document.querySelectorAll('svg.chart text')].map(t => {
                    const svg = t.ownerSVGElement;
                    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
                    return [parseFloat(getComputedStyle(t).fontSize), scale, t.textContent];
                });"""
            )
            check(len(sizes) > 0, f"the charts have {len(sizes)} labels")
            computed = min(size for size, _, _ in sizes)
            check(computed >= 12, f"chart labels' computed font size is at least 12 px (smallest {computed:g} px)")
            shown = min(size * scale for size, scale, _ in sizes)
            check(shown >= 12, f"chart labels are at least 12 px on screen (smallest {shown:.1f} px)")
            cells = driver.execute_script(
                """return [...document.querySelectorAll('table.evidence tr')].filter(r => r.querySelector('td'))
                    .map(r => ['Evidence', 'Source'].map(l => {
                        const c = r.querySelector(`td[data-label=${l}]`);
                        const box = c.getBoundingClientRect();
                        return [l, getComputedStyle(c).display !== 'none' && box.width > 0 && box.height > 0,
                                box.width, box.right <= document.documentElement.clientWidth + 0.5];
                    }));"""
            )
            check(len(cells) > 0, f"{len(cells)} evidence rows on the phone")
            check(all(seen for r in cells for _, seen, _, _ in r), "evidence and source are both visible in every row")
            check(all(inside for r in cells for _, _, _, inside in r), "evidence and source stay inside the screen")
            narrowest = min(w for r in cells for label, _, w, _ in r if label == "Evidence")
            check(narrowest >= PHONE / 2, f"the evidence gets a full line to itself ({narrowest:.0f} px)")
            # Down to the first framework's reasons, stacked.
            screenshot_down_to(driver, os.path.join(out, "report-phone.png"), "article")

            # Dark mode: the page follows it, and chart text stays readable.
            driver.set_window_size(1000, 1400)
            cdp_media(driver, dark=True)
            driver.get(url)
            colours = driver.execute_script(
                """const bg = getComputedStyle(document.querySelector('main')).backgroundColor;
                   return [bg, [...document.querySelectorAll('svg.chart text, th, td, p, li, h1, h2, h3, h4, caption')]
                       .map(e => e instanceof SVGElement ? getComputedStyle(e).fill : getComputedStyle(e).color)];"""
            )
            background, texts = colours
            check(luminance(background) < 0.1, f"dark mode darkens the page ({background})")
            worst = min(contrast(c, background) for c in texts)
            check(worst >= 4.5, f"every text and chart label contrasts with the dark page (worst {worst:.1f}:1)")
            full_screenshot(driver, os.path.join(extras, "report-dark.png"), 1000, 1400)
            cdp_media(driver)

            # Print: each profile starts a page; headings stay with what follows.
            driver.get("file://" + os.path.abspath(two_profiles))
            cdp_media(driver, media="print")
            breaks = driver.execute_script(
                """return [[...document.querySelectorAll('section.profile')].map(s => getComputedStyle(s).breakBefore),
                           [...document.querySelectorAll('h2, h3, h4')].map(h => getComputedStyle(h).breakAfter),
                           [...document.querySelectorAll('figure, table')].map(h => getComputedStyle(h).breakInside)];"""
            )
            sections, headings, blocks = breaks
            check(len(sections) == 2 and sections[0] != "page" and sections[1] == "page",
                  f"printed, the second profile starts a page ({sections})")
            check(all(b == "avoid" for b in headings), "printed, no heading is left at the bottom of a page")
            check(all(b == "avoid" for b in blocks), "printed, charts and tables are not split")
            cdp_media(driver)
            pdf = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})
            data = base64.b64decode(pdf["data"])
            pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
            check(pages >= 2, f"the two profiles print on {pages} pages")
            with open(os.path.join(extras, "report.pdf"), "wb") as f:
                f.write(data)
        finally:
            driver.quit()
    print("browser test (report): passed")


def main():
    what, args = sys.argv[1], sys.argv[2:]
    if what == "serve":
        serve_test(*args)
    elif what == "adaptive":
        adaptive_test(*args)
    elif what == "report":
        report_test(*args)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()

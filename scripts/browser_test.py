"""End-to-end test of `dlpick serve` in a real browser (headless Chromium via
WebDriver): fill in the survey with the keyboard and the mouse, send it, read
the recommendation, revise, and open the admin page. Saves screenshots.

    python3 scripts/browser_test.py SURVEY_URL ADMIN_URL OUT_DIR

Run through scripts/browser-test.sh, which installs what it needs.
"""

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


def submit(driver):
    """Send the form and wait until the next page has replaced this one."""
    button = driver.find_element(By.CSS_SELECTOR, "button[type=submit]")
    button.click()
    WebDriverWait(driver, 20).until(expected_conditions.staleness_of(button))


def check(condition, message):
    if not condition:
        raise SystemExit(f"FAIL: {message}")
    print(f"ok: {message}")


def main():
    survey, admin, out = sys.argv[1], sys.argv[2], sys.argv[3]
    with tempfile.TemporaryDirectory() as profile:
        driver = browser(profile)
        try:
            driver.get(survey)
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
            driver.get(survey)
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
            driver.get(survey)
            full_screenshot(driver, os.path.join(out, "survey-phone.png"), 400, 1400)
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth > document.documentElement.clientWidth"
            )
            check(not overflow, "the survey fits a phone's width")
        finally:
            driver.quit()
    print("browser test: 1 passed, 0 failed")


if __name__ == "__main__":
    main()

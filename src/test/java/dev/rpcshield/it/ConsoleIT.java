package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin console in a real headless Chromium: an operator signs in, sees the episode real
 * traffic over a tight limit produced, and clears the account's high-rate flag from the page.
 */
class ConsoleIT extends ItBase {
  private static final String CHAIN_ID =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}";

  private final Admin admin = new Admin(gateway);
  private ChromeDriver browser;
  private WebDriverWait wait;

  @BeforeEach
  void openBrowser() {
    browser = Browser.start();
    wait = new WebDriverWait(browser, Duration.ofSeconds(15));
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void operatorSeesTheEpisodeAndClearsTheFlag() throws java.io.IOException {
    String account =
        admin.account("{\"name\":\"it-console\",\"overrides\":{\"rps\":0.1,\"burst\":1}}");
    String key = admin.key(account).get("key").asText();
    String prefix =
        admin
            .call("GET", "/accounts/" + account + "/keys", null)
            .json()
            .get(0)
            .get("prefix")
            .asText();
    for (int i = 0; i < 25; i++) {
      gateway.post(CHAIN_ID, "X-API-Key", key);
    }

    browser.get(gateway.base().resolve("/admin").toString());
    WebElement token = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
    token.sendKeys("not-the-token");
    browser.findElement(By.id("sign-in")).click();
    wait.until(ExpectedConditions.textToBe(By.id("sign-in-error"), "The admin token was refused."));

    browser.findElement(By.id("token")).sendKeys(Admin.TOKEN);
    browser.findElement(By.id("sign-in")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("console")));
    assertTrue(
        !browser.findElement(By.id("sign-in-form")).isDisplayed(), "signed in: no sign-in form");

    By episode = By.cssSelector("#episodes tr[data-key='" + account + "']");
    WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(episode));
    assertEquals("user", row.findElements(By.tagName("td")).get(0).getText());
    assertEquals("24", row.findElements(By.tagName("td")).get(2).getText());

    By upstream = By.cssSelector("#upstreams tr[data-name='p1']");
    String upstreamText =
        wait.until(ExpectedConditions.presenceOfElementLocated(upstream)).getText();
    assertTrue(upstreamText.contains("CLOSED"), upstreamText);
    assertTrue(upstreamText.startsWith("default"), "grouped by network: " + upstreamText);
    By network = By.cssSelector("#networks tr[data-name='default']");
    String networkText = wait.until(ExpectedConditions.presenceOfElementLocated(network)).getText();
    assertTrue(networkText.startsWith("default (default) not checked"), networkText);
    wait.until(
        ExpectedConditions.textMatches(
            By.id("config-line"), Pattern.compile("^Configuration version \\d+, applied .+\\.$")));

    By accountRow = By.cssSelector("#accounts tr[data-id='" + account + "']");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(accountRow, "high rate"));
    assertTrue(browser.findElement(accountRow).getText().contains(prefix), "key prefix listed");
    assertTrue(!browser.findElement(accountRow).getText().contains(key), "never the whole key");

    Files.copy(
        browser.getScreenshotAs(OutputType.FILE).toPath(),
        Path.of("target/console.png"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    By flaggedRow = By.cssSelector("#flagged tr[data-id='" + account + "']");
    wait.until(ExpectedConditions.presenceOfElementLocated(flaggedRow))
        .findElement(By.className("clear-flag"))
        .click();
    wait.until(ExpectedConditions.numberOfElementsToBe(flaggedRow, 0));
    assertTrue(
        admin.call("GET", "/accounts/" + account, null).json().get("flaggedHighRateAt").isNull(),
        "the flag is cleared in the database");
    wait.until(
        ExpectedConditions.not(
            ExpectedConditions.textToBePresentInElementLocated(accountRow, "high rate")));

    JavascriptExecutor js = browser;
    assertEquals(
        Admin.TOKEN, js.executeScript("return sessionStorage.getItem('rpcshield.adminToken')"));
    assertEquals(0L, js.executeScript("return localStorage.length"));
    assertEquals("", js.executeScript("return document.cookie"));
    browser.findElement(By.id("sign-out")).click();
    assertEquals(null, js.executeScript("return sessionStorage.getItem('rpcshield.adminToken')"));
    assertTrue(
        !browser.findElement(By.id("console")).isDisplayed(), "signing out hides the console");
    assertTrue(
        browser.findElement(By.id("sign-in-form")).isDisplayed(), "and shows the sign-in form");
  }
}

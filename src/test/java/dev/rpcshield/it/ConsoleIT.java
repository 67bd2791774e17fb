package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
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
 * traffic over a tight limit produced, and clears the account's high-rate flag from the page; reads
 * the traffic and usage charts (checked on a screenshot) and creates an account and a key, holds
 * and releases an upstream from the page.
 */
class ConsoleIT extends ItBase {
  private static final String CHAIN_ID =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}";
  private static final String BLOCK_NUMBER =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\",\"params\":[]}";

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

  @Test
  void operatorReadsTheChartsAndUsesTheForms() throws IOException {
    browser.get(gateway.base().resolve("/admin/").toString());
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys(Admin.TOKEN);
    browser.findElement(By.id("sign-in")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("console")));

    String name = "it-console-form-" + System.nanoTime();
    browser.findElement(By.id("account-name")).sendKeys(name);
    browser.findElement(By.id("create-account")).click();
    By accountRow = By.xpath("//table[@id='accounts']//tr[td[starts-with(., '" + name + "')]]");
    WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(accountRow));
    String account = row.getDomAttribute("data-id");
    assertEquals(name, admin.call("GET", "/accounts/" + account, null).json().get("name").asText());

    row.findElement(By.className("new-key")).click();
    String key =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-key-value"))).getText();
    assertTrue(key.length() > 20, "the new key is shown: " + key);
    for (int i = 0; i < 20; i++) {
      gateway.post(BLOCK_NUMBER, "X-API-Key", key);
    }
    browser.findElement(By.id("new-key-done")).click();
    assertTrue(!browser.findElement(By.id("new-key")).isDisplayed(), "the key is shown once");
    assertEquals("", browser.findElement(By.id("new-key-value")).getAttribute("textContent"));

    WebElement calls = browser.findElement(By.id("chart-requests"));
    wait.until(d ->
        Double.parseDouble(attribute(calls, "data-max")) > 0
            && Integer.parseInt(attribute(calls, "data-points")) >= 2);
    assertDraws(calls, "the calls per second");
    WebElement latency = browser.findElement(By.id("chart-upstream-latency"));
    wait.until(ExpectedConditions.textToBePresentInElement(latency, "default/p1 p99"));
    wait.until(d -> Double.parseDouble(attribute(latency, "data-max")) > 0);

    row = browser.findElement(accountRow);
    row.findElement(By.className("show-usage")).click();
    By method = By.cssSelector("#account-methods tr[data-method='eth_blockNumber']");
    List<WebElement> cells =
        wait.until(ExpectedConditions.presenceOfElementLocated(method))
            .findElements(By.tagName("td"));
    long requests = Long.parseLong(cells.get(1).getText());
    assertEquals(20, requests, "every call is in the account's usage, refused ones too");
    assertTrue(Long.parseLong(cells.get(2).getText()) > 0, "with their compute units");
    WebElement daily = browser.findElement(By.id("chart-account-requests"));
    assertEquals("30", attribute(daily, "data-points"));
    assertEquals((double) requests, Double.parseDouble(attribute(daily, "data-max")));
    assertDraws(daily, "the account's requests per day");
    Files.copy(
        browser.getScreenshotAs(OutputType.FILE).toPath(),
        Path.of("target/console-charts.png"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    By p1 = By.cssSelector("#upstreams tr[data-name='p1']");
    try {
      browser.findElement(p1).findElement(By.className("hold")).click();
      wait.until(ExpectedConditions.textToBePresentInElementLocated(p1, "HELD"));
      assertEquals("HELD", admin.upstream("p1").get("state").asText());
      browser.findElement(p1).findElement(By.className("release")).click();
      wait.until(
          ExpectedConditions.not(ExpectedConditions.textToBePresentInElementLocated(p1, "HELD")));
      assertTrue(admin.upstream("p1").get("inRotation").asBoolean(), "released into rotation");
    } finally {
      admin.call("POST", "/upstreams/p1/release", null);
    }
  }

  private static String attribute(WebElement element, String name) {
    String value = element.getDomAttribute(name);
    return value == null ? "0" : value;
  }

  /**
   * Whether the chart's canvas, in a screenshot, has a line in the first series' colour (#2563eb):
   * at least a hundred pixels of it, some in the upper half of the canvas, where the series'
   * highest value is drawn (the y axis runs from 0 to 1.1 times it). A chart that drew nothing, no
   * chart, or a line flat at zero fails.
   */
  private static void assertDraws(WebElement chart, String what) throws IOException {
    WebElement canvas = chart.findElement(By.tagName("canvas"));
    BufferedImage image =
        ImageIO.read(new ByteArrayInputStream(canvas.getScreenshotAs(OutputType.BYTES)));
    int line = 0;
    int high = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        if (Math.abs(r - 0x25) + Math.abs(g - 0x63) + Math.abs(b - 0xeb) < 60) {
          line++;
          if (y < image.getHeight() / 2) {
            high++;
          }
        }
      }
    }
    assertTrue(line > 100, what + " drawn: " + line + " pixels of its line");
    assertTrue(high > 3, what + " drawn above zero: " + high + " pixels in the upper half");
  }
}

package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A dApp's page in a real headless Chromium, served from another origin (another loopback port),
 * calling the gateway with {@code fetch} (and with ethers' {@code JsonRpcProvider}) and {@code
 * content-type: application/json}, which makes the browser send a CORS preflight first. Ports 18650
 * and 18652 are allowed origins, 18651 is not; a key restricted to one page's origin is refused,
 * readably, to the other.
 */
class BrowserCorsIT extends ItBase {
  static final String CALLS =
      "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]},"
          + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eth_blockNumber\",\"params\":[]}]";

  private ChromeDriver browser;

  @BeforeEach
  void openBrowser() {
    browser = Browser.start();
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  /** Loads the page on {@code page} calling {@code path} and returns what its script saw. */
  static String run(
      ChromeDriver browser, PageServer page, String gatewayUrl, String body, String key) {
    String url =
        page.page()
            + "?gateway="
            + URLEncoder.encode(gatewayUrl, StandardCharsets.UTF_8)
            + "&body="
            + URLEncoder.encode(body, StandardCharsets.UTF_8)
            + (key == null ? "" : "&key=" + URLEncoder.encode(key, StandardCharsets.UTF_8));
    browser.get(url);
    new WebDriverWait(browser, Duration.ofSeconds(15))
        .until(d -> !d.findElement(By.id("result")).getText().isEmpty());
    return browser.findElement(By.id("result")).getText();
  }

  @Test
  void aPageOnAnAllowedOriginReadsChainIdAndBlockNumber() throws IOException {
    try (PageServer page = new PageServer(18650)) {
      String seen = run(browser, page, gateway.base().resolve("/").toString(), CALLS, null);
      JsonNode r = Gateway.JSON.readTree(seen);
      assertEquals(200, r.get("status").asInt(), seen);
      assertEquals("0x7a69", r.get("body").get(0).get("result").asText(), seen);
      assertEquals(true, r.get("body").get(1).get("result").asText().startsWith("0x"), seen);
    }
  }

  @Test
  void aKeyRestrictedToAnotherOriginIsRefusedAndThePageReadsWhy() throws IOException {
    Admin admin = new Admin(gateway);
    String account = admin.account("{\"name\":\"it-browser\"}");
    String key =
        admin
            .key(account, "{\"allowlists\":{\"origins\":[\"http://127.0.0.1:18652\"]}}")
            .get("key")
            .asText();
    String single = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}";
    try (PageServer page = new PageServer(18650)) {
      String seen = run(browser, page, gateway.base().resolve("/").toString(), single, key);
      JsonNode r = Gateway.JSON.readTree(seen);
      assertEquals(403, r.get("status").asInt(), seen);
      assertEquals(-32033, r.get("body").get("error").get("code").asInt(), seen);
    }
    try (PageServer page = new PageServer(18652)) {
      String seen = run(browser, page, gateway.base().resolve("/").toString(), single, key);
      JsonNode r = Gateway.JSON.readTree(seen);
      assertEquals(200, r.get("status").asInt(), seen);
      assertEquals("0x7a69", r.get("body").get("result").asText(), seen);
    }
  }

  @Test
  void ethersJsonRpcProviderWorksFromAPageOnAnAllowedOrigin() throws IOException {
    try (PageServer page = new PageServer(18650)) {
      browser.get(
          page.page()
              + "?client=ethers&gateway="
              + URLEncoder.encode(gateway.base().resolve("/").toString(), StandardCharsets.UTF_8));
      new WebDriverWait(browser, Duration.ofSeconds(20))
          .until(d -> !d.findElement(By.id("result")).getText().isEmpty());
      String seen = browser.findElement(By.id("result")).getText();
      JsonNode r = Gateway.JSON.readTree(seen);
      assertEquals("0x7a69", r.get("chainId").asText(), seen);
      assertEquals(true, r.get("block").asLong() >= 0, seen);
    }
  }

  @Test
  void aPageOnAnotherOriginIsRefusedByTheBrowser() {
    try (PageServer page = new PageServer(18651)) {
      String seen = run(browser, page, gateway.base().resolve("/").toString(), CALLS, null);
      assertEquals("failed: TypeError", seen);
    }
  }
}

package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcshield.testing.Eventually;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * An operator restricts a key from the console's key list in headless Chromium: a bad entry is
 * refused with the admin API's reason, a good one is saved, shown, and applied by the gateway.
 */
class ConsoleAllowlistIT extends ItBase {
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
  void operatorEditsAKeysAllowlists() {
    String account = admin.account("{\"name\":\"it-console-allowlist\"}");
    JsonNode key = admin.key(account);
    String id = key.get("id").asText();
    String plaintext = key.get("key").asText();

    browser.get(gateway.base().resolve("/admin").toString());
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys(Admin.TOKEN);
    browser.findElement(By.id("sign-in")).click();
    By row = By.cssSelector("#keys tr[data-id='" + id + "']");
    WebElement keyRow = wait.until(ExpectedConditions.presenceOfElementLocated(row));
    assertTrue(keyRow.getText().contains("none"), keyRow.getText());
    keyRow.findElement(By.className("edit-key")).click();
    WebElement origins =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("edit-origins")));

    origins.sendKeys("app.example/no");
    browser.findElement(By.id("save-key")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("key-editor-error"), "allowlists.origins"));

    origins.clear();
    origins.sendKeys("https://app.example\nhttps://*.dapp.example");
    browser.findElement(By.id("edit-methods")).sendKeys("eth_chainId");
    browser.findElement(By.id("save-key")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("key-editor")));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(row, "origins 2"));
    assertTrue(browser.findElement(row).getText().contains("methods 1"));

    JsonNode lists =
        admin.call("GET", "/accounts/" + account + "/keys", null).json().get(0).get("allowlists");
    assertEquals("https://*.dapp.example", lists.get("origins").get(1).asText());
    Eventually.within(Duration.ofSeconds(2), "the gateway applies the lists")
        .until(() ->
            gateway
                    .post(CHAIN_ID, "X-API-Key", plaintext, "Origin", "https://evil.example")
                    .status()
                == 403);
    assertEquals(
        200,
        gateway
            .post(CHAIN_ID, "X-API-Key", plaintext, "Origin", "https://a.dapp.example")
            .status());
  }
}

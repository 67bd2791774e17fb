package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcshield.testing.Eventually;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Accounts, keys and limits end to end: two gateway instances on one PostgreSQL and one Redis,
 * driven through the admin API and used by a plain HTTP client. Tier "tight" allows 5 requests/s.
 */
class AccountsIT extends ItBase {
  private static final String CHAIN_ID =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}";
  private static final String BALANCE =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBalance\",\"params\":[\""
          + DevAccounts.SINK
          + "\",\"latest\"]}";

  private final Admin admin = new Admin(gateway);

  @Test
  void usageIsKeptPerKeyMethodAndDayAcrossInstancesAndExportedForBilling() {
    String account = admin.account("{\"name\":\"it-usage\"}");
    JsonNode created = admin.key(account);
    String key = created.get("key").asText();
    String keyId = created.get("id").asText();
    Gateway second = SecondGateway.get().client();
    for (int i = 0; i < 3; i++) {
      assertEquals(200, gateway.post(BALANCE, "X-API-Key", key).status());
    }
    for (int i = 0; i < 2; i++) {
      assertEquals(200, second.post(BALANCE, "X-API-Key", key).status());
    }
    assertEquals(200, gateway.post(CHAIN_ID, "X-API-Key", key).status());

    // The other instance's share arrives with its next flush (every second here).
    Eventually.within(Duration.ofSeconds(10), "both instances' calls are counted")
        .until(() ->
            requests(admin.call("GET", "/usage?by=method&account=" + account, null))
                .equals("eth_chainId=1,eth_getBalance=5"));
    JsonNode byDay = admin.call("GET", "/usage?key=" + keyId, null).json();
    assertEquals(1, byDay.size(), byDay.toString());
    assertEquals(6, byDay.get(0).get("requests").asLong());
    assertTrue(byDay.get(0).get("computeUnits").asLong() > 0, byDay.toString());
    assertEquals(0, byDay.get(0).get("refusals").asLong());

    JsonNode top = admin.call("GET", "/usage/top?by=requests&days=1&limit=1000", null).json();
    boolean listed = false;
    for (JsonNode t : top) {
      listed |= t.get("key").asText().equals(keyId) && t.get("account").asText().equals(account);
    }
    assertTrue(listed, "the key is among the top: " + top);

    Gateway.Response csv = admin.call("GET", "/usage/export", null);
    assertEquals(200, csv.status(), csv.body());
    assertTrue(csv.header("Content-Type").startsWith("text/csv"), csv.header("Content-Type"));
    assertTrue(csv.body().startsWith("day,account,key,network,method,requests,compute_units,"));
    assertTrue(
        csv.body().contains("," + account + "," + keyId + ",default,eth_getBalance,5,"),
        csv.body());

    Gateway.Response bad = admin.call("GET", "/usage?by=week", null);
    assertEquals(400, bad.status());
    assertEquals("by", bad.json().get("field").asText());
    assertEquals(400, admin.call("GET", "/usage?from=2026-13-01", null).status());
    Gateway.Response far = admin.call("GET", "/usage?to=-999999999-01-01", null);
    assertEquals(400, far.status(), far.body());
    assertEquals("to", far.json().get("field").asText());
    Gateway.Response wide = admin.call("GET", "/usage?from=2024-01-01&to=2025-01-01", null);
    assertEquals(400, wide.status(), "367 days: " + wide.body());
    assertEquals("key", admin.call("GET", "/usage?key=nope", null).json().get("field").asText());
    assertEquals(400, admin.call("GET", "/usage/export?month=12-2026", null).status());
    assertEquals(401, admin.call("GET", "/usage", null, "wrong").status());
  }

  /** "method=requests" of each row of a usage answer, in its order. */
  private static String requests(Gateway.Response usage) {
    List<String> out = new java.util.ArrayList<>();
    for (JsonNode row : usage.json()) {
      out.add(row.get("method").asText() + "=" + row.get("requests").asLong());
    }
    return String.join(",", out);
  }

  @Test
  void keyInEveryFormThenLimitedOnEitherInstanceThenRevokedEverywhere() {
    Gateway second = SecondGateway.get().client();
    String account = admin.account("{\"name\":\"it-tight\",\"tier\":\"tight\"}");
    JsonNode created = admin.key(account);
    String key = created.get("key").asText();
    assertTrue(key.startsWith("rpcs_"));
    assertEquals(key.substring(0, 12), created.get("prefix").asText());

    assertEquals(200, gateway.post(CHAIN_ID, "X-API-Key", key).status());
    assertEquals(200, gateway.post(CHAIN_ID, "Authorization", "Bearer " + key).status());
    assertEquals(200, gateway.postTo("/v1/" + key, CHAIN_ID).status());
    assertEquals(200, gateway.postTo("/?apikey=" + key, CHAIN_ID).status());

    String limited =
        admin.account(
            "{\"name\":\"it-shared\",\"tier\":\"tight\",\"overrides\":{\"rps\":0.1,\"burst\":5}}");
    String key2 = admin.key(limited).get("key").asText();
    second.post(CHAIN_ID);
    gateway.post(CHAIN_ID);
    java.util.List<Gateway.Response> answers = new java.util.ArrayList<>();
    try (java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(6)) {
      java.util.List<java.util.concurrent.Future<Gateway.Response>> calls =
          new java.util.ArrayList<>();
      for (int i = 0; i < 6; i++) {
        Gateway target = i % 2 == 0 ? gateway : second;
        calls.add(pool.submit(() -> target.post(CHAIN_ID, "X-API-Key", key2)));
      }
      for (var c : calls) {
        answers.add(c.get());
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    long served = answers.stream().filter(r -> r.status() == 200).count();
    assertEquals(
        5,
        served,
        "burst 5 across both instances: "
            + answers.stream()
                .map(
                    r -> r.status() + " " + r.header("X-RateLimit-Remaining") + " " + r.raw().uri())
                .toList());
    Gateway.Response last =
        answers.stream().filter(r -> r.status() != 200).findFirst().orElseThrow();
    assertEquals(429, last.status(), last.body());
    assertEquals(-32005, last.json().get("error").get("code").asInt());
    assertNotNull(last.header("Retry-After"));
    assertEquals("5", last.header("X-RateLimit-Limit"));
    String keyId = admin.call("GET", "/keys?key=" + key, null).json().get("id").asText();
    assertEquals(204, admin.call("DELETE", "/keys/" + keyId, null).status());
    assertEquals(
        401,
        gateway.post(CHAIN_ID, "X-API-Key", key).status(),
        "at once on the instance that took the revoke");
    Eventually.within(Duration.ofSeconds(1), "revoked key refused by the other instance")
        .until(() -> second.post(CHAIN_ID, "X-API-Key", key).status() == 401);
    Gateway.Response refused = second.post(CHAIN_ID, "X-API-Key", key);
    assertEquals(-32030, refused.json().get("error").get("code").asInt());
  }

  /**
   * The account database slowed by a lock on the account table: a lookup of a key that is not
   * cached yet reads the key, then waits; the key is revoked meanwhile and every instance's change
   * poll runs (an entry on the blocklist shows it has) before the lookup returns. Its answer serves
   * the request it was made for, and is never kept for the requests after it.
   */
  @Test
  void aKeyRevokedWhileItsLookupWaitsOnASlowDatabaseIsRefusedAfterOnBothInstances()
      throws Exception {
    Gateway second = SecondGateway.get().client();
    JsonNode created = admin.key(admin.account("{\"name\":\"it-slow-revoke\"}"));
    String key = created.get("key").asText();
    Gateway witness = Gateway.from("127.0.0.9");
    Gateway secondWitness = Gateway.at(second.base(), "127.0.0.9");
    String blocked;
    try (ItDatabase.TableLock slow = ItDatabase.lock("account");
        java.util.concurrent.ExecutorService clients =
            java.util.concurrent.Executors.newFixedThreadPool(2)) {
      var first = clients.submit(() -> gateway.post(CHAIN_ID, "X-API-Key", key));
      var other = clients.submit(() -> second.post(CHAIN_ID, "X-API-Key", key));
      Eventually.within(Duration.ofSeconds(5), "both instances' lookups wait for the account")
          .until(() -> slow.waiting("select % from account %") == 2);
      assertEquals(204, admin.call("DELETE", "/keys/" + created.get("id").asText(), null).status());
      Gateway.Response entry =
          admin.call("POST", "/blocklist", "{\"cidr\":\"127.0.0.9/32\",\"reason\":\"it\"}");
      assertEquals(201, entry.status(), entry.body());
      blocked = entry.json().get("id").asText();
      Eventually.within(Duration.ofSeconds(1), "both instances polled the changes")
          .until(() ->
              witness.post(CHAIN_ID).status() == 403
                  && secondWitness.post(CHAIN_ID).status() == 403);
      slow.close();
      assertEquals(200, first.get().status(), "asked before the revoke");
      assertEquals(200, other.get().status(), "asked before the revoke");
    }
    assertEquals(401, gateway.post(CHAIN_ID, "X-API-Key", key).status());
    Eventually.within(Duration.ofSeconds(3), "the revoked key stays refused on both instances")
        .during(Duration.ofMillis(1500))
        .until(() ->
            gateway.post(CHAIN_ID, "X-API-Key", key).status() == 401
                && second.post(CHAIN_ID, "X-API-Key", key).status() == 401);
    assertEquals(204, admin.call("DELETE", "/blocklist/" + blocked, null).status());
  }

  /**
   * The account database slowed by a lock on the usage table: the other instance's usage flush
   * waits, and a revoke still reaches it within a second.
   */
  @Test
  void aRevokeReachesTheOtherInstanceWithinASecondWhileItsUsageFlushWaitsOnASlowDatabase()
      throws Exception {
    Gateway second = SecondGateway.get().client();
    String account = admin.account("{\"name\":\"it-slow-flush\",\"tier\":\"enterprise\"}");
    JsonNode created = admin.key(account);
    String key = created.get("key").asText();
    assertEquals(200, second.post(CHAIN_ID, "X-API-Key", key).status());
    // Flushes this instance's usage: the flush that waits below is the other instance's.
    admin.call("GET", "/accounts/" + account + "/usage", null);
    try (ItDatabase.TableLock slow = ItDatabase.lock("monthly_usage")) {
      assertEquals(200, second.post(CHAIN_ID, "X-API-Key", key).status(), "cached, no quota");
      Eventually.within(Duration.ofSeconds(3), "the other instance's usage flush waits")
          .until(() -> slow.waiting("% monthly_usage %") >= 1);
      assertEquals(204, admin.call("DELETE", "/keys/" + created.get("id").asText(), null).status());
      Eventually.within(Duration.ofSeconds(1), "revoked key refused by the other instance")
          .until(() -> second.post(CHAIN_ID, "X-API-Key", key).status() == 401);
    }
  }

  /**
   * The account database slowed by a lock on the account table while 25 clients keep asking this
   * instance with keys it has not cached, more lookups than its pool has connections; a key it has
   * cached is revoked on the other instance. The change poll, which no lookup can keep waiting,
   * still sees the revoke: no request that starts a second after it is served with the key.
   */
  @Test
  void aRevokeElsewhereReachesAnInstanceWhoseLookupsTakeEveryConnection() throws Exception {
    Gateway second = SecondGateway.get().client();
    String account = admin.account("{\"name\":\"it-crowded\"}");
    JsonNode created = admin.key(account);
    String key = created.get("key").asText();
    java.util.List<String> uncached = new java.util.ArrayList<>();
    for (int i = 0; i < 25; i++) {
      uncached.add(admin.key(account).get("key").asText());
    }
    Gateway witness = Gateway.from("127.0.0.11");
    Gateway.Response entry =
        admin.call("POST", "/blocklist", "{\"cidr\":\"127.0.0.11/32\",\"reason\":\"it\"}");
    assertEquals(201, entry.status(), entry.body());
    Eventually.within(Duration.ofSeconds(2), "this instance polled its own last change")
        .until(() -> witness.post(CHAIN_ID).status() == 403);
    assertEquals(200, gateway.post(CHAIN_ID, "X-API-Key", key).status());
    java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    long lastServed;
    long revoked;
    // The lock is closed first, then the clients are waited for.
    try (java.util.concurrent.ExecutorService clients =
            java.util.concurrent.Executors.newFixedThreadPool(uncached.size());
        ItDatabase.TableLock slow = ItDatabase.lock("account")) {
      long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      for (String other : uncached) {
        clients.submit(() -> {
          while (!stop.get() && System.nanoTime() < until) {
            gateway.post(CHAIN_ID, "X-API-Key", other);
          }
        });
      }
      try {
        // Liberty adds request threads as they block, a few at a time; a connection or two may be
        // busy elsewhere (the poll, a flush) while the others all wait.
        Eventually.within(
                Duration.ofSeconds(40), "lookups wait for the account on every connection")
            .until(
                () -> slow.waiting("select % from account %"),
                org.hamcrest.Matchers.greaterThanOrEqualTo(18));
        assertEquals(200, gateway.post(CHAIN_ID, "X-API-Key", key).status(), "cached, no lookup");
        assertEquals(
            204,
            new Admin(second).call("DELETE", "/keys/" + created.get("id").asText(), null).status());
        revoked = System.nanoTime();
        java.util.concurrent.atomic.AtomicLong served =
            new java.util.concurrent.atomic.AtomicLong();
        Eventually.within(Duration.ofSeconds(4), "revoked key refused by this instance")
            .until(() -> {
              long started = System.nanoTime();
              if (gateway.post(CHAIN_ID, "X-API-Key", key).status() == 200) {
                served.set(started);
                return false;
              }
              return true;
            });
        lastServed = served.get();
      } finally {
        stop.set(true);
      }
    }
    assertTrue(
        lastServed - revoked < Duration.ofSeconds(1).toNanos(),
        "served " + (lastServed - revoked) / 1_000_000 + " ms after the revoke");
    Eventually.within(Duration.ofSeconds(3), "refused as revoked once the database answers")
        .until(() -> gateway.post(CHAIN_ID, "X-API-Key", key).status() == 401);
    assertEquals(
        -32030, gateway.post(CHAIN_ID, "X-API-Key", key).json().get("error").get("code").asInt());
    assertEquals(
        204, admin.call("DELETE", "/blocklist/" + entry.json().get("id").asText(), null).status());
  }

  @Test
  void badKeysAreRefusedNeverServedAsAnonymous() {
    Gateway.Response malformed = gateway.post(CHAIN_ID, "X-API-Key", "not-a-key");
    assertEquals(401, malformed.status());
    assertTrue(malformed.body().contains("malformed"));
    String unknown = admin.key(admin.account("{\"name\":\"it-unknown\"}")).get("key").asText();
    String typo =
        unknown.substring(0, 10) + (unknown.charAt(10) == 'a' ? 'b' : 'a') + unknown.substring(11);
    assertEquals(
        401, gateway.post(CHAIN_ID, "X-API-Key", typo).status(), "checksum catches a typo");
    java.util.concurrent.CompletionException ws =
        org.junit.jupiter.api.Assertions.assertThrows(
            java.util.concurrent.CompletionException.class,
            () -> new Socket("/v1/" + typo).close());
    assertEquals(
        401,
        ((java.net.http.WebSocketHandshakeException) ws.getCause()).getResponse().statusCode());
  }

  /**
   * Admission refusals once logged nothing: a malformed key and a disabled account are now each one
   * event-log line and one count of their class, with neither the key nor its account's name.
   */
  @Test
  void aBadKeyAndADisabledAccountAreEachOneRefusalLineAndCount() throws Exception {
    String account = admin.account("{\"name\":\"it-refusal-lines\"}");
    String key = admin.key(account).get("key").asText();
    assertEquals(200, admin.call("PATCH", "/accounts/" + account, "{\"enabled\":false}").status());
    String keyClass = "rpcshield_refusals_total\\{class=\"key\",mp_scope=\"application\",?\\}";
    double keysBefore = gateway.metricSum(keyClass);
    long skip = ServerLog.lines();

    assertEquals(401, gateway.post(CHAIN_ID, "X-API-Key", "not-a-key").status());
    assertEquals(403, gateway.post(CHAIN_ID, "X-API-Key", key).status());

    assertEquals(1.0, gateway.metricSum(keyClass) - keysBefore, "the malformed key counted once");
    Eventually.within(Duration.ofSeconds(10), "both refusals are logged")
        .untilAsserted(() -> {
          List<JsonNode> lines = ServerLog.refusalsSince(skip);
          JsonNode malformed = onlyLine(lines, "key");
          assertTrue(
              malformed.path("message").asText().contains("API key is malformed"),
              malformed.toString());
          JsonNode disabled = onlyLine(lines, "disabled");
          assertTrue(
              disabled.path("message").asText().contains("account is disabled"),
              disabled.toString());
          for (JsonNode l : List.of(malformed, disabled)) {
            assertEquals("-", l.path("ext_method").asText(), l.toString());
            assertEquals("ip", l.path("ext_identity").asText(), l.toString());
            assertFalse(l.path("ext_requestId").asText().isEmpty(), l.toString());
            assertFalse(l.toString().contains("not-a-key"), "no key in the line: " + l);
            assertFalse(l.toString().contains(key), "no key in the line: " + l);
            assertFalse(l.toString().contains("it-refusal-lines"), "no account name: " + l);
          }
        });
  }

  private static JsonNode onlyLine(List<JsonNode> lines, String refusalClass) {
    List<JsonNode> of =
        lines.stream().filter(l -> refusalClass.equals(l.path("ext_refusal").asText())).toList();
    assertEquals(1, of.size(), "one " + refusalClass + " line: " + lines);
    return of.get(0);
  }

  @Test
  void disabledAccountIsForbiddenAndBlockedAddressIsRefusedFirst() {
    String account = admin.account("{\"name\":\"it-disabled\"}");
    String key = admin.key(account).get("key").asText();
    assertEquals(200, gateway.post(CHAIN_ID, "X-API-Key", key).status());
    assertEquals(200, admin.call("PATCH", "/accounts/" + account, "{\"enabled\":false}").status());
    assertEquals(
        403,
        gateway.post(CHAIN_ID, "X-API-Key", key).status(),
        "at once on the instance that took the change");

    Gateway blockedClient = Gateway.from("127.0.0.3");
    assertEquals(200, blockedClient.post(CHAIN_ID).status());
    Gateway.Response entry =
        admin.call("POST", "/blocklist", "{\"cidr\":\"127.0.0.3/32\",\"reason\":\"it\"}");
    assertEquals(201, entry.status(), entry.body());
    Eventually.within(Duration.ofSeconds(2), "blocked address")
        .until(() -> blockedClient.post(CHAIN_ID).status() == 403);
    assertEquals(-32031, blockedClient.post(CHAIN_ID).json().get("error").get("code").asInt());
    assertEquals(
        204, admin.call("DELETE", "/blocklist/" + entry.json().get("id").asText(), null).status());
    Eventually.within(Duration.ofSeconds(2), "unblocked")
        .until(() -> blockedClient.post(CHAIN_ID).status() == 200);
  }

  @Test
  void computeUnitsAreCountedAndTheMonthlyQuotaHolds() {
    String account = admin.account("{\"name\":\"it-quota\",\"overrides\":{\"monthlyCu\":50}}");
    String key = admin.key(account).get("key").asText();
    String near = "rpcshield_accounts_near_monthly_quota\\{[^}]*\\}";
    double nearBefore = gateway.metricSum(near);
    assertEquals(200, gateway.post(BALANCE, "X-API-Key", key).status());
    assertEquals(200, gateway.post(BALANCE, "X-API-Key", key).status());
    assertEquals(nearBefore, gateway.metricSum(near), "40 of 50 compute units: 80 %");
    Gateway.Response over = gateway.post(BALANCE, "X-API-Key", key);
    assertEquals(nearBefore + 1, gateway.metricSum(near), "a call that would pass 90 %");
    assertTrue(
        admin.call("GET", "/accounts?nearQuota=true", null).body().contains(account),
        "and the admin API names the account");
    String far = admin.account("{\"name\":\"it-quota-far\",\"overrides\":{\"monthlyCu\":1000}}");
    assertEquals(
        200, gateway.post(BALANCE, "X-API-Key", admin.key(far).get("key").asText()).status());
    assertFalse(
        admin.call("GET", "/accounts?nearQuota=true", null).body().contains(far),
        "not an account at 2 %");
    assertEquals(429, over.status(), over.body());
    assertTrue(
        over.json().get("error").get("message").asText().contains("compute units are used up"));
    JsonNode usage = admin.call("GET", "/accounts/" + account + "/usage", null).json();
    assertEquals(40, usage.get("computeUnits").asLong(), usage.toString());
    assertEquals(2, usage.get("requests").asLong());
    assertEquals(1, usage.get("refusals").asLong());
  }

  @Test
  void batchMembersAreChargedOneByOne() {
    String account = admin.account("{\"name\":\"it-batch\",\"overrides\":{\"rps\":1,\"burst\":2}}");
    String key = admin.key(account).get("key").asText();
    Gateway.Response r =
        gateway.post(
            "["
                + CHAIN_ID
                + ","
                + CHAIN_ID.replace("\"id\":1", "\"id\":2")
                + ","
                + CHAIN_ID.replace("\"id\":1", "\"id\":3")
                + "]",
            "X-API-Key",
            key);
    assertEquals(200, r.status());
    assertEquals("0x7a69", r.json().get(0).get("result").asText());
    assertEquals("0x7a69", r.json().get(1).get("result").asText());
    assertEquals(-32005, r.json().get(2).get("error").get("code").asInt(), r.body());
  }

  @Test
  void refusalsShowAsAnEpisodeAndFlagTheAccountOnceUntilAnOperatorClearsIt() {
    String account =
        admin.account("{\"name\":\"it-abuser\",\"overrides\":{\"rps\":0.1,\"burst\":1}}");
    String key = admin.key(account).get("key").asText();
    for (int i = 0; i < 25; i++) {
      gateway.post(CHAIN_ID, "X-API-Key", key);
    }
    JsonNode episodes = admin.call("GET", "/ratewatch/episodes", null).json();
    JsonNode mine = null;
    for (JsonNode e : episodes) {
      if (e.get("key").asText().equals(account)) {
        mine = e;
      }
    }
    assertNotNull(mine, episodes.toString());
    assertEquals("user", mine.get("class").asText());
    assertEquals(24, mine.get("count").asLong());
    JsonNode flagged = admin.call("GET", "/accounts/" + account, null).json();
    String stamp = flagged.get("flaggedHighRateAt").asText();
    assertFalse(flagged.get("flaggedHighRateAt").isNull());
    for (int i = 0; i < 25; i++) {
      gateway.post(CHAIN_ID, "X-API-Key", key);
    }
    assertEquals(
        stamp,
        admin.call("GET", "/accounts/" + account, null).json().get("flaggedHighRateAt").asText(),
        "a sustained episode does not re-stamp the flag");
    assertTrue(admin.call("GET", "/accounts?flagged=true", null).body().contains(account));
    assertEquals(
        200, gateway.post(CHAIN_ID).status(), "never a ban: anonymous traffic still served");
    Gateway.Response cleared =
        admin.call("DELETE", "/accounts/" + account + "/high-rate-flag", null);
    assertEquals(200, cleared.status());
    assertTrue(cleared.json().get("flaggedHighRateAt").isNull());
  }

  @Test
  void refusalsOnTwoInstancesAddUpToOneClusterEpisodeAndFlag() {
    Gateway second = SecondGateway.get().client();
    String account =
        admin.account("{\"name\":\"it-cluster-abuser\",\"overrides\":{\"rps\":0.1,\"burst\":1}}");
    String key = admin.key(account).get("key").asText();
    int refused = 0;
    for (int i = 0; i < 15; i++) {
      refused += gateway.post(CHAIN_ID, "X-API-Key", key).status() == 429 ? 1 : 0;
      refused += second.post(CHAIN_ID, "X-API-Key", key).status() == 429 ? 1 : 0;
    }
    // At most 15 refusals on either instance, below the threshold (20); together they pass it
    // (a token every 10 s lets one or two through, however slow the loop).
    assertTrue(refused >= 20, refused + " refusals");
    long expected = refused;
    Admin secondAdmin = new Admin(second);
    Eventually.within(
            Duration.ofSeconds(10), "the episode shows both instances' " + refused + " refusals")
        .until(() -> {
          for (JsonNode e : secondAdmin.call("GET", "/ratewatch/episodes", null).json()) {
            if (e.get("key").asText().equals(account)) {
              return e.get("count").asLong() == expected;
            }
          }
          return false;
        });
    Eventually.within(Duration.ofSeconds(10), "the cluster-wide count flags the account")
        .until(() ->
            !admin
                .call("GET", "/accounts/" + account, null)
                .json()
                .get("flaggedHighRateAt")
                .isNull());
  }

  @Test
  void webSocketConnectionsAreCappedPerAccountAcrossInstances() throws Exception {
    SecondGateway.get();
    String account = admin.account("{\"name\":\"it-ws\",\"overrides\":{\"wsConnections\":2}}");
    String key = admin.key(account).get("key").asText();
    try (Socket one = new Socket("/v1/" + key);
        Socket two = new Socket(SecondGateway.PORT, "/v1/" + key)) {
      java.util.concurrent.CompletionException third =
          org.junit.jupiter.api.Assertions.assertThrows(
              java.util.concurrent.CompletionException.class, () -> new Socket("/v1/" + key));
      assertEquals(
          429,
          ((java.net.http.WebSocketHandshakeException) third.getCause())
              .getResponse()
              .statusCode());
      assertEquals(
          "0x7a69", one.call(CHAIN_ID).get("result").asText(), "open connections still work");
    }
    Eventually.within(Duration.ofSeconds(5), "a closed connection gives its slot back")
        .until(() -> {
          try (Socket again = new Socket("/v1/" + key)) {
            return again.call(CHAIN_ID).has("result");
          } catch (java.util.concurrent.CompletionException stillFull) {
            return false;
          }
        });
  }

  @Test
  void anIpv4MappedCidrIsTakenAndMatchesTheIpv4ClientItNames() {
    String account = admin.account("{\"name\":\"it-mapped-cidr\"}");
    Gateway.Response created =
        admin.call(
            "POST",
            "/accounts/" + account + "/keys",
            "{\"allowlists\":{\"cidrs\":[\"::ffff:198.51.100.7/128\"]}}");
    assertEquals(201, created.status(), created.body());
    String key = created.json().get("key").asText();
    String chainId = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}";
    Gateway.Response named =
        gateway.post(chainId, "X-API-Key", key, "X-Forwarded-For", "198.51.100.7");
    assertEquals(200, named.status(), named.body());
    Gateway.Response other =
        gateway.post(chainId, "X-API-Key", key, "X-Forwarded-For", "198.51.100.8");
    assertEquals(403, other.status(), other.body());
    assertEquals(-32033, other.json().get("error").get("code").asInt(), other.body());
  }

  @Test
  void adminApiNeedsTheTokenAndNamesBadFields() {
    assertEquals(401, admin.call("GET", "/accounts", null, null).status());
    assertEquals(401, admin.call("GET", "/accounts", null, "wrong").status());
    Gateway.Response options = admin.call("OPTIONS", "/accounts", null, null);
    assertEquals(401, options.status(), "no route is listed without the token: " + options.body());
    assertEquals(null, options.header("Allow"), options.body());
    assertEquals(401, admin.call("OPTIONS", "/accounts/x/keys", null, null).status());
    assertEquals(401, admin.call("GET", "/nothing-here", null, null).status());
    assertEquals(200, admin.call("GET", "/accounts", null).status(), "with the token it serves");
    Gateway.Response noName = admin.call("POST", "/accounts", "{\"tier\":\"free\"}");
    assertEquals(400, noName.status());
    assertEquals("name", noName.json().get("field").asText());
    Gateway.Response badTier =
        admin.call("POST", "/accounts", "{\"name\":\"x\",\"tier\":\"gold\"}");
    assertEquals(400, badTier.status());
    assertEquals("tier", badTier.json().get("field").asText());
    Gateway.Response badOverride =
        admin.call("POST", "/accounts", "{\"name\":\"x\",\"overrides\":{\"rps\":-1}}");
    assertEquals("overrides.rps", badOverride.json().get("field").asText());
    Gateway.Response huge =
        admin.call("POST", "/accounts", "{\"name\":\"x\",\"overrides\":{\"rps\":1e400}}");
    assertEquals(400, huge.status(), huge.body());
    assertEquals("overrides.rps", huge.json().get("field").asText());
    assertTrue(huge.json().get("error").asText().contains("1000000"), huge.body());
    Gateway.Response fraction =
        admin.call("POST", "/accounts", "{\"name\":\"x\",\"overrides\":{\"wsConnections\":2.5}}");
    assertEquals(400, fraction.status(), fraction.body());
    assertEquals("overrides.wsConnections", fraction.json().get("field").asText());
    Gateway.Response badCidr = admin.call("POST", "/blocklist", "{\"cidr\":\"nope\"}");
    assertEquals(400, badCidr.status());
    assertFalse(
        admin.call("GET", "/accounts", null).body().contains("rpcs_"),
        "no key ever listed in full");
  }
}

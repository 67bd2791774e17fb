package dev.rpcshield.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.rpcshield.account.Account;
import dev.rpcshield.account.AccountStore;
import dev.rpcshield.account.Accounts;
import dev.rpcshield.account.ApiKeys;
import dev.rpcshield.account.Database;
import dev.rpcshield.account.DatabaseUnavailableException;
import dev.rpcshield.account.KeyDirectory;
import dev.rpcshield.account.Tiers;
import dev.rpcshield.allowlist.Allowlists;
import dev.rpcshield.config.Current;
import dev.rpcshield.config.Settings;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.identity.CallerTokens;
import dev.rpcshield.identity.JwtConfig;
import dev.rpcshield.jsonrpc.Refusal;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.testing.InMemoryDatabase;
import dev.rpcshield.testing.MapConfig;
import dev.rpcshield.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stage on a real key directory over the embedded database; only the guard that runs a key
 * lookup is a fake, which can play an outage. Each refusal is a value: its class, the error the
 * client gets and the caller it counts against. Tests block addresses of their own, so the shared
 * database's blocklist touches no other test.
 */
class AdmissionTest {
  private static final String ADDRESS = "198.51.100.7";
  private static Database db;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
  private final Admission admission = new Admission();
  private AccountStore store;
  private KeyDirectory directory;

  /**
   * What a key lookup that misses the directory's cache throws; null while the database answers.
   */
  private RuntimeException outage;

  @BeforeAll
  static void open() {
    db = InMemoryDatabase.named("admission");
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @BeforeEach
  void build() {
    store = new AccountStore(db, clock, () -> directory.invalidate());
    Tiers tiers = new Tiers(new Settings(new MapConfig(Map.of())));
    directory =
        new KeyDirectory(
            store,
            store,
            () -> tiers,
            clock,
            100,
            new KeyDirectory.Guard() {
              @Override
              public <T> T call(Supplier<T> lookup) {
                if (outage != null) {
                  throw outage;
                }
                return lookup.get();
              }
            });
    admission.accounts =
        new Accounts() {
          @Override
          public KeyDirectory directory() {
            return directory;
          }
        };
    admission.tokens = new CallerTokens(Current.of(JwtConfig.OFF), clock, c -> null);
  }

  private static RsaJsonWebKey issuerKey;

  @BeforeAll
  static void issuerKey() throws Exception {
    issuerKey = RsaJwkGenerator.generateJwk(2048);
    issuerKey.setKeyId("k1");
  }

  /**
   * Callers' tokens of https://id.example for audience rpcshield, the tier in claim {@code tier}.
   */
  private void takeTokens(boolean autoCreate) throws Exception {
    JwtConfig config =
        new JwtConfig(
            "https://id.example",
            null,
            "rpcshield",
            Duration.ofSeconds(60),
            "sub",
            autoCreate,
            "tier",
            Duration.ZERO);
    JsonWebKey published =
        JsonWebKey.Factory.newJwk(issuerKey.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
    admission.tokens =
        new CallerTokens(
            Current.of(config), clock, c -> new JwksVerificationKeyResolver(List.of(published)));
  }

  private String token(String subject, String tier, Instant expires) throws Exception {
    JwtClaims c = new JwtClaims();
    c.setIssuer("https://id.example");
    c.setAudience("rpcshield");
    c.setSubject(subject);
    c.setExpirationTime(NumericDate.fromMilliseconds(expires.toEpochMilli()));
    if (tier != null) {
      c.setClaim("tier", tier);
    }
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(c.toJson());
    jws.setKey(issuerKey.getPrivateKey());
    jws.setKeyIdHeaderValue("k1");
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
    return jws.getCompactSerialization();
  }

  /** A new key of a new, enabled account on the free tier. */
  private AccountStore.CreatedKey newKey() {
    Account a = store.createAccount("admission", "free", "test");
    return store.createKey(a.getId(), "k", "test");
  }

  private Admission.Result admit(Caller caller) {
    return admission.admit(caller, "mainnet");
  }

  private static Caller keyed(String key) {
    return new Caller(ADDRESS, key, null);
  }

  private static Caller keyed(String key, String origin, String ip, String agent, String secret) {
    return new Caller(ip, key, null, origin, agent, secret);
  }

  private static Refusal assertRefused(
      Admission.Result r, RpcErrorCode code, String message, String refusalClass) {
    Refusal refusal = r.refusal();
    assertNotNull(refusal, "refused");
    assertEquals(code, refusal.error().code());
    assertEquals(message, refusal.error().message());
    assertEquals(refusalClass, refusal.refusalClass());
    assertEquals(code.httpStatus(), refusal.status());
    assertNull(refusal.sender(), "an admission refusal counts against the caller");
    return refusal;
  }

  private static void assertAdmitted(Admission.Result r) {
    assertNull(r.refusal(), () -> "admitted, not " + r.refusal());
  }

  @Test
  void aTokenOfTheIssuerIsAnAccountMadeOnItsFirstCallUnderTheTierItNames() throws Exception {
    takeTokens(true);
    String subject = "org-" + UUID.randomUUID();
    Admission.Result first = admit(keyed(token(subject, "pro", clock.instant().plusSeconds(60))));
    assertAdmitted(first);
    Account made = store.accountOfSubject("https://id.example " + subject).orElseThrow();
    assertEquals(made.getId(), first.caller().account().accountId());
    assertEquals(subject, made.getName());
    assertEquals("pro", made.getTier(), "made on the tier its token named");
    assertEquals("pro", first.caller().account().limits().name());
    assertNull(first.caller().account().keyId(), "no key of its own");
    assertEquals(Allowlists.NONE, first.caller().account().allowlists());

    Admission.Result enterprise =
        admit(keyed(token(subject, "enterprise", clock.instant().plusSeconds(60))));
    assertEquals(made.getId(), enterprise.caller().account().accountId(), "the same account");
    assertEquals("enterprise", enterprise.caller().account().limits().name(), "the token's tier");
    assertEquals(
        "pro",
        admit(keyed(token(subject, "platinum", clock.instant().plusSeconds(60))))
            .caller()
            .account()
            .limits()
            .name(),
        "a tier not configured: the account's own");
  }

  @Test
  void aTokenThatFailsACheckIsRefusedNamingTheCheckNeverTheToken() throws Exception {
    takeTokens(true);
    String expired = token("org-late", null, clock.instant().minusSeconds(120));
    Refusal r =
        assertRefused(
            admit(keyed(expired)),
            RpcErrorCode.UNAUTHORIZED,
            "unauthorized: token refused: expired",
            "token");
    assertEquals(-1, r.error().message().indexOf(expired.substring(0, 20)));
    assertEquals(
        true,
        store.accountOfSubject("https://id.example org-late").isEmpty(),
        "no account made for it");
  }

  @Test
  void withoutAutoCreateAnUnknownSubjectIsRefusedAndADisabledAccountIsForbidden() throws Exception {
    takeTokens(false);
    String subject = "org-" + UUID.randomUUID();
    String token = token(subject, null, clock.instant().plusSeconds(60));
    assertRefused(
        admit(keyed(token)),
        RpcErrorCode.UNAUTHORIZED,
        "unauthorized: token refused: unknown account",
        "token");
    Account a =
        store.createSubjectAccount("https://id.example " + subject, subject, "free", "test", true);
    assertAdmitted(admit(keyed(token)));
    store.updateAccount(a.getId(), x -> x.setEnabled(false), "test", "disable");
    assertRefused(
        admit(keyed(token)), RpcErrorCode.FORBIDDEN, "forbidden: account is disabled", "disabled");
  }

  @Test
  void withTokensOffAJwtIsTakenForAMalformedKey() throws Exception {
    String token = token("org-off", null, clock.instant().plusSeconds(60));
    assertRefused(
        admit(keyed(token)),
        RpcErrorCode.UNAUTHORIZED,
        "unauthorized: API key is malformed",
        "key");
  }

  @Test
  void anAnonymousCallerIsAdmittedWithoutAnAccount() {
    Caller anonymous = new Caller(ADDRESS, null, null);
    Admission.Result r = admit(anonymous);
    assertAdmitted(r);
    assertSame(anonymous, r.caller());
  }

  @Test
  void aKnownKeyIsAdmittedWithItsAccountAndLimits() {
    AccountStore.CreatedKey k = newKey();
    Admission.Result r = admit(keyed(k.plaintext()));
    assertAdmitted(r);
    assertEquals(k.key().getAccountId(), r.caller().account().accountId());
    assertEquals(k.key().getId(), r.caller().account().keyId());
    assertEquals("free", r.caller().account().limits().name());
    assertEquals(ADDRESS, r.caller().clientIp());
  }

  @Test
  void aBlockedAddressIsRefusedBeforeItsKeyIsLookedAtAndUntilTheBlockExpires() {
    String blocked = "203.0.113.66";
    store.block("203.0.113.64/30", "abuse", clock.instant().plus(Duration.ofHours(1)), "test");
    directory.refreshIfChanged();
    outage = new DatabaseUnavailableException(null);

    for (String key : new String[] {null, "rpcs_nope", ApiKeys.generate()}) {
      Admission.Result r = admit(new Caller(blocked, key, null));
      assertRefused(r, RpcErrorCode.FORBIDDEN, "forbidden: address is blocked", "blocklist");
      assertNull(r.caller().account());
      assertEquals(403, r.refusal().status());
    }
    assertAdmitted(admit(new Caller("203.0.113.68", null, null)));

    clock.advance(Duration.ofHours(2));
    assertAdmitted(admit(new Caller(blocked, null, null)));
  }

  @Test
  void anUnknownRevokedOrMalformedKeyIsRefusedAndNeverServedAsAnonymous() {
    assertRefused(
        admit(keyed(ApiKeys.generate())),
        RpcErrorCode.UNAUTHORIZED,
        "unauthorized: API key is unknown",
        "key");
    assertRefused(
        admit(keyed("rpcs_" + "a".repeat(49))),
        RpcErrorCode.UNAUTHORIZED,
        "unauthorized: API key is malformed",
        "key");
    assertRefused(
        admit(keyed("")), RpcErrorCode.UNAUTHORIZED, "unauthorized: API key is malformed", "key");

    AccountStore.CreatedKey k = newKey();
    assertAdmitted(admit(keyed(k.plaintext())));
    store.revokeKey(k.key().getId(), "test");
    Admission.Result revoked = admit(keyed(k.plaintext()));
    assertRefused(revoked, RpcErrorCode.UNAUTHORIZED, "unauthorized: API key is revoked", "key");
    assertEquals(401, revoked.refusal().status());
    assertNull(revoked.caller().account(), "a revoked key counts against the address");
  }

  @Test
  void aDisabledAccountsKeyIsForbidden() {
    AccountStore.CreatedKey k = newKey();
    store.updateAccount(k.key().getAccountId(), a -> a.setEnabled(false), "test", "disable");
    Admission.Result r = admit(keyed(k.plaintext()));
    assertRefused(r, RpcErrorCode.FORBIDDEN, "forbidden: account is disabled", "disabled");
    assertEquals(403, r.refusal().status());
  }

  @Test
  void anUncachedKeyWhileTheDatabaseIsDownIsNeitherAdmittedNorRefusedButTold503() {
    AccountStore.CreatedKey cached = newKey();
    AccountStore.CreatedKey uncached = newKey();
    assertAdmitted(admit(keyed(cached.plaintext())));

    for (RuntimeException e :
        List.of(new DatabaseUnavailableException(null), new TimeoutException("2 s"))) {
      outage = e;
      Admission.Result r = admit(keyed(uncached.plaintext()));
      assertRefused(
          r,
          RpcErrorCode.ACCOUNTS_UNAVAILABLE,
          "the API key cannot be checked now: the account database is unavailable, try again",
          "database");
      assertEquals(503, r.refusal().status());
      assertNull(r.caller().account());
      assertAdmitted(admit(keyed(cached.plaintext())));
    }

    outage = null;
    assertAdmitted(admit(keyed(uncached.plaintext())));
  }

  @Test
  void anAccountLimitedToSomeNetworksIsForbiddenTheOthers() {
    AccountStore.CreatedKey k = newKey();
    store.updateAccount(
        k.key().getAccountId(), a -> a.setNetworks(List.of("base", "mainnet")), "test", "nets");

    assertAdmitted(admission.admit(keyed(k.plaintext()), "mainnet"));
    assertAdmitted(admission.admit(keyed(k.plaintext()), "base"));
    Admission.Result r = admission.admit(keyed(k.plaintext()), "sepolia");
    assertRefused(
        r,
        RpcErrorCode.FORBIDDEN,
        "forbidden: this key's account may not call network 'sepolia'",
        "network");
    assertEquals(
        k.key().getAccountId(),
        r.caller().account().accountId(),
        "a refusal of a known key counts against its account");
  }

  @Test
  void theOriginAddressAndUserAgentListsRefuseAClientOffThemInThatOrder() {
    AccountStore.CreatedKey k = newKey();
    UUID account = k.key().getAccountId();
    Allowlists lists =
        Allowlists.of(
            List.of("https://app.example"),
            List.of("198.51.100.0/24"),
            List.of("MyApp"),
            null,
            null);
    store.restrictKey(k.key().getId(), lists, null, null, "test");
    String key = k.plaintext();
    String page = "https://app.example";

    Admission.Result ok = admit(keyed(key, page, ADDRESS, "MyApp/1.2", null));
    assertAdmitted(ok);
    assertEquals(lists, ok.caller().account().allowlists(), "its method lists apply per call");

    Object[][] refused = {
      {keyed(key, "https://evil.example", ADDRESS, "MyApp/1.2", null), "origin"},
      {keyed(key, null, ADDRESS, "MyApp/1.2", null), "origin"},
      {keyed(key, "https://evil.example", "192.0.2.1", "curl", null), "origin"},
      {keyed(key, page, "192.0.2.1", "MyApp/1.2", null), "client address"},
      {keyed(key, page, "192.0.2.1", "curl", null), "client address"},
      {keyed(key, page, ADDRESS, "curl/8", null), "User-Agent"},
      {keyed(key, page, ADDRESS, null, null), "User-Agent"},
    };
    for (Object[] c : refused) {
      Admission.Result r = admit((Caller) c[0]);
      assertRefused(
          r,
          RpcErrorCode.NOT_ALLOWLISTED,
          "refused by the API key's " + c[1] + " allowlist",
          "allowlist");
      assertEquals(403, r.refusal().status());
      assertEquals(account, r.caller().account().accountId());
    }
  }

  @Test
  void theRightSecretLiftsTheAllowlistsButNotTheNetworks() {
    AccountStore.CreatedKey k = newKey();
    String secret = ApiKeys.generateSecret();
    store.restrictKey(
        k.key().getId(),
        Allowlists.of(null, List.of("192.0.2.0/24"), null, List.of("eth_call"), null),
        null,
        secret,
        "test");
    String key = k.plaintext();

    assertRefused(
        admit(keyed(key)),
        RpcErrorCode.NOT_ALLOWLISTED,
        "refused by the API key's client address allowlist",
        "allowlist");
    Admission.Result lifted = admit(keyed(key, null, ADDRESS, null, secret));
    assertAdmitted(lifted);
    assertEquals(Allowlists.NONE, lifted.caller().account().allowlists());

    Admission.Result wrong = admit(keyed(key, null, "192.0.2.9", null, secret + "x"));
    assertRefused(
        wrong, RpcErrorCode.UNAUTHORIZED, "unauthorized: API key secret is wrong", "secret");
    assertEquals(401, wrong.refusal().status());
    assertEquals(k.key().getAccountId(), wrong.caller().account().accountId());

    store.updateAccount(
        k.key().getAccountId(), a -> a.setNetworks(List.of("base")), "test", "nets");
    assertRefused(
        admit(keyed(key, null, ADDRESS, null, secret)),
        RpcErrorCode.FORBIDDEN,
        "forbidden: this key's account may not call network 'mainnet'",
        "network");
  }

  @Test
  void aSecretIsWrongForAKeyWithoutOneAndRequiredWhereTheKeySaysSo() {
    AccountStore.CreatedKey plain = newKey();
    assertRefused(
        admit(keyed(plain.plaintext(), null, ADDRESS, null, ApiKeys.generateSecret())),
        RpcErrorCode.UNAUTHORIZED,
        "unauthorized: API key secret is wrong",
        "secret");

    AccountStore.CreatedKey strict = newKey();
    String secret = ApiKeys.generateSecret();
    store.restrictKey(strict.key().getId(), null, true, secret, "test");
    assertRefused(
        admit(keyed(strict.plaintext())),
        RpcErrorCode.UNAUTHORIZED,
        "unauthorized: this API key requires its secret",
        "secret");
    assertAdmitted(admit(keyed(strict.plaintext(), null, ADDRESS, null, secret)));
  }
}

package dev.rpcshield.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rpcshield.testing.InMemoryDatabase;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keys are made only for an account that exists, and only the keys used get a last-used time. */
class ApiKeyStoreTest {
  private static Database db;

  @BeforeAll
  static void open() {
    db = InMemoryDatabase.named("apikeystore");
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static ChangeLog changes() {
    return new ChangeLog(db, Clock.systemUTC(), () -> {});
  }

  @Test
  void aKeyForAnAccountThatDoesNotExistIsRefusedAndChangesNothing() {
    ChangeLog changes = changes();
    ApiKeyStore keys = new ApiKeyStore(db, Clock.systemUTC(), changes);
    long seq = changes.seq();
    UUID missing = UUID.randomUUID();
    assertThrows(IllegalArgumentException.class, () -> keys.createKey(missing, "k", "test"));
    assertEquals(seq, changes.seq());
    assertEquals(List.of(), keys.keysOf(missing));
  }

  @Test
  void onlyTheKeysTouchedGetTheirLastUse() {
    ChangeLog changes = changes();
    ApiKeyStore keys = new ApiKeyStore(db, Clock.systemUTC(), changes);
    UUID account =
        new AccountStore(db, Clock.systemUTC(), () -> {})
            .createAccount("touched", "free", "test")
            .getId();
    ApiKey used = keys.createKey(account, "used", "test").key();
    ApiKey idle = keys.createKey(account, "idle", "test").key();
    long seq = changes.seq();
    Instant at = Instant.parse("2026-06-01T12:00:00Z");
    keys.touchKeys(List.of(used.getId()), at);
    keys.touchKeys(List.of(), at);
    assertEquals(at, keys.keyByHash(used.getKeyHash()).orElseThrow().getLastUsedAt());
    assertNull(keys.keyByHash(idle.getKeyHash()).orElseThrow().getLastUsedAt());
    assertEquals(seq, changes.seq(), "a last use is not an admin change");
  }
}

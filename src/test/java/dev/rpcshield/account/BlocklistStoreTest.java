package dev.rpcshield.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.InMemoryDatabase;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A block is kept with its expiry and moves the counter; removing what is not there does not. */
class BlocklistStoreTest {
  private static Database db;

  @BeforeAll
  static void open() {
    db = InMemoryDatabase.named("blockliststore");
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void aBlockIsListedWithItsExpiryUntilRemoved() {
    ChangeLog changes = new ChangeLog(db, Clock.systemUTC(), () -> {});
    BlocklistStore blocklist = new BlocklistStore(db, Clock.systemUTC(), changes);
    long seq = changes.seq();
    Instant expires = Instant.parse("2026-07-01T00:00:00Z");
    BlockedAddress b = blocklist.block("192.0.2.0/24", "scan", expires, "test");
    assertEquals(seq + 1, changes.seq());
    BlockedAddress listed =
        blocklist.blocklist().stream()
            .filter(x -> x.getId().equals(b.getId()))
            .findFirst()
            .orElseThrow();
    assertEquals("192.0.2.0/24", listed.getCidr());
    assertEquals(expires, listed.getExpiresAt());
    assertTrue(blocklist.unblock(b.getId(), "test"));
    assertEquals(seq + 2, changes.seq());
    assertFalse(blocklist.blocklist().stream().anyMatch(x -> x.getId().equals(b.getId())));
  }

  @Test
  void removingABlockThatIsNotThereIsFalseAndMovesNoCounter() {
    ChangeLog changes = new ChangeLog(db, Clock.systemUTC(), () -> {});
    BlocklistStore blocklist = new BlocklistStore(db, Clock.systemUTC(), changes);
    long seq = changes.seq();
    assertFalse(blocklist.unblock(UUID.randomUUID(), "test"));
    assertEquals(seq, changes.seq());
  }
}

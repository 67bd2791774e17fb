package dev.rpcshield.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rpcshield.testing.InMemoryDatabase;
import dev.rpcshield.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An admin change is audited, moves the counter and tells this instance only once it commits. */
class ChangeLogTest {
  private static Database db;

  @BeforeAll
  static void open() {
    db = InMemoryDatabase.named("changelog");
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void aChangeThatFailsTellsNoOneAndLeavesNoTrace() {
    List<String> told = new ArrayList<>();
    ChangeLog log = new ChangeLog(db, Clock.systemUTC(), () -> told.add("told"));
    long seq = log.seq();
    int audited = log.recent(1000).size();
    assertThrows(
        IllegalStateException.class,
        () ->
            log.change(em -> {
              log.changed(em, "test", "doomed", null, null);
              throw new IllegalStateException("fails after its audit");
            }));
    assertEquals(List.of(), told, "a rolled back change is not announced");
    assertEquals(seq, log.seq(), "the counter stays");
    assertEquals(audited, log.recent(1000).size(), "the audit record is rolled back with it");
  }

  @Test
  void eachChangeMovesTheCounterOnceAndTheNewestAuditComesFirst() {
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
    List<Long> told = new ArrayList<>();
    ChangeLog reader = new ChangeLog(db, clock, () -> {});
    ChangeLog log = new ChangeLog(db, clock, () -> told.add(reader.seq()));
    long seq = log.seq();
    log.change(em -> {
      log.changed(em, "test", "first", null, "one");
      return null;
    });
    clock.advance(Duration.ofSeconds(1));
    log.change(em -> {
      log.changed(em, "test", "second", null, "two");
      return null;
    });
    assertEquals(List.of(seq + 1, seq + 2), told, "told after each commit, which others see");
    assertEquals(
        List.of("second", "first"),
        log.recent(2).stream().map(AuditRecord::getAction).toList(),
        "newest first, at most max");
  }
}

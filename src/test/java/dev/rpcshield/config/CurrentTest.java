package dev.rpcshield.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CurrentTest {
  private record Limits(int max) {}

  @Test
  void whatIsBuiltFromTheValueIsBuiltAgainOnlyWhenTheValueIsReplaced() {
    AtomicReference<Limits> config = new AtomicReference<>(new Limits(10));
    AtomicInteger builds = new AtomicInteger();
    Current<StringBuilder> parser =
        ((Current<Limits>) config::get)
            .map(l -> {
              builds.incrementAndGet();
              return new StringBuilder("max " + l.max());
            });

    StringBuilder first = parser.get();
    assertSame(first, parser.get(), "the same value gives the same built thing");
    assertEquals(1, builds.get());

    config.set(new Limits(10));
    StringBuilder second = parser.get();
    assertNotSame(first, second, "a replaced value, even an equal one, is built again");
    config.set(new Limits(20));
    assertEquals("max 20", parser.get().toString());
    assertEquals(3, builds.get());
  }

  @Test
  void aFixedValueNeverChanges() {
    Limits l = new Limits(1);
    assertSame(l, Current.of(l).get());
  }
}

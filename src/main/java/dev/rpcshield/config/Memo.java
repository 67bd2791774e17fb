package dev.rpcshield.config;

import java.util.function.Function;

/**
 * What a function builds from a configuration record (a parser from its limits, decoders from their
 * rules), built again only when it is given another record: the parts that build something from the
 * configuration build it once per generation, not once per request.
 */
public final class Memo<T, R> {
  private record Built<T, R>(T from, R value) {}

  private final Function<? super T, ? extends R> f;
  private volatile Built<T, R> last;

  public Memo(Function<? super T, ? extends R> f) {
    this.f = f;
  }

  /** What {@code f} builds from {@code from}; the same as last time when it is the same record. */
  public R apply(T from) {
    Built<T, R> b = last;
    if (b == null || b.from() != from) {
      b = new Built<>(from, f.apply(from));
      last = b;
    }
    return b.value();
  }
}

package dev.rpcshield.config;

import java.util.function.Function;

/** {@link Current#map}: remembers the last value built and the configuration it was built from. */
final class Derived<T, R> implements Current<R> {
  private record Built<T, R>(T from, R value) {}

  private final Current<T> source;
  private final Function<? super T, ? extends R> f;
  private volatile Built<T, R> last;

  Derived(Current<T> source, Function<? super T, ? extends R> f) {
    this.source = source;
    this.f = f;
  }

  @Override
  public R get() {
    T from = source.get();
    Built<T, R> b = last;
    if (b == null || b.from() != from) {
      b = new Built<>(from, f.apply(from));
      last = b;
    }
    return b.value();
  }
}

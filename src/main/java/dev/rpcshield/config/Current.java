package dev.rpcshield.config;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A part's configuration as it is now, for code that serves no request (watchers, schedulers, the
 * admin API, what is built once at start). The configuration can be replaced while the gateway
 * runs, so such code reads it where it uses it, never once at start. A request reads its own
 * configuration from the {@link Generation} it began under instead.
 */
@FunctionalInterface
public interface Current<T> extends Supplier<T> {

  /** A configuration that never changes (tests, and parts built from one fixed value). */
  static <T> Current<T> of(T fixed) {
    return () -> fixed;
  }

  /**
   * What {@code f} builds from the current value (a parser from its limits, a decoder from its
   * rules), built again only when the value is replaced.
   */
  default <R> Current<R> map(Function<? super T, ? extends R> f) {
    Memo<T, R> memo = new Memo<>(f);
    return () -> memo.apply(get());
  }
}

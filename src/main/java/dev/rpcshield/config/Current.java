package dev.rpcshield.config;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A part's configuration as it is now. The configuration can be replaced while the gateway runs, so
 * a part reads it where it uses it, never once at start; a thread serving a request sees the
 * configuration in effect when the request began (see {@link ConfigScope}).
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

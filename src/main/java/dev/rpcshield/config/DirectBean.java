package dev.rpcshield.config;

/**
 * An application-scoped bean that a caller holding it for the application's life reaches without
 * its CDI client proxy. A call through a Weld client proxy looks the instance up and reads and
 * writes a ThreadLocal (its interception stack); on the request path that came to 6 % of an HTTP
 * request's samples and 8 % of a WebSocket message's (bench/results/2026-12-06-profile-dg.md). A
 * stage takes its collaborators through {@link #of} once, when it is wired: an application-scoped
 * instance never changes, and a bean reached this way is still the one instance of the application,
 * created, intercepted and destroyed by CDI as before.
 *
 * <p>A class, not an interface, because Weld's proxies forward the methods of a bean's classes and
 * not an interface's default methods; and the instance comes back in an array, because a proxy
 * hands back itself for a method whose answer is its target.
 */
public abstract class DirectBean {
  /** The bean instance behind the reference this is called on, as the one element. */
  public Object[] instance() {
    return new Object[] {this};
  }

  /** {@code bean}'s instance rather than its client proxy; {@code bean} itself when not proxied. */
  @SuppressWarnings("unchecked")
  public static <T extends DirectBean> T of(T bean) {
    return bean == null ? null : (T) bean.instance()[0];
  }
}

package dev.rpcshield.limit;

import dev.rpcshield.config.Current;
import dev.rpcshield.config.DirectBean;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;

/**
 * The one access point to the Redis every instance shares ({@code rpcshield.redis.url}): the
 * limiter store, connection leases and cluster-wide ratewatch all go through {@link #call}, whose
 * MicroProfile Fault Tolerance policies keep a slow or dead Redis from taking the gateway with it:
 * a 1 s timeout (the connection's own {@code rpcshield.redis.timeout} comes first), a bulkhead of
 * 64 concurrent calls, one circuit breaker (open once half of the last 4 calls failed, for 1 s,
 * then one trial call), and a fallback to this instance's own state. Liberty publishes their {@code
 * ft_*} metrics; MicroProfile Fault Tolerance's own keys tune them (e.g. {@code
 * dev.rpcshield.limit.SharedRedis/call/Bulkhead/value=128}).
 */
@ApplicationScoped
public class SharedRedis extends DirectBean {
  private static final Logger LOG = Logger.getLogger(SharedRedis.class.getName());

  /** Whether the last decision came from Redis or from this instance's fallback. */
  public enum Mode {
    SHARED,
    LOCAL_FALLBACK
  }

  @Inject Current<LimitsConfig> config;
  @Inject Clock clock;

  private RedisLimiterStore store;
  private final AtomicLong fallbacks = new AtomicLong();
  private volatile Mode mode = Mode.SHARED;
  private volatile String lastError = "";
  private volatile Instant since;

  @PostConstruct
  void init() {
    since = clock.instant();
    LimitsConfig.RedisConfig r = config.get().redis();
    if (r == null) {
      return;
    }
    store = new RedisLimiterStore(new RedisConnection(r.endpoint(), r.timeout(), r.poolSize()));
    try {
      store.warmUp();
    } catch (RuntimeException e) {
      LOG.warning("Redis not reachable at start; limiting locally until it is: " + e);
    }
  }

  @PreDestroy
  void close() {
    if (store != null) {
      store.close();
    }
  }

  /** Whether a Redis is configured at all. */
  public boolean configured() {
    return store != null;
  }

  /** The limiter script's store on the shared pool; null without Redis. */
  public RedisLimiterStore limiterStore() {
    return store;
  }

  /** The shared connection; null without Redis. */
  public RedisConnection connection() {
    return store == null ? null : store.connection();
  }

  /**
   * Runs {@code work} against Redis under the fault-tolerance policies; when it fails, times out,
   * finds the bulkhead full or the breaker open, returns {@code local} instead (which may throw,
   * for work that has no local answer). Untyped because Fault Tolerance matches the fallback method
   * by its exact signature: callers cast to what their two suppliers return.
   */
  @Timeout(value = 1, unit = ChronoUnit.SECONDS)
  @Bulkhead(64)
  @CircuitBreaker(
      requestVolumeThreshold = 4,
      failureRatio = 0.5,
      delay = 1,
      delayUnit = ChronoUnit.SECONDS,
      successThreshold = 1,
      skipOn = BulkheadException.class)
  @Fallback(fallbackMethod = "locally")
  public Object call(Supplier<?> work, Supplier<?> local) {
    Object result;
    try {
      result = work.get();
    } catch (RuntimeException e) {
      lastError = e.getClass().getSimpleName();
      throw e;
    }
    if (mode != Mode.SHARED) {
      mode = Mode.SHARED;
      since = clock.instant();
      LOG.info("Redis answers again: limits are shared");
    }
    return result;
  }

  Object locally(Supplier<?> work, Supplier<?> local) {
    Object result = local.get();
    fallbacks.incrementAndGet();
    if (mode != Mode.LOCAL_FALLBACK) {
      mode = Mode.LOCAL_FALLBACK;
      since = clock.instant();
      LOG.warning("Redis cannot be used (" + lastError + "): limiting on local state");
    }
    return result;
  }

  /** Decisions made locally because Redis could not be used, since start. */
  public long fallbacks() {
    return fallbacks.get();
  }

  public Mode mode() {
    return mode;
  }

  /** The last Redis error's type, empty when there was none. */
  public String lastError() {
    return lastError;
  }

  /** When the mode last changed. */
  public Instant since() {
    return since;
  }
}

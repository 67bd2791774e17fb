package dev.rpcshield.account;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * The account database's calls that the request path and the background work depend on, guarded by
 * MicroProfile Fault Tolerance: a key lookup on a cache miss waits at most 2 s (a slow database
 * cannot hold a request thread longer); the usage flush is retried twice with jittered backoff
 * before it waits for the next interval (the usage it counted stays pending meanwhile).
 */
@ApplicationScoped
public class DatabaseCalls {
  /** How long a key lookup waits, in seconds; its statements are bounded to it too. */
  static final int LOOKUP_SECONDS = 2;

  /** A key lookup that missed the cache. */
  @Timeout(value = LOOKUP_SECONDS, unit = ChronoUnit.SECONDS)
  public <T> T lookup(Supplier<T> load) {
    return load.get();
  }

  /** A periodic write (usage, last-used times). */
  @Retry(maxRetries = 2, delay = 500, jitter = 250)
  public void write(Runnable flush) {
    flush.run();
  }
}

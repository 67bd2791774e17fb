package dev.rpcshield.account;

import com.zaxxer.hikari.HikariDataSource;
import dev.rpcshield.config.Current;
import dev.rpcshield.config.DirectBean;
import dev.rpcshield.ratewatch.HighRateFlags;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The account side of this instance: the database (its own connection pool, opened with the
 * settings read at start), the store, the key directory and the usage meter, and the background
 * work that keeps them current: change polling every 500 ms, usage and last-used flushes every
 * {@code rpcshield.usage.flush-interval}. The poll has a thread and a connection of its own, so
 * neither a flush nor key lookups that wait on a slow database ever delay it; a key lookup's
 * statements are bounded to its 2 s, so a slow database gives the connections back.
 */
@ApplicationScoped
public class Accounts extends DirectBean {
  private static final Logger LOG = Logger.getLogger(Accounts.class.getName());

  @Inject Current<AccountsConfig> config;
  @Inject Clock clock;
  @Inject DatabaseCalls calls;

  private HikariDataSource pool;
  private HikariDataSource changesPool;
  private Database database;
  private AccountStore store;
  private KeyDirectory directory;
  private UsageMeter usage;
  private ScheduledExecutorService changes;
  private ScheduledExecutorService background;
  private volatile boolean databaseUp = true;

  @PostConstruct
  void start() {
    // The database, the key cache's size and the flush interval need a restart
    // (docs/configuration.md); the tiers are live.
    AccountsConfig started = config.get();
    try {
      pool = ConnectionPool.open(started.database());
      changesPool = ConnectionPool.openForChanges(started.database());
      database = new Database(pool);
      store = new AccountStore(database, clock, this::changeCommitted);
      directory =
          new KeyDirectory(
              new AccountStore(
                  database.bounded(Duration.ofSeconds(DatabaseCalls.LOOKUP_SECONDS)),
                  clock,
                  this::changeCommitted),
              new AccountStore(database.over(changesPool), clock, this::changeCommitted),
              this::tiers,
              clock,
              started.keysCacheSize(),
              this::lookup);
      usage = new UsageMeter(store, clock);
      Duration flush = started.usageFlushInterval();
      changes =
          Executors.newSingleThreadScheduledExecutor(
              r -> Thread.ofPlatform().daemon().name("rpcshield-account-changes").unstarted(r));
      changes.scheduleWithFixedDelay(this::pollChanges, 500, 500, TimeUnit.MILLISECONDS);
      background =
          Executors.newSingleThreadScheduledExecutor(
              r -> Thread.ofPlatform().daemon().name("rpcshield-accounts").unstarted(r));
      background.scheduleWithFixedDelay(
          quietly(
              "usage flush",
              () ->
                  calls.write(() -> {
                    usage.flush();
                    directory.flushLastUsed();
                  })),
          flush.toMillis(),
          flush.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RuntimeException | Error e) {
      closeStarted();
      throw e;
    }
  }

  /**
   * The change poll, which also tells whether the database answers: a failure is logged once when
   * the database goes away and once when it is back, not every 500 ms.
   */
  private void pollChanges() {
    try {
      directory.refreshIfChanged();
      if (!databaseUp) {
        databaseUp = true;
        LOG.info("the account database answers again");
      }
    } catch (RuntimeException e) {
      if (databaseUp) {
        databaseUp = false;
        LOG.log(
            Level.WARNING,
            "the account database does not answer; cached keys are still served",
            e instanceof DatabaseUnavailableException ? null : e);
      }
    }
  }

  /** An admin change on this instance committed: its next request with a key sees it. */
  private void changeCommitted() {
    directory.invalidate();
  }

  /**
   * A key lookup that missed the cache. While the change poll finds the database down, it is not
   * asked at all: the caller gets 503 at once, and an outage does not cost a connection attempt
   * (and the connection manager's error line) per request with an uncached key.
   */
  private <T> T lookup(Supplier<T> load) {
    if (!databaseUp) {
      throw new DatabaseUnavailableException(null);
    }
    return calls.lookup(load);
  }

  private static Runnable quietly(String what, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, what + " failed; will retry", e);
      }
    };
  }

  @PreDestroy
  void stop() {
    changes.shutdownNow();
    background.shutdownNow();
    try {
      usage.flush();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "final usage flush failed", e);
    }
    closeStarted();
  }

  /**
   * Stops and closes whatever {@link #start()} has opened so far, so a start that fails part way
   * (CDI may try again) leaves no pool, connection or thread behind.
   */
  private void closeStarted() {
    if (changes != null) {
      changes.shutdownNow();
    }
    if (background != null) {
      background.shutdownNow();
    }
    if (database != null) {
      database.close();
    }
    if (changesPool != null) {
      changesPool.close();
    }
    if (pool != null) {
      pool.close();
    }
  }

  /** Ratewatch stamps high-rate flags in this database. */
  @Produces
  HighRateFlags highRateFlags() {
    return account -> store.flagHighRate(account);
  }

  public AccountStore store() {
    return store;
  }

  public Tiers tiers() {
    return config.get().tiers();
  }

  public KeyDirectory directory() {
    return directory;
  }

  public UsageMeter usage() {
    return usage;
  }

  /** Whether the database answered the last change poll (at most 500 ms ago, or it is slow). */
  public boolean reachable() {
    return databaseUp;
  }
}

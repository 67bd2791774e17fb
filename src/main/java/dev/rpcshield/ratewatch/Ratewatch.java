package dev.rpcshield.ratewatch;

import dev.rpcshield.account.Accounts;
import dev.rpcshield.config.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Where refusals go: the episode window (what operators look at) and, for accounts, the
 * conservative auto-flag: {@code rpcshield.ratewatch.flag-threshold} refusals within
 * {@code rpcshield.ratewatch.flag-window} stamp the account's high-rate flag once; only an
 * operator clears it; nothing is ever banned automatically. Counts are per instance.
 */
@ApplicationScoped
public class Ratewatch {
  private static final Logger LOG = Logger.getLogger(Ratewatch.class.getName());

  @Inject Accounts accounts;

  private final Clock clock = Clock.systemUTC();
  private final AtomicLong flagsRaised = new AtomicLong();
  private EpisodeWindow window;
  private FlagCounter flags;

  @PostConstruct
  void init() {
    Settings s = new Settings(ConfigProvider.getConfig());
    window =
        new EpisodeWindow(
            clock,
            s.integer("rpcshield.ratewatch.max-series", 200),
            s.duration("rpcshield.ratewatch.retention", Duration.ofHours(1)));
    flags =
        new FlagCounter(
            clock,
            s.longValue("rpcshield.ratewatch.flag-threshold", 1000),
            s.duration("rpcshield.ratewatch.flag-window", Duration.ofMinutes(10)));
  }

  /** One refusal of a caller: an account (class user) or an address (class ip or sender). */
  public void refused(String refusalClass, String key, UUID account) {
    window.record(refusalClass, key);
    if (account != null && flags.refused(account.toString()) && accounts.store().flagHighRate(account)) {
      flagsRaised.incrementAndGet();
      LOG.warning(() -> "account " + account + " flagged for a high refusal rate (review it)");
    }
  }

  public List<Episode> episodes() {
    return window.episodes();
  }

  /** Flags this instance raised since start. */
  public long flagsRaised() {
    return flagsRaised.get();
  }
}

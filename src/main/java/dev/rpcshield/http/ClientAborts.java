package dev.rpcshield.http;

import dev.rpcshield.config.DirectBean;
import dev.rpcshield.telemetry.MetricNames;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * Clients that hang up before their body has arrived, or let the read deadline pass while sending
 * it: normal on mobile networks and cheap for an attacker, so never a stack trace. Each is counted
 * ({@code rpcshield_client_aborts_total}) and at most one line a minute is logged, with the count
 * since the last one.
 */
@ApplicationScoped
public class ClientAborts extends DirectBean {
  private static final Logger LOG = Logger.getLogger(ClientAborts.class.getName());
  private static final Duration LOG_EVERY = Duration.ofMinutes(1);

  @Inject MetricRegistry registry;
  @Inject Clock clock;

  private Counter counter;
  private final AtomicLong sinceLogged = new AtomicLong();
  private final AtomicReference<Instant> nextLog = new AtomicReference<>(Instant.MIN);

  @PostConstruct
  void init() {
    counter = registry.counter(MetricNames.metadata(MetricNames.CLIENT_ABORTS));
  }

  /** One request whose body could not be read to its end in time. */
  public void aborted() {
    counter.inc();
    sinceLogged.incrementAndGet();
    Instant now = clock.instant();
    Instant due = nextLog.get();
    if (!now.isBefore(due) && nextLog.compareAndSet(due, now.plus(LOG_EVERY))) {
      long n = sinceLogged.getAndSet(0);
      LOG.info(() -> n + " client(s) hung up or were too slow before their request body arrived");
    }
  }
}

package dev.rpcshield.ops;

import dev.rpcshield.account.Accounts;
import dev.rpcshield.config.DirectBean;
import dev.rpcshield.limit.Limits;
import dev.rpcshield.ratewatch.Ratewatch;
import dev.rpcshield.telemetry.TrafficSampler;
import dev.rpcshield.upstream.Network;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.Upstreams;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * At application start: reads and validates the configuration, builds the upstreams, limits and
 * accounts (so a bad configuration or an unreachable database fails the start, not the first
 * request), registers metrics and JMX beans; unregisters them at stop.
 */
@ApplicationScoped
public class OpsStartup {
  private static final Logger LOG = Logger.getLogger(OpsStartup.class.getName());

  @Inject Upstreams upstreams;
  @Inject Configuration configuration;
  @Inject Gauges gauges;
  @Inject UpstreamMetrics upstreamMetrics;
  @Inject Limits limits;
  @Inject Accounts accounts;
  @Inject Ratewatch ratewatch;
  @Inject ConfigReloader reloader;
  @Inject TrafficSampler traffic;

  private final List<ObjectName> registered = new CopyOnWriteArrayList<>();
  private volatile boolean started;

  void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
    configuration.snapshot();
    gauges.watch(ratewatch);
    if (limits.shared() != null) {
      gauges.watch(limits.shared());
    }
    accounts.store();
    gauges.watch(accounts);
    UpstreamMetrics meter = DirectBean.of(upstreamMetrics);
    for (Network n : upstreams.networks()) {
      n.meter(meter);
      gauges.watch(n);
      for (Upstream u : n.upstreams()) {
        watch(u, n);
      }
    }
    register("dev.rpcshield:type=Limiter", new LimiterState(limits));
    register("dev.rpcshield:type=Ratewatch", new RatewatchState(ratewatch));
    register("dev.rpcshield:type=Configuration", new ConfigurationState(reloader));
    reloader.start();
    traffic.start(meter::totals);
    started = true;
  }

  /** An upstream's JMX bean and gauges: at start, and for one a reload adds. */
  void watch(Upstream u, Network n) {
    gauges.watch(u, n);
    register(upstreamName(u), new UpstreamControl(u, n.name()));
  }

  /** Takes away the JMX bean and gauges of an upstream a reload removed. */
  void unwatch(Upstream u, Network n) {
    gauges.unwatch(u, n);
    try {
      ObjectName name = new ObjectName(upstreamName(u));
      registered.remove(name);
      unregister(name);
    } catch (JMException e) {
      LOG.log(Level.FINE, "unregister " + upstreamName(u), e);
    }
  }

  private static String upstreamName(Upstream u) {
    return "dev.rpcshield:type=Upstream,name=" + u.name();
  }

  private void register(String objectName, Object bean) {
    try {
      ObjectName name = new ObjectName(objectName);
      unregister(name);
      ManagementFactory.getPlatformMBeanServer().registerMBean(bean, name);
      registered.add(name);
    } catch (JMException e) {
      LOG.log(Level.WARNING, "cannot register JMX bean " + objectName, e);
    }
  }

  /** Whether start-up work is done (the startup health check). */
  public boolean started() {
    return started;
  }

  @PreDestroy
  void stop() {
    registered.forEach(this::unregister);
  }

  private void unregister(ObjectName name) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try {
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
    } catch (JMException e) {
      LOG.log(Level.FINE, "unregister " + name, e);
    }
  }
}

package dev.rpcshield.ops;

import dev.rpcshield.account.Accounts;
import dev.rpcshield.limit.Limits;
import dev.rpcshield.ratewatch.Ratewatch;
import dev.rpcshield.upstream.Network;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.Upstreams;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
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
  @Inject Limits limits;
  @Inject Accounts accounts;
  @Inject Ratewatch ratewatch;

  private final List<ObjectName> registered = new ArrayList<>();
  private volatile boolean started;

  void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
    configuration.snapshot();
    gauges.watch(upstreams);
    gauges.watch(ratewatch);
    if (limits.shared() != null) {
      gauges.watch(limits.shared());
    }
    accounts.store();
    for (Network n : upstreams.networks()) {
      for (Upstream u : n.upstreams()) {
        register("dev.rpcshield:type=Upstream,name=" + u.name(), new UpstreamControl(u, n.name()));
      }
    }
    register("dev.rpcshield:type=Limiter", new LimiterState(limits));
    register("dev.rpcshield:type=Ratewatch", new RatewatchState(ratewatch));
    started = true;
  }

  private void register(String objectName, Object bean) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try {
      ObjectName name = new ObjectName(objectName);
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
      server.registerMBean(bean, name);
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
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    for (ObjectName name : registered) {
      try {
        server.unregisterMBean(name);
      } catch (JMException e) {
        LOG.log(Level.FINE, "unregister " + name, e);
      }
    }
  }
}

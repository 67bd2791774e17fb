package dev.rpcshield.it;

import java.net.URI;

/**
 * The upstream side of the integration tests, started once per test JVM on the ports the test
 * server's configuration names (pom.xml, create-test-server): anvil A behind two fault-injecting
 * proxies p1 and p2 (the default group), and anvil B with chain id 31338 alone in group "second"
 * (net_version); anvil C, a separate chain with A's chain id, for the head-tracking tests.
 */
public final class TestNet {
  public static final long CHAIN_ID = 31337;
  private static TestNet instance;

  public final Anvil anvilA = new Anvil(18601, CHAIN_ID);
  public final Anvil anvilB = new Anvil(18602, 31338);

  /** A second chain with A's chain id, for head tracking: p2 is pointed at it when needed. */
  public final Anvil anvilC = new Anvil(18603, CHAIN_ID);

  /**
   * The first WebSocket upstream (w1): a relay of anvil A's WebSocket, cut by failover tests; anvil
   * A itself is the second (w2). Both are the chain the HTTP upstreams serve.
   */
  final TcpProxy webSocketRelay;

  public final ChaosProxy p1;
  public final ChaosProxy p2;

  private TestNet() {
    anvilA.start();
    anvilB.start();
    anvilC.start();
    p1 = new ChaosProxy("p1", 18611, URI.create(anvilA.url()));
    p2 = new ChaosProxy("p2", 18612, URI.create(anvilA.url()));
    webSocketRelay = new TcpProxy(18604, anvilA.port());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> {
              p1.close();
              p2.close();
              anvilA.close();
              anvilB.close();
              anvilC.close();
              webSocketRelay.close();
            }));
  }

  public static synchronized TestNet get() {
    if (instance == null) {
      instance = new TestNet();
    }
    return instance;
  }

  /** Puts both proxies back to plain forwarding and forgets what they saw. */
  public void heal() {
    p2.retarget(URI.create(anvilA.url()));
    p1.mode(ChaosProxy.Mode.FORWARD);
    p2.mode(ChaosProxy.Mode.FORWARD);
    p1.reset();
    p2.reset();
  }
}

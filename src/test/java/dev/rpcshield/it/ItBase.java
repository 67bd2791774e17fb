package dev.rpcshield.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every test of the gateway Arquillian runs shares: the WAR deployed to the test server, the
 * test net, a client, and healthy proxies before each test (a subclass's own {@code @BeforeEach}
 * runs after this one).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
abstract class ItBase {
  final TestNet net = TestNet.get();
  final Gateway gateway = new Gateway();

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.gateway();
  }

  @BeforeEach
  void heal() {
    net.heal();
  }
}

package dev.rpcshield.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * A Redis Cluster of three masters (ports 17001-17003) and a Sentinel (port 26379) watching the
 * machine's Redis at 127.0.0.1:6379 as master {@code rpcshield}, started by the tests themselves
 * from {@code redis-server} on loopback, once per test JVM, and stopped when it exits.
 */
public final class RedisTopologies {
  public static final int[] CLUSTER_PORTS = {17001, 17002, 17003};
  public static final int SENTINEL_PORT = 26379;
  private static boolean started;

  private RedisTopologies() {}

  /**
   * Starts both (once); returns when the cluster's slots are all served and the sentinel answers.
   */
  public static synchronized void start() {
    if (started) {
      return;
    }
    try {
      Path dir = Files.createTempDirectory("rpcshield-redis");
      List<Process> processes = new ArrayList<>();
      List<String> create =
          new ArrayList<>(List.of("redis-cli", "--cluster", "create", "--cluster-replicas", "0"));
      for (int port : CLUSTER_PORTS) {
        processes.add(
            run(
                dir,
                "redis-server",
                "--port",
                String.valueOf(port),
                "--bind",
                "127.0.0.1",
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                dir.resolve("nodes-" + port + ".conf").toString(),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString()));
        create.add("127.0.0.1:" + port);
      }
      Path sentinel = dir.resolve("sentinel.conf");
      Files.writeString(
          sentinel,
          "port "
              + SENTINEL_PORT
              + "\nbind 127.0.0.1\nsentinel monitor rpcshield 127.0.0.1 6379 1\n");
      processes.add(run(dir, "redis-server", sentinel.toString(), "--sentinel"));
      Runtime.getRuntime().addShutdownHook(new Thread(() -> processes.forEach(Process::destroy)));
      for (int port : CLUSTER_PORTS) {
        Eventually.within(Duration.ofSeconds(10), "cluster node " + port + " answers")
            .ignoreExceptions()
            .until(() -> {
              try (Jedis j = new Jedis("127.0.0.1", port)) {
                return "PONG".equals(j.ping());
              }
            });
      }
      create.add("--cluster-yes");
      Process created = run(dir, create.toArray(String[]::new));
      if (created.waitFor() != 0) {
        throw new IllegalStateException("redis-cli --cluster create failed; see " + dir);
      }
      Eventually.within(Duration.ofSeconds(20), "the cluster serves every slot")
          .ignoreExceptions()
          .until(() -> {
            try (Jedis j = new Jedis("127.0.0.1", CLUSTER_PORTS[0])) {
              return j.clusterInfo().contains("cluster_state:ok");
            }
          });
      Eventually.within(Duration.ofSeconds(10), "the sentinel knows its master")
          .ignoreExceptions()
          .until(() -> {
            try (Jedis j = new Jedis("127.0.0.1", SENTINEL_PORT)) {
              return j.sentinelGetMasterAddrByName("rpcshield").get(1).equals("6379");
            }
          });
      started = true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Process run(Path dir, String... command) throws IOException {
    return new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(command[0] + "-" + System.nanoTime() + ".log").toFile())
        .start();
  }
}

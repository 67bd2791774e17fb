package dev.rpcshield.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * When a gateway under test does not answer in time, what its threads were doing: the stacks that
 * hold RpcShield frames, from {@code jcmd Thread.print} of the Liberty server listening on the
 * port, written to target/ and summarised for the failure message.
 */
final class ThreadDumps {
  private ThreadDumps() {}

  static String of(int port) {
    String server = LibertyServer.nameOn(port);
    try {
      Process pgrep =
          new ProcessBuilder("pgrep", "-f", "ws-server.jar " + server + "$|" + server + " ")
              .start();
      String pids =
          new String(pgrep.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (pids.isEmpty()) {
        return "no process of server " + server + " found";
      }
      String pid = pids.split("\\s+")[0];
      Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
      Process p =
          new ProcessBuilder(jcmd.toString(), pid, "Thread.print")
              .redirectErrorStream(true)
              .start();
      String dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(20, TimeUnit.SECONDS);
      Path file =
          Path.of("target", "threads-" + server + "-" + System.currentTimeMillis() + ".txt");
      Files.writeString(file, dump);
      List<String> ours = new ArrayList<>();
      for (String thread : dump.split("\n\n")) {
        if (thread.contains("dev.rpcshield")) {
          ours.add(thread.lines().limit(14).reduce((a, b) -> a + "\n" + b).orElse(""));
        }
      }
      return "threads of "
          + server
          + " (pid "
          + pid
          + ", whole dump in "
          + file
          + "):\n"
          + String.join("\n\n", ours.subList(0, Math.min(ours.size(), 8)));
    } catch (IOException | InterruptedException | RuntimeException e) {
      return "no thread dump: " + e;
    }
  }
}

package dev.rpcshield.limit;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the shared Redis is, from {@code rpcshield.redis.url}: one node ({@code
 * redis://[user:pass@]host:port[/db]}), a Sentinel-watched master ({@code
 * redis-sentinel://[user:pass@]host:port,host:port/<master>[/db]}: the sentinels' addresses, the
 * credentials and database of the master), or a Cluster ({@code
 * redis-cluster://[user:pass@]host:port,host:port}: any of its nodes as seeds).
 *
 * @param nodes {@code host:port} of the node, the sentinels or the cluster seeds
 * @param master the master's name under Sentinel, else null
 * @param user null for none (or the default user)
 * @param password null for none
 */
public record RedisEndpoint(
    Kind kind, List<String> nodes, String master, String user, String password, int database) {

  /** How the gateway finds the node to talk to. */
  public enum Kind {
    SINGLE,
    SENTINEL,
    CLUSTER
  }

  private static final Pattern URL =
      Pattern.compile("(redis|redis-sentinel|redis-cluster)://(?:([^@/]*)@)?([^/]+)(?:/(.*))?");
  private static final Pattern NODE =
      Pattern.compile("[A-Za-z0-9.\\-]+(:\\d{1,5})?|\\[[0-9a-fA-F:]+\\](:\\d{1,5})?");

  public RedisEndpoint {
    nodes = List.copyOf(nodes);
  }

  /** Reads a URL of one of the three forms; the message says which part is wrong. */
  public static RedisEndpoint parse(String url) {
    Matcher m = URL.matcher(url.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "redis://host:port, redis-sentinel://host:port,…/master or redis-cluster://host:port,…");
    }
    Kind kind =
        switch (m.group(1)) {
          case "redis-sentinel" -> Kind.SENTINEL;
          case "redis-cluster" -> Kind.CLUSTER;
          default -> Kind.SINGLE;
        };
    List<String> nodes = new ArrayList<>();
    for (String n : m.group(3).split(",")) {
      if (!NODE.matcher(n).matches()) {
        throw new IllegalArgumentException("host:port for each node");
      }
      nodes.add(n.contains(":") && !n.endsWith("]") ? n : n + ":" + defaultPort(kind));
    }
    if (kind == Kind.SINGLE && nodes.size() > 1) {
      throw new IllegalArgumentException(
          "one host for redis://; redis-sentinel:// or redis-cluster:// for several");
    }
    String path = m.group(4) == null ? "" : m.group(4);
    String master = null;
    if (kind == Kind.SENTINEL) {
      int slash = path.indexOf('/');
      master = slash < 0 ? path : path.substring(0, slash);
      path = slash < 0 ? "" : path.substring(slash + 1);
      if (master.isEmpty()) {
        throw new IllegalArgumentException("redis-sentinel://host:port,…/<master name>");
      }
    }
    int database = 0;
    if (!path.isEmpty()) {
      if (kind == Kind.CLUSTER || !path.matches("\\d{1,2}")) {
        throw new IllegalArgumentException(
            kind == Kind.CLUSTER ? "no database number with a cluster" : "a database number");
      }
      database = Integer.parseInt(path);
    }
    String user = null;
    String password = null;
    if (m.group(2) != null && !m.group(2).isEmpty()) {
      String info = URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
      int colon = info.indexOf(':');
      if (colon < 0) {
        password = info;
      } else {
        user = colon == 0 ? null : info.substring(0, colon);
        password = info.substring(colon + 1);
      }
    }
    return new RedisEndpoint(kind, nodes, master, user, password, database);
  }

  private static int defaultPort(Kind kind) {
    return kind == Kind.SENTINEL ? 26379 : 6379;
  }

  /** The URL without its credentials, for logs and health detail. */
  @Override
  public String toString() {
    String scheme =
        switch (kind) {
          case SINGLE -> "redis";
          case SENTINEL -> "redis-sentinel";
          case CLUSTER -> "redis-cluster";
        };
    return scheme
        + "://"
        + String.join(",", nodes)
        + (master == null ? "" : "/" + master)
        + (database == 0 ? "" : "/" + database);
  }
}

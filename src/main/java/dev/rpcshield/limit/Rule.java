package dev.rpcshield.limit;

/**
 * One limit a request is charged against.
 *
 * @param name what the caller calls it in refusals and headers ({@code rps}, {@code cu}, {@code
 *     monthly}, {@code method:eth_getLogs}, {@code sender})
 * @param key the store key, unique per identity and rule (never a plaintext API key)
 * @param kind a token bucket, or a counter that resets at a fixed time
 * @param capacity bucket size (burst) or counter limit
 * @param refillPerSecond tokens added per second (buckets only)
 * @param cost tokens or units this request takes; 0 always passes
 * @param resetEpochSecond when a counter starts over (counters only)
 */
public record Rule(
    String name,
    String key,
    Kind kind,
    long capacity,
    double refillPerSecond,
    long cost,
    long resetEpochSecond) {

  /** Rule kinds. */
  public enum Kind {
    BUCKET,
    COUNTER
  }

  public static Rule bucket(String name, String key, long capacity, double perSecond, long cost) {
    return new Rule(name, key, Kind.BUCKET, capacity, perSecond, cost, 0);
  }

  public static Rule counter(
      String name, String key, long limit, long cost, long resetEpochSecond) {
    return new Rule(name, key, Kind.COUNTER, limit, 0, cost, resetEpochSecond);
  }
}

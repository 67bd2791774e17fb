package dev.rpcshield.limit;

/**
 * One limit a request is charged against: a token bucket.
 *
 * @param name what the caller calls it in refusals and headers ({@code rps}, {@code cu}, {@code
 *     method:eth_getLogs}, {@code sender})
 * @param key the store key, unique per identity and rule (never a plaintext API key)
 * @param capacity bucket size (burst)
 * @param refillPerSecond tokens added per second
 * @param cost tokens this request takes; 0 always passes
 */
public record Rule(String name, String key, long capacity, double refillPerSecond, long cost) {

  public static Rule bucket(String name, String key, long capacity, double perSecond, long cost) {
    return new Rule(name, key, capacity, perSecond, cost);
  }
}

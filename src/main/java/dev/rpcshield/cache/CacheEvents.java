package dev.rpcshield.cache;

/** What the cache tells the metrics, per network and method. */
public interface CacheEvents {
  void hit(String network, String method);

  void miss(String network, String method);

  void stored(String network, String method, int bytes);

  void evicted(String network, String method);

  /** A store call failed: the lookup was a miss, or the result was not kept. */
  void storeError(String network, String method);

  /** Events nobody counts, for tests. */
  CacheEvents NONE =
      new CacheEvents() {
        @Override
        public void hit(String network, String method) {}

        @Override
        public void miss(String network, String method) {}

        @Override
        public void stored(String network, String method, int bytes) {}

        @Override
        public void evicted(String network, String method) {}

        @Override
        public void storeError(String network, String method) {}
      };
}

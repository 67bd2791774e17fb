package dev.rpcshield.cache;

class InMemoryCacheStoreTest extends CacheStoreContract {
  private final InMemoryCacheStore store = new InMemoryCacheStore(1 << 20, key -> {});

  @Override
  CacheStore store() {
    return store;
  }
}

package dev.rpcshield.config;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One configuration as requests are served under it: its number (1 at start), when it was applied,
 * each area's record and what was built for it, each found by its type. A request takes one when it
 * begins and reads all of its configuration from it, never from its thread, so a reload meanwhile
 * changes nothing it sees on whichever thread its work goes on.
 */
public final class Generation {
  private final long version;
  private final Instant appliedAt;
  private final Map<Class<?>, Object> parts;

  private Generation(long version, Instant appliedAt, Map<Class<?>, Object> parts) {
    this.version = version;
    this.appliedAt = Objects.requireNonNull(appliedAt);
    this.parts = Map.copyOf(parts);
  }

  /** A generation without any part yet. */
  public static Generation numbered(long version, Instant appliedAt) {
    return new Generation(version, appliedAt, Map.of());
  }

  /** The same generation with {@code part} as its {@code type}, in place of any it had. */
  public <T> Generation with(Class<T> type, T part) {
    Map<Class<?>, Object> next = new HashMap<>(parts);
    next.put(type, Objects.requireNonNull(part, type.getSimpleName()));
    return new Generation(version, appliedAt, next);
  }

  public long version() {
    return version;
  }

  public Instant appliedAt() {
    return appliedAt;
  }

  /** Its part of type {@code type}; asking for one it was not given is a programming error. */
  public <T> T get(Class<T> type) {
    Object part = parts.get(type);
    if (part == null) {
      throw new IllegalStateException(
          "configuration " + version + " has no " + type.getSimpleName());
    }
    return type.cast(part);
  }
}

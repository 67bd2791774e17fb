package dev.rpcshield.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * A MicroProfile Config over a map of strings (one source), remembering every key that was asked
 * for; {@link #set} and {@link #remove} change it as an edited server.xml would.
 */
public final class MapConfig implements Config {
  private final Map<String, String> values;
  private final Set<String> asked = new TreeSet<>();

  public MapConfig(Map<String, String> values) {
    this.values = new LinkedHashMap<>(values);
  }

  public MapConfig set(String key, String value) {
    values.put(key, value);
    return this;
  }

  public MapConfig remove(String key) {
    values.remove(key);
    return this;
  }

  /** Every key read so far. */
  public Set<String> asked() {
    return asked;
  }

  @Override
  public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
    asked.add(name);
    if (type != String.class) {
      throw new UnsupportedOperationException("only strings");
    }
    return Optional.ofNullable(values.get(name)).map(type::cast);
  }

  @Override
  public <T> T getValue(String name, Class<T> type) {
    return getOptionalValue(name, type).orElseThrow(() -> new NoSuchElementException(name));
  }

  @Override
  public ConfigValue getConfigValue(String name) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Iterable<String> getPropertyNames() {
    return values.keySet();
  }

  @Override
  public Iterable<ConfigSource> getConfigSources() {
    return List.of(
        new ConfigSource() {
          @Override
          public Set<String> getPropertyNames() {
            return Set.copyOf(values.keySet());
          }

          @Override
          public String getValue(String name) {
            return values.get(name);
          }

          @Override
          public String getName() {
            return "map";
          }
        });
  }

  @Override
  public <T> Optional<Converter<T>> getConverter(Class<T> type) {
    return Optional.empty();
  }

  @Override
  public <T> T unwrap(Class<T> type) {
    throw new UnsupportedOperationException();
  }
}

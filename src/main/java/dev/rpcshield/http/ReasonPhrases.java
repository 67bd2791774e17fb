package dev.rpcshield.http;

import jakarta.servlet.http.HttpServletResponse;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.Optional;

/**
 * The standard reason phrase of a status the container's own table lacks. Liberty's table ends with
 * HTTP/1.1's codes of 1999 and writes 429 as "Undefined" (ethers shows "429 Undefined"); Servlet 6
 * has no way to set a phrase, so it is set through the public {@code setReason(String)} of
 * Liberty's response, where the response has one. Without it the status stands as it is.
 */
final class ReasonPhrases {
  private static final Map<Integer, String> MISSING = Map.of(429, "Too Many Requests");

  private static final ClassValue<Optional<MethodHandle>> SETTERS =
      new ClassValue<>() {
        @Override
        protected Optional<MethodHandle> computeValue(Class<?> type) {
          try {
            return Optional.of(
                MethodHandles.publicLookup()
                    .findVirtual(
                        type, "setReason", MethodType.methodType(void.class, String.class)));
          } catch (ReflectiveOperationException | SecurityException e) {
            return Optional.empty();
          }
        }
      };

  private ReasonPhrases() {}

  /** Sets {@code status}'s phrase on {@code resp} when the container would not write it. */
  static void set(HttpServletResponse resp, int status) {
    String phrase = MISSING.get(status);
    if (phrase == null) {
      return;
    }
    Optional<MethodHandle> setter = SETTERS.get(resp.getClass());
    if (setter.isPresent()) {
      try {
        setter.get().invoke(resp, phrase);
      } catch (Throwable e) {
        // the status goes out with the container's own phrase
      }
    }
  }
}

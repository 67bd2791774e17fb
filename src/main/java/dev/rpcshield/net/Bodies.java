package dev.rpcshield.net;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Reads a whole HTTP body into an array of its own size, never more than a limit plus one byte. */
public final class Bodies {
  private Bodies() {}

  /**
   * The body's bytes: an array of exactly the declared length when the sender declared one within
   * the limit (one allocation, no copy), else up to {@code limit + 1} bytes read in chunks, so a
   * result longer than {@code limit} tells the caller the body is too large.
   *
   * @param declared the Content-Length, or a negative number when there is none
   */
  public static byte[] read(InputStream in, long declared, int limit) throws IOException {
    if (declared < 0 || declared > limit) {
      return in.readNBytes(limit + 1);
    }
    byte[] body = new byte[(int) declared];
    int n = in.readNBytes(body, 0, body.length);
    return n == body.length ? body : Arrays.copyOf(body, n);
  }
}

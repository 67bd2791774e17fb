package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rpcshield.upstream.UpstreamTransport.UpstreamException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Whatever bytes an upstream sends, the answer reader completes, refuses with an {@link
 * UpstreamException} or waits for more, and never anything else; a completed body is within the
 * cap; and how the bytes are split across reads never changes the outcome.
 */
class Http1ResponseFuzzTest {
  private static final int CAP = 4096;

  /** What feeding a whole wire gave: a body, a failure kind, or "needs more". */
  private record Outcome(byte[] body, String failure, int left) {
    static Outcome of(Http1Response r, ByteBuffer in, boolean done) {
      return new Outcome(done ? r.body() : null, null, in.remaining());
    }
  }

  private static Outcome feed(byte[] wire, int[] cuts) {
    Http1Response r = new Http1Response(CAP);
    int from = 0;
    try {
      for (int cut : cuts) {
        ByteBuffer in = ByteBuffer.wrap(wire, from, cut - from);
        if (r.feed(in)) {
          return new Outcome(r.body(), null, wire.length - (cut - in.remaining()));
        }
        from = cut;
      }
      ByteBuffer in = ByteBuffer.wrap(wire, from, wire.length - from);
      boolean done = r.feed(in);
      return Outcome.of(r, in, done);
    } catch (UpstreamException e) {
      return new Outcome(null, e.failure().kind().name(), -1);
    }
  }

  @FuzzTest(maxDuration = "10s", maxExecutions = 200_000)
  void anyBytesInAnySplitGiveTheSameOutcome(FuzzedDataProvider data) {
    int pieces = data.consumeInt(0, 8);
    int[] cuts = new int[pieces];
    byte[] wire;
    for (int i = 0; i < pieces; i++) {
      cuts[i] = data.consumeInt(0, 1 << 16);
    }
    wire = data.consumeRemainingAsBytes();
    for (int i = 0; i < pieces; i++) {
      cuts[i] = wire.length == 0 ? 0 : cuts[i] % (wire.length + 1);
    }
    Arrays.sort(cuts);

    Outcome whole = feed(wire, new int[0]);
    Outcome split = feed(wire, cuts);

    assertEquals(whole.failure(), split.failure(), "a split changed whether the answer fails");
    assertEquals(whole.body() == null, split.body() == null, "a split changed whether it ends");
    if (whole.body() != null) {
      assertArrayEquals(whole.body(), split.body(), "a split changed the body");
      assertEquals(whole.left(), split.left(), "a split changed where the answer ends");
      assertTrue(whole.body().length <= CAP, "a body over the cap was accepted");
    }
  }
}

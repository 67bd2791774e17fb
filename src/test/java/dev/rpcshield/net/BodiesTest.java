package dev.rpcshield.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodiesTest {
  private static final byte[] BODY = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);

  @Test
  void aDeclaredLengthIsReadWhole() throws Exception {
    assertArrayEquals(BODY, Bodies.read(new ByteArrayInputStream(BODY), BODY.length, 100));
  }

  @Test
  void aBodyShorterThanDeclaredIsWhatArrived() throws Exception {
    assertArrayEquals(BODY, Bodies.read(new ByteArrayInputStream(BODY), 50, 100));
  }

  @Test
  void withoutALengthTheBodyIsReadToItsEnd() throws Exception {
    byte[] big = new byte[40_000];
    big[39_999] = 7;
    assertArrayEquals(big, Bodies.read(new ByteArrayInputStream(big), -1, 100_000));
  }

  @Test
  void aBodyOverTheLimitComesBackOneByteOver() throws Exception {
    byte[] big = new byte[500];
    assertEquals(101, Bodies.read(new ByteArrayInputStream(big), -1, 100).length);
    assertEquals(101, Bodies.read(new ByteArrayInputStream(big), 500, 100).length);
  }
}

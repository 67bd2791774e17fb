package dev.rpcshield.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rpcshield.sender.InvalidTransactionException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import org.web3j.crypto.Hash;

/**
 * Any raw transaction either decodes or is refused with {@link InvalidTransactionException}, and
 * what decodes is what a node would see: its hash is the Keccak of the signed payload, a blob
 * transaction in network form decodes as its payload alone, and a chain allowlist only ever refuses
 * with {@link Reason#CHAIN_NOT_ALLOWED}. The input is the transaction's bytes (sent as 0x-hex) and,
 * as well, the same bytes read as the text of the param.
 */
class RawTransactionDecoderFuzzTest {
  private static final RawTransactionDecoder ANY = new RawTransactionDecoder(Set.of(), false);
  private static final RawTransactionDecoder MAINNET = new RawTransactionDecoder(Set.of(1L), false);

  @FuzzTest(maxDuration = "10s", maxExecutions = 200_000)
  void anyRawTransactionDecodesOrIsRefused(byte[] raw) throws InvalidTransactionException {
    decodeOrRefuse(new String(raw, StandardCharsets.ISO_8859_1));
    String hex = "0x" + HexFormat.of().formatHex(raw);
    SignedTransaction tx = decodeOrRefuse(hex);
    checkAllowlist(hex, tx);
    if (tx == null) {
      return;
    }
    int type = (raw[0] & 0xff) >= 0xc0 ? 0 : raw[0];
    assertEquals(type, tx.type());
    assertTrue(tx.sender().matches("0x[0-9a-f]{40}"), tx.sender());
    assertTrue(tx.nonce().signum() >= 0 && tx.nonce().bitLength() <= 64);
    assertTrue(type == 0 || tx.chainId() != null, "a typed transaction without chain id");
    assertTrue(tx.chainId() == null || tx.chainId() >= 0);
    byte[] payload = type == 3 ? blobPayload(raw) : raw;
    assertEquals("0x" + HexFormat.of().formatHex(Hash.sha3(payload)), tx.hash());
    if (payload != raw) {
      assertEquals(tx, ANY.decode("0x" + HexFormat.of().formatHex(payload)));
    }
  }

  private static SignedTransaction decodeOrRefuse(String param) {
    try {
      return ANY.decode(param);
    } catch (InvalidTransactionException e) {
      assertNotNull(e.reason());
      assertNotNull(e.getMessage());
      return null;
    }
  }

  /** An allowlist decodes what it allows exactly as without one, and refuses the rest. */
  private static void checkAllowlist(String hex, SignedTransaction withoutList) {
    try {
      SignedTransaction tx = MAINNET.decode(hex);
      assertEquals(withoutList, tx);
      assertEquals(1L, tx.chainId());
    } catch (InvalidTransactionException e) {
      if (withoutList != null) {
        assertEquals(Reason.CHAIN_NOT_ALLOWED, e.reason());
        assertTrue(withoutList.chainId() == null || withoutList.chainId() != 1L);
      }
    }
  }

  /**
   * {@code 0x03 || rlp(tx)} for a blob transaction the decoder accepted: itself, or for a network
   * form (whose first item is a list) the type byte and that first item.
   */
  private static byte[] blobPayload(byte[] raw) {
    int first = 1 + headerLength(raw, 1);
    if ((raw[first] & 0xff) < 0xc0) {
      return raw;
    }
    int end = first + headerLength(raw, first) + contentLength(raw, first);
    byte[] payload = Arrays.copyOfRange(raw, first - 1, end);
    payload[0] = 3;
    return payload;
  }

  /** Bytes of the RLP header at {@code at} (for an item of sound sizes). */
  private static int headerLength(byte[] data, int at) {
    int b = data[at] & 0xff;
    if (b < 0x80) {
      return 0;
    }
    int shortMax = b >= 0xc0 ? 0xf7 : 0xb7;
    return b <= shortMax ? 1 : 1 + b - shortMax;
  }

  private static int contentLength(byte[] data, int at) {
    int b = data[at] & 0xff;
    if (b < 0x80) {
      return 1;
    }
    int base = b >= 0xc0 ? 0xc0 : 0x80;
    int shortMax = base + 55;
    if (b <= shortMax) {
      return b - base;
    }
    int length = 0;
    for (int i = 0; i < b - shortMax; i++) {
      length = (length << 8) | (data[at + 1 + i] & 0xff);
    }
    return length;
  }
}

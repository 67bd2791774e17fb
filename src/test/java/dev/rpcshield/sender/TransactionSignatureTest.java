package dev.rpcshield.sender;

import static dev.rpcshield.sender.TestTransactions.ALICE;
import static dev.rpcshield.sender.TestTransactions.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rpcshield.sender.InvalidTransactionException.Reason;
import dev.rpcshield.testing.BlobTransactions;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Keys;
import org.web3j.rlp.RlpString;
import org.web3j.rlp.RlpType;

/** A signature names its chain and its signer, and one no node would accept is refused. */
class TransactionSignatureTest {
  private static final byte[] VERSIONED_HASH = new byte[32];

  static {
    VERSIONED_HASH[0] = 1;
  }

  private static TransactionSignature of(String raw) throws InvalidTransactionException {
    return TransactionSignature.of(TransactionFields.of(raw));
  }

  private static String signer(String raw) throws InvalidTransactionException {
    return "0x" + Keys.getAddress(of(raw).signer());
  }

  @Test
  void theChainComesFromVOrTheChainIdFieldAndTheSignerFromTheSignature() throws Exception {
    assertEquals(31337L, of(TestTransactions.legacy(BOB, 1, 31337)).chainId());
    assertNull(of(TestTransactions.legacyUnprotected(BOB, 1)).chainId());
    assertEquals(1L, of(TestTransactions.eip1559(ALICE, 1, 1)).chainId());
    assertEquals(TestTransactions.BOB_ADDRESS, signer(TestTransactions.legacy(BOB, 1, 31337)));
    assertEquals(TestTransactions.ALICE_ADDRESS, signer(TestTransactions.eip1559(ALICE, 1, 1)));
  }

  @Test
  void aYParityAboveOneIsUnrecoverable() {
    String raw = withField(11, RlpString.create(2));
    InvalidTransactionException e = assertThrows(InvalidTransactionException.class, () -> of(raw));
    assertEquals(Reason.UNRECOVERABLE, e.reason());
    assertEquals("signature is not recoverable: y parity must be 0 or 1", e.getMessage());
  }

  @Test
  void aChainIdPast63BitsIsNotDecodable() {
    String raw = withField(0, RlpString.create(BigInteger.ONE.shiftLeft(63)));
    InvalidTransactionException e = assertThrows(InvalidTransactionException.class, () -> of(raw));
    assertEquals(Reason.NOT_DECODABLE, e.reason());
    assertEquals(
        "transaction is not decodable: chain id 9223372036854775808 does not fit in 63 bits",
        e.getMessage());
  }

  /** A signed blob transaction with field {@code index} replaced. */
  private static String withField(int index, RlpType value) {
    List<RlpType> fields =
        new ArrayList<>(
            BlobTransactions.signedPayload(ALICE, 31337, 2, VERSIONED_HASH).getValues());
    fields.set(index, value);
    return BlobTransactions.envelope(fields.toArray(RlpType[]::new));
  }
}

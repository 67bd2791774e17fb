package dev.rpcshield.sender;

import static dev.rpcshield.sender.TestTransactions.ALICE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rpcshield.sender.InvalidTransactionException.Reason;
import dev.rpcshield.testing.BlobTransactions;
import dev.rpcshield.testing.BlobTransactions.Form;
import dev.rpcshield.testing.BlobTransactions.Sidecar;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.utils.Numeric;

/**
 * Each type's signed fields are found in place, as many as its layout has, the nonce among them.
 */
class TransactionFieldsTest {

  @Test
  void everyTypeHasItsLayoutsFieldsAndItsNonceWhereTheTypePutsIt() throws Exception {
    List<String> raws =
        List.of(
            TestTransactions.legacy(ALICE, 10, 31337),
            TestTransactions.eip2930(ALICE, 11, 31337),
            TestTransactions.eip1559(ALICE, 12, 31337),
            TestTransactions.eip4844Plain(ALICE, 13),
            TestTransactions.eip7702(ALICE, 14));
    List<Integer> sizes = List.of(9, 11, 12, 14, 13);
    for (int type = 0; type < raws.size(); type++) {
      TransactionFields tx = TransactionFields.of(raws.get(type));
      assertEquals(type, tx.type());
      assertEquals(sizes.get(type), tx.fields().size(), "fields of type " + type);
      assertEquals(
          BigInteger.valueOf(10 + type), Rlp.scalar(tx.raw(), tx.nonce(), 8, "nonce"), "nonce");
    }
  }

  @Test
  void aTransactionWithoutItsSignatureIsRefusedAsNotSigned() {
    String unsigned =
        Numeric.toHexString(
            TransactionEncoder.encode(
                RawTransaction.createEtherTransaction(
                    31337,
                    BigInteger.ONE,
                    BigInteger.valueOf(100_000),
                    TestTransactions.TO,
                    BigInteger.ONE,
                    BigInteger.ONE,
                    BigInteger.TEN)));
    InvalidTransactionException e =
        assertThrows(InvalidTransactionException.class, () -> TransactionFields.of(unsigned));
    assertEquals(Reason.NOT_DECODABLE, e.reason());
    assertEquals("transaction is not signed", e.getMessage());
  }

  @Test
  void aBlobTransactionsHashIsOfItsSignedPayloadInEveryForm() throws Exception {
    Sidecar sidecar = BlobTransactions.sidecar(3);
    byte[] plain =
        Numeric.hexStringToByteArray(BlobTransactions.sign(Form.PLAIN, ALICE, 31337, 1, sidecar));
    for (Form form : Form.values()) {
      TransactionFields tx =
          TransactionFields.of(BlobTransactions.sign(form, ALICE, 31337, 1, sidecar));
      assertArrayEquals(Hash.sha3(plain), tx.hash(), form.name());
    }
  }
}

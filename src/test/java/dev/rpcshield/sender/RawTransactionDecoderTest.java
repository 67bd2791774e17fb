package dev.rpcshield.sender;

import static dev.rpcshield.sender.TestTransactions.ALICE;
import static dev.rpcshield.sender.TestTransactions.ALICE_ADDRESS;
import static dev.rpcshield.sender.TestTransactions.BOB;
import static dev.rpcshield.sender.TestTransactions.BOB_ADDRESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcshield.sender.InvalidTransactionException.Reason;
import dev.rpcshield.testing.BlobTransactions;
import dev.rpcshield.testing.BlobTransactions.Form;
import dev.rpcshield.testing.BlobTransactions.Sidecar;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.web3j.crypto.Hash;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpString;
import org.web3j.rlp.RlpType;

class RawTransactionDecoderTest {
  private static final Sidecar SIDECAR = BlobTransactions.sidecar(7);
  private final RawTransactionDecoder any = new RawTransactionDecoder(Set.of(), false);
  private final RawTransactionDecoder anvilOnly = new RawTransactionDecoder(Set.of(31337L), false);

  private static void assertDecoded(
      SignedTransaction tx, String sender, long nonce, Long chain, int type) {
    assertEquals(sender, tx.sender());
    assertEquals(BigInteger.valueOf(nonce), tx.nonce());
    assertEquals(chain, tx.chainId());
    assertEquals(type, tx.type());
  }

  @Test
  void everyTypeDecodesToItsSignerNonceChainAndType() throws Exception {
    assertDecoded(
        any.decode(TestTransactions.legacyUnprotected(ALICE, 3)), ALICE_ADDRESS, 3, null, 0);
    assertDecoded(
        anvilOnly.decode(TestTransactions.legacy(BOB, 4, 31337)), BOB_ADDRESS, 4, 31337L, 0);
    assertDecoded(
        anvilOnly.decode(TestTransactions.eip2930(ALICE, 5, 31337)), ALICE_ADDRESS, 5, 31337L, 1);
    assertDecoded(
        anvilOnly.decode(TestTransactions.eip1559(BOB, 6, 31337)), BOB_ADDRESS, 6, 31337L, 2);
    assertDecoded(
        anvilOnly.decode(TestTransactions.eip4844Plain(ALICE, 7)), ALICE_ADDRESS, 7, 31337L, 3);
    assertDecoded(
        anvilOnly.decode(TestTransactions.eip4844Network(BOB, 8)), BOB_ADDRESS, 8, 31337L, 3);
    assertDecoded(
        anvilOnly.decode(TestTransactions.eip7702(ALICE, 9)), ALICE_ADDRESS, 9, 31337L, 4);
  }

  @Test
  void hashIsWhatTheNodeComputes() throws Exception {
    String raw = TestTransactions.eip1559(BOB, 1, 31337);
    assertEquals(Hash.sha3(raw), any.decode(raw).hash());
  }

  @Test
  void blobTransactionInNetworkFormHasThePlainFormsHash() throws Exception {
    String network = TestTransactions.eip4844Network(ALICE, 2);
    SignedTransaction tx = any.decode(network);
    assertTrue(network.length() > 262_000, "the network form carries the blob");
    assertEquals(66, tx.hash().length());
    assertTrue(!tx.hash().equals(Hash.sha3(network)), "not the hash of the wrapper");
  }

  @Test
  void chainIdsOutsideTheAllowListAreRefused() {
    InvalidTransactionException wrong =
        assertThrows(
            InvalidTransactionException.class,
            () -> anvilOnly.decode(TestTransactions.eip1559(ALICE, 1, 1)));
    assertEquals(Reason.CHAIN_NOT_ALLOWED, wrong.reason());
    assertTrue(wrong.getMessage().contains("chain id 1 is not served here"), wrong.getMessage());
    InvalidTransactionException unprotected =
        assertThrows(
            InvalidTransactionException.class,
            () -> anvilOnly.decode(TestTransactions.legacyUnprotected(ALICE, 1)));
    assertEquals(Reason.CHAIN_NOT_ALLOWED, unprotected.reason());
  }

  @Test
  void highSIsRefused() {
    InvalidTransactionException e =
        assertThrows(
            InvalidTransactionException.class, () -> any.decode(TestTransactions.highS(ALICE, 1)));
    assertEquals(Reason.HIGH_S, e.reason());
    assertTrue(e.getMessage().contains("EIP-2"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0x|NOT_HEX|empty",
        "0x123|NOT_HEX|odd length",
        "0xzz|NOT_HEX|non-hex",
        "abcd|NOT_HEX|0x-prefixed",
        "0x05f8|UNKNOWN_TYPE|type 0x05",
        "0x7f00|UNKNOWN_TYPE|type 0x7f",
        "0x02|NOT_DECODABLE|truncated",
        "0x02c0|NOT_DECODABLE|not decodable",
        "0x0201|NOT_DECODABLE|not an RLP list",
      })
  void malformedInputIsRefusedWithAReason(String raw, Reason reason, String words) {
    InvalidTransactionException e =
        assertThrows(InvalidTransactionException.class, () -> any.decode(raw));
    assertEquals(reason, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains(words), e.getMessage());
  }

  @Test
  void truncatedAndTrailingRlpAreRefused() {
    String raw = TestTransactions.eip1559(ALICE, 1, 31337);
    InvalidTransactionException cut =
        assertThrows(
            InvalidTransactionException.class,
            () -> any.decode(raw.substring(0, raw.length() - 10)));
    assertTrue(cut.getMessage().contains("truncated"), cut.getMessage());
    InvalidTransactionException trailing =
        assertThrows(InvalidTransactionException.class, () -> any.decode(raw + "00"));
    assertTrue(trailing.getMessage().contains("trailing"), trailing.getMessage());
  }

  @Test
  void zeroSignatureIsUnrecoverable() {
    String raw = TestTransactions.eip1559(ALICE, 1, 31337);
    String zeroed = raw.substring(0, raw.length() - 64) + "0".repeat(64);
    InvalidTransactionException e =
        assertThrows(InvalidTransactionException.class, () -> any.decode(zeroed));
    assertEquals(Reason.UNRECOVERABLE, e.reason(), e.getMessage());
  }

  @Test
  void legacyWithoutChainIdPassesWithoutAnAllowList() throws Exception {
    assertNull(any.decode(TestTransactions.legacyUnprotected(BOB, 0)).chainId());
  }

  /**
   * The blob transaction of ethereum/execution-apis' conformance tests (CC0), in EIP-7594's network
   * form with 128 cell proofs, and the hash geth answered it with; its signer as cast decodes it.
   */
  @Test
  void publishedBlobVectorInTheCellProofFormDecodesToItsSignerAndHash() throws Exception {
    List<String> lines;
    try (InputStream in = getClass().getResourceAsStream("send-blob-tx.io")) {
      lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
    ObjectMapper json = new ObjectMapper();
    String raw = json.readTree(lines.get(1).substring(3)).get("params").get(0).asText();
    String answered = json.readTree(lines.get(2).substring(3)).get("result").asText();
    SignedTransaction tx = any.decode(raw);
    assertDecoded(tx, "0x1f4924b14f34e24159387c0a4cdbaa32f3ddb0cf", 0, 0xc72dd9d5e883eL, 3);
    assertEquals(answered, tx.hash());
  }

  @ParameterizedTest
  @EnumSource(Form.class)
  void blobTransactionWithAnAccessListRecoversItsSignerInEveryForm(Form form) throws Exception {
    SignedTransaction tx = anvilOnly.decode(BlobTransactions.sign(form, BOB, 31337, 5, SIDECAR));
    assertDecoded(tx, BOB_ADDRESS, 5, 31337L, 3);
    assertEquals(
        Hash.sha3(BlobTransactions.sign(Form.PLAIN, BOB, 31337, 5, SIDECAR)),
        tx.hash(),
        "the node's hash: of the signed payload, without the sidecar");
  }

  @Test
  void aLaterWrapperVersionIsStillReadForItsSender() throws Exception {
    RlpList tx = BlobTransactions.signedPayload(ALICE, 31337, 2, SIDECAR.versionedHash());
    String v2 = BlobTransactions.envelope(tx, RlpString.create(2), list(), list(), list());
    assertDecoded(any.decode(v2), ALICE_ADDRESS, 2, 31337L, 3);
  }

  @Test
  void aNetworkFormOfAnotherShapeIsRefusedNamingTheForm() {
    RlpList tx = BlobTransactions.signedPayload(ALICE, 31337, 2, SIDECAR.versionedHash());
    RlpType version = RlpString.create(1);
    List<String> shapes =
        List.of(
            BlobTransactions.envelope(tx, list(), list()),
            BlobTransactions.envelope(tx, list(), list(), list(), list(), list()),
            BlobTransactions.envelope(tx, list(), version, list()),
            BlobTransactions.envelope(tx, version, list(), RlpString.create(0), list()));
    for (String raw : shapes) {
      InvalidTransactionException e =
          assertThrows(InvalidTransactionException.class, () -> any.decode(raw));
      assertEquals(Reason.NOT_DECODABLE, e.reason());
      assertTrue(e.getMessage().contains("blob transaction in network form"), e.getMessage());
      assertTrue(e.getMessage().contains("cell_proofs"), e.getMessage());
    }
  }

  @Test
  void integersWithLeadingZerosAreRefusedAsNodesRefuseThem() {
    RlpList tx = BlobTransactions.signedPayload(ALICE, 31337, 2, SIDECAR.versionedHash());
    List<RlpType> fields = new java.util.ArrayList<>(tx.getValues());
    fields.set(1, RlpString.create(new byte[] {0, 2}));
    InvalidTransactionException e =
        assertThrows(
            InvalidTransactionException.class,
            () -> any.decode(BlobTransactions.envelope(fields.toArray(RlpType[]::new))));
    assertEquals(Reason.NOT_DECODABLE, e.reason());
    assertTrue(e.getMessage().contains("nonce has leading zero bytes"), e.getMessage());
  }

  @Test
  void aFieldOfTheWrongKindIsNamed() {
    RlpList tx = BlobTransactions.signedPayload(ALICE, 31337, 2, SIDECAR.versionedHash());
    List<RlpType> fields = new java.util.ArrayList<>(tx.getValues());
    fields.set(10, RlpString.create(SIDECAR.versionedHash()));
    InvalidTransactionException e =
        assertThrows(
            InvalidTransactionException.class,
            () -> any.decode(BlobTransactions.envelope(fields.toArray(RlpType[]::new))));
    assertTrue(
        e.getMessage().contains("field 10 of this EIP-4844 transaction must be a list"),
        e.getMessage());
  }

  @Test
  void theRecipientOfEveryTypeIsReadWithoutRecovery() throws Exception {
    String to = TestTransactions.TO.toLowerCase();
    for (String raw :
        List.of(
            TestTransactions.legacy(ALICE, 0, 31337),
            TestTransactions.legacyUnprotected(ALICE, 0),
            TestTransactions.eip2930(ALICE, 0, 31337),
            TestTransactions.eip1559(ALICE, 0, 31337),
            TestTransactions.eip4844Plain(ALICE, 0),
            TestTransactions.eip4844Network(ALICE, 0),
            TestTransactions.eip7702(ALICE, 0))) {
      assertEquals(to, anvilOnly.recipient(raw));
    }
    String creation =
        org.web3j.utils.Numeric.toHexString(
            org.web3j.crypto.TransactionEncoder.signMessage(
                org.web3j.crypto.RawTransaction.createContractTransaction(
                    BigInteger.ZERO,
                    BigInteger.ONE,
                    BigInteger.valueOf(100_000),
                    BigInteger.ZERO,
                    "0x6000"),
                31337,
                ALICE));
    assertNull(any.recipient(creation));
    assertThrows(InvalidTransactionException.class, () -> any.recipient("0x05c0"));
    assertThrows(InvalidTransactionException.class, () -> any.recipient(null));
  }

  private static RlpList list() {
    return new RlpList();
  }
}

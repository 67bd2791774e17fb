package dev.rpcshield.sender;

import java.math.BigInteger;
import java.util.List;
import org.apache.tuweni.bytes.Bytes;
import org.web3j.crypto.AuthorizationTuple;
import org.web3j.crypto.Blob;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.Sign;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.utils.Numeric;

/** Real signed transactions of every type, made with web3j for anvil's chain and dev keys. */
final class TestTransactions {
  static final long CHAIN = 31337;
  static final Credentials ALICE =
      Credentials.create("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
  static final String ALICE_ADDRESS = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
  static final Credentials BOB =
      Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
  static final String BOB_ADDRESS = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
  static final String TO = "0x000000000000000000000000000000000000dEaD";
  private static final BigInteger GAS = BigInteger.valueOf(100_000);
  private static final BigInteger TIP = BigInteger.valueOf(1_000_000_000L);
  private static final BigInteger FEE = BigInteger.valueOf(50_000_000_000L);

  private TestTransactions() {}

  static String legacyUnprotected(Credentials who, long nonce) {
    return Numeric.toHexString(TransactionEncoder.signMessage(legacy(nonce), who));
  }

  static String legacy(Credentials who, long nonce, long chain) {
    return Numeric.toHexString(TransactionEncoder.signMessage(legacy(nonce), chain, who));
  }

  private static RawTransaction legacy(long nonce) {
    return RawTransaction.createEtherTransaction(
        BigInteger.valueOf(nonce), FEE, GAS, TO, BigInteger.ONE);
  }

  static String eip2930(Credentials who, long nonce, long chain) {
    return sign(
        RawTransaction.createTransaction(
            chain, BigInteger.valueOf(nonce), FEE, GAS, TO, BigInteger.ONE, "0x", List.of()),
        who);
  }

  static String eip1559(Credentials who, long nonce, long chain) {
    return sign(
        RawTransaction.createEtherTransaction(
            chain, BigInteger.valueOf(nonce), GAS, TO, BigInteger.ONE, TIP, FEE),
        who);
  }

  static String eip4844Plain(Credentials who, long nonce) {
    Bytes versionedHash = Bytes.fromHexString("0x01" + "ab".repeat(31));
    return sign(
        RawTransaction.createTransaction(
            CHAIN,
            BigInteger.valueOf(nonce),
            TIP,
            FEE,
            GAS,
            TO,
            BigInteger.ZERO,
            "0x",
            BigInteger.ONE,
            List.of(versionedHash)),
        who);
  }

  static String eip4844Network(Credentials who, long nonce) {
    Blob blob = new Blob(Bytes.wrap(new byte[131072]));
    return sign(
        RawTransaction.createTransaction(
            List.of(blob),
            CHAIN,
            BigInteger.valueOf(nonce),
            TIP,
            FEE,
            GAS,
            TO,
            BigInteger.ZERO,
            "0x",
            BigInteger.ONE),
        who);
  }

  /** A set-code transaction delegating Alice's account, with an authorization she signed. */
  static String eip7702(Credentials who, long nonce) {
    AuthorizationTuple auth =
        new AuthorizationTuple(
            BigInteger.valueOf(CHAIN),
            TO,
            BigInteger.valueOf(nonce + 1),
            BigInteger.ZERO,
            BigInteger.ONE,
            BigInteger.ONE);
    return sign(
        RawTransaction.createTransaction(
            CHAIN,
            BigInteger.valueOf(nonce),
            TIP,
            FEE,
            GAS,
            TO,
            BigInteger.ZERO,
            "0x",
            List.of(),
            List.of(auth)),
        who);
  }

  private static String sign(RawTransaction tx, Credentials who) {
    return Numeric.toHexString(TransactionEncoder.signMessage(tx, who));
  }

  /** The same transaction with s replaced by n - s (and the parity flipped): valid but high-s. */
  static String highS(Credentials who, long nonce) {
    RawTransaction tx =
        RawTransaction.createEtherTransaction(
            CHAIN, BigInteger.valueOf(nonce), GAS, TO, BigInteger.ONE, TIP, FEE);
    byte[] encoded = TransactionEncoder.encode(tx);
    Sign.SignatureData sig = Sign.signMessage(encoded, who.getEcKeyPair());
    BigInteger n =
        new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);
    BigInteger highS = n.subtract(new BigInteger(1, sig.getS()));
    byte v = (byte) (sig.getV()[0] == 27 ? 28 : 27);
    Sign.SignatureData flipped =
        new Sign.SignatureData(v, sig.getR(), Numeric.toBytesPadded(highS, 32));
    return Numeric.toHexString(TransactionEncoder.encode(tx, flipped));
  }
}

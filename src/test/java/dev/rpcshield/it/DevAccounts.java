package dev.rpcshield.it;

import java.math.BigInteger;
import org.web3j.crypto.AuthorizationTuple;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.utils.Numeric;

/** anvil's funded accounts from the public test mnemonic, and signing helpers. */
public final class DevAccounts {
  public static final Credentials ALICE =
      Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
  public static final Credentials BOB =
      Credentials.create("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");
  public static final Credentials CAROL =
      Credentials.create("0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6");
  public static final String SINK = "0x000000000000000000000000000000000000dEaD";

  private DevAccounts() {}

  /** A signed EIP-1559 transfer of {@code wei} from {@code from} with the given nonce. */
  public static String transfer(Credentials from, long nonce, long wei) {
    RawTransaction tx =
        RawTransaction.createEtherTransaction(
            TestNet.CHAIN_ID,
            BigInteger.valueOf(nonce),
            BigInteger.valueOf(21_000),
            SINK,
            BigInteger.valueOf(wei),
            BigInteger.valueOf(1_000_000_000L),
            BigInteger.valueOf(50_000_000_000L));
    return Numeric.toHexString(TransactionEncoder.signMessage(tx, TestNet.CHAIN_ID, from));
  }

  /** A signed legacy (EIP-155) transfer. */
  public static String legacyTransfer(Credentials from, long nonce, long wei) {
    RawTransaction tx =
        RawTransaction.createEtherTransaction(
            BigInteger.valueOf(nonce),
            BigInteger.valueOf(50_000_000_000L),
            BigInteger.valueOf(21_000),
            SINK,
            BigInteger.valueOf(wei));
    return Numeric.toHexString(TransactionEncoder.signMessage(tx, TestNet.CHAIN_ID, from));
  }

  /** A fresh, unfunded key: its transactions reach anvil and fail there for lack of funds. */
  public static Credentials fresh() {
    try {
      return Credentials.create(Keys.createEcKeyPair());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A signed EIP-2930 transfer. */
  public static String accessListTransfer(Credentials from, long nonce, long wei) {
    RawTransaction tx =
        RawTransaction.createTransaction(
            TestNet.CHAIN_ID,
            BigInteger.valueOf(nonce),
            BigInteger.valueOf(50_000_000_000L),
            BigInteger.valueOf(30_000),
            SINK,
            BigInteger.valueOf(wei),
            "0x",
            java.util.List.of());
    return Numeric.toHexString(TransactionEncoder.signMessage(tx, from));
  }

  /** A signed EIP-7702 set-code transaction whose authorization delegates to SINK. */
  public static String setCode(Credentials from, long nonce) {
    AuthorizationTuple auth =
        new AuthorizationTuple(
            BigInteger.valueOf(TestNet.CHAIN_ID),
            SINK,
            BigInteger.valueOf(nonce + 1),
            BigInteger.ZERO,
            BigInteger.ONE,
            BigInteger.ONE);
    RawTransaction tx =
        RawTransaction.createTransaction(
            TestNet.CHAIN_ID,
            BigInteger.valueOf(nonce),
            BigInteger.valueOf(1_000_000_000L),
            BigInteger.valueOf(50_000_000_000L),
            BigInteger.valueOf(100_000),
            SINK,
            BigInteger.ZERO,
            "0x",
            java.util.List.of(),
            java.util.List.of(auth));
    return Numeric.toHexString(TransactionEncoder.signMessage(tx, from));
  }

  /** A transfer signed for another chain. */
  public static String transferOnChain(Credentials from, long chainId) {
    RawTransaction tx =
        RawTransaction.createEtherTransaction(
            chainId,
            BigInteger.ZERO,
            BigInteger.valueOf(21_000),
            SINK,
            BigInteger.ONE,
            BigInteger.valueOf(1_000_000_000L),
            BigInteger.valueOf(50_000_000_000L));
    return Numeric.toHexString(TransactionEncoder.signMessage(tx, from));
  }

  public static long nonce(Gateway gateway, Credentials who) {
    return Long.decode(
        gateway
            .call("eth_getTransactionCount", "[\"" + who.getAddress() + "\",\"pending\"]")
            .asText());
  }
}

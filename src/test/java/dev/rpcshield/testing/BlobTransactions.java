package dev.rpcshield.testing;

import ethereum.ckzg4844.CKZG4844JNI;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.tuweni.bytes.Bytes;
import org.web3j.crypto.Blob;
import org.web3j.crypto.BlobUtils;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;
import org.web3j.rlp.RlpEncoder;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpString;
import org.web3j.rlp.RlpType;
import org.web3j.utils.Numeric;

/**
 * Signed EIP-4844 blob transactions with one real blob (KZG commitment, blob proof and EIP-7594
 * cell proofs computed by c-kzg), in each form a node accepts. Encoded here field by field, not by
 * web3j's Transaction4844, which cannot carry an access list: these carry one, as real submissions
 * do.
 */
public final class BlobTransactions {
  /** Where the transactions send their zero value; also the access list's one address. */
  public static final String TO = "0x000000000000000000000000000000000000dEaD";

  /** EIP-7594's wrapper version for a sidecar with cell proofs. */
  public static final int CELL_PROOFS_VERSION = 1;

  private static final int BLOB_BYTES = 131_072;

  /** How the transaction is sent. */
  public enum Form {
    /** {@code 0x03 || rlp(tx)}: the signed payload alone, as blocks carry it. */
    PLAIN,
    /** {@code 0x03 || rlp([tx, blobs, commitments, proofs])}: EIP-4844's network form. */
    NETWORK,
    /** {@code 0x03 || rlp([tx, 1, blobs, commitments, cell_proofs])}: EIP-7594's network form. */
    CELL_PROOFS
  }

  /** One blob with what the network forms carry beside it. */
  public record Sidecar(byte[] blob, byte[] commitment, byte[] proof, byte[] cellProofs) {
    /** The versioned hash the signed payload lists for this blob. */
    public byte[] versionedHash() {
      return BlobUtils.kzgToVersionedHash(Bytes.wrap(commitment)).toArray();
    }
  }

  private BlobTransactions() {}

  /** A blob whose field elements all stay below the BLS modulus, varied by {@code seed}. */
  public static Sidecar sidecar(int seed) {
    byte[] blob = new byte[BLOB_BYTES];
    for (int i = 0; i < BLOB_BYTES; i += 32) {
      blob[i + 31] = (byte) (seed + i / 32);
    }
    byte[] commitment = BlobUtils.getCommitment(new Blob(blob)).toArray();
    byte[] proof = CKZG4844JNI.computeBlobKzgProof(blob, commitment);
    byte[] cellProofs = CKZG4844JNI.computeCellsAndKzgProofs(blob).getProofs();
    return new Sidecar(blob, commitment, proof, cellProofs);
  }

  /** A signed blob transaction carrying {@code sidecar}, in {@code form}, hex with 0x. */
  public static String sign(Form form, Credentials who, long chainId, long nonce, Sidecar sidecar) {
    RlpList tx = signedPayload(who, chainId, nonce, sidecar.versionedHash());
    RlpList blobs = new RlpList(RlpString.create(sidecar.blob()));
    RlpList commitments = new RlpList(RlpString.create(sidecar.commitment()));
    return switch (form) {
      case PLAIN -> envelope(tx.getValues().toArray(RlpType[]::new));
      case NETWORK ->
          envelope(tx, blobs, commitments, new RlpList(RlpString.create(sidecar.proof())));
      case CELL_PROOFS ->
          envelope(
              tx,
              RlpString.create(CELL_PROOFS_VERSION),
              blobs,
              commitments,
              new RlpList(cellProofs(sidecar.cellProofs())));
    };
  }

  /**
   * The signed payload's fields, as a list: chain id, nonce, fees, gas, to, value, data, an access
   * list naming {@link #TO} and slot 0, max fee per blob gas, the versioned hash, and the
   * signature.
   */
  public static RlpList signedPayload(
      Credentials who, long chainId, long nonce, byte[] versionedHash) {
    List<RlpType> fields = new ArrayList<>();
    fields.add(RlpString.create(chainId));
    fields.add(RlpString.create(nonce));
    fields.add(RlpString.create(BigInteger.valueOf(1_000_000_000L)));
    fields.add(RlpString.create(BigInteger.valueOf(50_000_000_000L)));
    fields.add(RlpString.create(100_000));
    fields.add(RlpString.create(Numeric.hexStringToByteArray(TO)));
    fields.add(RlpString.create(0));
    fields.add(RlpString.create(new byte[0]));
    fields.add(
        new RlpList(
            new RlpList(
                RlpString.create(Numeric.hexStringToByteArray(TO)),
                new RlpList(RlpString.create(new byte[32])))));
    fields.add(RlpString.create(BigInteger.valueOf(1_000_000_000L)));
    fields.add(new RlpList(RlpString.create(versionedHash)));
    byte[] unsigned = RlpEncoder.encode(new RlpList(fields));
    byte[] signingInput = new byte[unsigned.length + 1];
    signingInput[0] = 3;
    System.arraycopy(unsigned, 0, signingInput, 1, unsigned.length);
    Sign.SignatureData sig = Sign.signMessage(Hash.sha3(signingInput), who.getEcKeyPair(), false);
    fields.add(RlpString.create(sig.getV()[0] - 27));
    fields.add(RlpString.create(new BigInteger(1, sig.getR())));
    fields.add(RlpString.create(new BigInteger(1, sig.getS())));
    return new RlpList(fields);
  }

  /** {@code 0x03 || rlp(items)}, hex with 0x: for forms assembled item by item. */
  public static String envelope(RlpType... items) {
    byte[] list = RlpEncoder.encode(new RlpList(items));
    byte[] out = new byte[list.length + 1];
    out[0] = 3;
    System.arraycopy(list, 0, out, 1, list.length);
    return Numeric.toHexString(out);
  }

  private static List<RlpType> cellProofs(byte[] concatenated) {
    List<RlpType> proofs = new ArrayList<>();
    for (int i = 0; i < concatenated.length; i += 48) {
      proofs.add(RlpString.create(Arrays.copyOfRange(concatenated, i, i + 48)));
    }
    return proofs;
  }
}

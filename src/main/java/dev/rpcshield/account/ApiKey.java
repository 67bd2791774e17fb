package dev.rpcshield.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** An API key, stored only as its SHA-256 hash and a short visible prefix. */
@Entity
@Table(name = "api_key")
public class ApiKey {
  @Id private UUID id;

  @Column(name = "account_id", nullable = false)
  private UUID accountId;

  @Column(length = 200)
  private String label;

  @Column(name = "key_hash", nullable = false, length = 64, unique = true)
  private String keyHash;

  @Column(nullable = false, length = 16)
  private String prefix;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "last_used_at")
  private Instant lastUsedAt;

  @Column(name = "revoked_at")
  private Instant revokedAt;

  protected ApiKey() {}

  public ApiKey(UUID id, UUID accountId, String label, String keyHash, String prefix, Instant now) {
    this.id = id;
    this.accountId = accountId;
    this.label = label;
    this.keyHash = keyHash;
    this.prefix = prefix;
    this.createdAt = now;
  }

  public UUID getId() {
    return id;
  }

  public UUID getAccountId() {
    return accountId;
  }

  public String getLabel() {
    return label;
  }

  public String getKeyHash() {
    return keyHash;
  }

  public String getPrefix() {
    return prefix;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  public Instant getLastUsedAt() {
    return lastUsedAt;
  }

  public void setLastUsedAt(Instant at) {
    this.lastUsedAt = at;
  }

  public Instant getRevokedAt() {
    return revokedAt;
  }

  public void setRevokedAt(Instant at) {
    this.revokedAt = at;
  }
}

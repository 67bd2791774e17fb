package dev.rpcshield.account;

import dev.rpcshield.allowlist.Allowlists;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
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

  @Column(name = "allowed_origins", length = 8000)
  private String allowedOrigins;

  @Column(name = "allowed_cidrs", length = 8000)
  private String allowedCidrs;

  @Column(name = "allowed_user_agents", length = 8000)
  private String allowedUserAgents;

  @Column(name = "allowed_methods", length = 8000)
  private String allowedMethods;

  @Column(name = "allowed_contracts", length = 8000)
  private String allowedContracts;

  @Column(name = "secret_hash", length = 64)
  private String secretHash;

  @Column(name = "secret_required", nullable = false)
  private boolean secretRequired;

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

  /** The key's allowlists, as stored (one entry per line; validated when they were set). */
  public Allowlists getAllowlists() {
    return Allowlists.of(
        lines(allowedOrigins),
        lines(allowedCidrs),
        lines(allowedUserAgents),
        lines(allowedMethods),
        lines(allowedContracts));
  }

  public void setAllowlists(Allowlists a) {
    allowedOrigins = joined(a.entries("origins"));
    allowedCidrs = joined(a.entries("cidrs"));
    allowedUserAgents = joined(a.entries("userAgents"));
    allowedMethods = joined(a.entries("methods"));
    allowedContracts = joined(a.entries("contracts"));
  }

  /** SHA-256 hex of the key's secret, or null when it has none. */
  public String getSecretHash() {
    return secretHash;
  }

  public void setSecretHash(String hash) {
    this.secretHash = hash;
  }

  public boolean isSecretRequired() {
    return secretRequired;
  }

  public void setSecretRequired(boolean required) {
    this.secretRequired = required;
  }

  private static List<String> lines(String text) {
    return text == null || text.isEmpty() ? List.of() : List.of(text.split("\n"));
  }

  private static String joined(List<String> entries) {
    return entries.isEmpty() ? null : String.join("\n", entries);
  }
}

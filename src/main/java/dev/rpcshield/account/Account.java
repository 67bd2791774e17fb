package dev.rpcshield.account;

import dev.rpcshield.identity.Tier;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A customer account: its tier, its overrides of the tier's limits, and its high-rate flag. */
@Entity
@Table(name = "account")
public class Account {
  @Id private UUID id;

  @Column(nullable = false, length = 200)
  private String name;

  @Column(nullable = false, length = 64)
  private String tier;

  @Column(nullable = false)
  private boolean enabled;

  @Column(name = "rps_override")
  private Double rpsOverride;

  @Column(name = "burst_override")
  private Long burstOverride;

  @Column(name = "cu_per_second_override")
  private Double cuPerSecondOverride;

  @Column(name = "monthly_cu_override")
  private Long monthlyCuOverride;

  @Column(name = "ws_connections_override")
  private Integer wsConnectionsOverride;

  @Column(name = "sender_exempt", nullable = false)
  private boolean senderExempt;

  /** Comma-separated network names its keys may call; null for every network. */
  @Column(length = 1000)
  private String networks;

  @Column(name = "flagged_high_rate_at")
  private Instant flaggedHighRateAt;

  /** The token subject ({@code <issuer> <claim>}) this account stands for; null for one of keys. */
  @Column(name = "token_subject", length = 1000)
  private String tokenSubject;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  protected Account() {}

  public Account(UUID id, String name, String tier, Instant now) {
    this.id = id;
    this.name = name;
    this.tier = tier;
    this.enabled = true;
    this.createdAt = now;
    this.updatedAt = now;
  }

  public UUID getId() {
    return id;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getTier() {
    return tier;
  }

  public void setTier(String tier) {
    this.tier = tier;
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Double getRpsOverride() {
    return rpsOverride;
  }

  public void setRpsOverride(Double v) {
    this.rpsOverride = v;
  }

  public Long getBurstOverride() {
    return burstOverride;
  }

  public void setBurstOverride(Long v) {
    this.burstOverride = v;
  }

  public Double getCuPerSecondOverride() {
    return cuPerSecondOverride;
  }

  public void setCuPerSecondOverride(Double v) {
    this.cuPerSecondOverride = v;
  }

  public Long getMonthlyCuOverride() {
    return monthlyCuOverride;
  }

  public void setMonthlyCuOverride(Long v) {
    this.monthlyCuOverride = v;
  }

  public Integer getWsConnectionsOverride() {
    return wsConnectionsOverride;
  }

  public void setWsConnectionsOverride(Integer v) {
    this.wsConnectionsOverride = v;
  }

  public boolean isSenderExempt() {
    return senderExempt;
  }

  public void setSenderExempt(boolean v) {
    this.senderExempt = v;
  }

  /** The networks its keys may call; empty for every network. */
  public List<String> getNetworks() {
    return networks == null ? List.of() : List.of(networks.split(","));
  }

  /** Limits its keys to {@code names} (names of letters and digits); empty or null for all. */
  public void setNetworks(List<String> names) {
    this.networks = names == null || names.isEmpty() ? null : String.join(",", names);
  }

  public String getTokenSubject() {
    return tokenSubject;
  }

  public void setTokenSubject(String subject) {
    this.tokenSubject = subject;
  }

  public Instant getFlaggedHighRateAt() {
    return flaggedHighRateAt;
  }

  public void setFlaggedHighRateAt(Instant at) {
    this.flaggedHighRateAt = at;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  public Instant getUpdatedAt() {
    return updatedAt;
  }

  public void touch(Instant now) {
    this.updatedAt = now;
  }

  /** The limits in force for this account: its tier with this account's overrides applied. */
  public Tier limitsUnder(Tier tier) {
    return new Tier(
        tier.name(),
        rpsOverride != null ? rpsOverride : tier.rps(),
        burstOverride != null ? burstOverride : tier.burst(),
        cuPerSecondOverride != null ? cuPerSecondOverride : tier.cuPerSecond(),
        monthlyCuOverride != null ? monthlyCuOverride : tier.monthlyCu(),
        wsConnectionsOverride != null ? wsConnectionsOverride : tier.wsConnections(),
        tier.senderExempt() || senderExempt);
  }
}

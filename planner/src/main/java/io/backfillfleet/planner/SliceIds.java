package io.backfillfleet.planner;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Deterministic slice ids that are safe znode names whatever characters a tenant name has: a readable,
 * sanitised prefix of the tenant plus a short hash of the exact name (so "a/b" and "a_b" never collide), plus
 * the slice's position. The documents without a tenant value have the key {@value #NO_TENANT_KEY}: every real
 * tenant's key ends in a dash and 8 hex digits, so it cannot collide with one.
 */
public final class SliceIds {
  private SliceIds() {}

  static final String NO_TENANT_KEY = "no.tenant";

  /** @param tenant null for the documents without a tenant value */
  public static String tenantKey(String tenant) {
    if (tenant == null) return NO_TENANT_KEY;
    String readable = tenant.replaceAll("[^A-Za-z0-9._-]", "_");
    if (readable.length() > 60) readable = readable.substring(0, 60);
    if (readable.isEmpty() || !Character.isLetterOrDigit(readable.charAt(0))) readable = "t" + readable;
    return readable + "-" + hash(tenant);
  }

  public static String timeSlice(String tenant, int index) {
    return tenantKey(tenant) + "-" + String.format("%05d", index);
  }

  public static String noTimestampSlice(String tenant) {
    return tenantKey(tenant) + "-nots";
  }

  /**
   * A slice packing several small tenants: {@code packed.<8 hex of their keys>-<index>}. Deterministic, and never a
   * tenant's slice id: those end in {@code -<8 hex>-<index>}, and the part before this index has no dash.
   */
  public static String packedSlice(List<String> tenants, int index) {
    StringBuilder keys = new StringBuilder();
    for (String t : tenants) keys.append(tenantKey(t)).append('\n');
    return "packed." + hash(keys.toString()) + "-" + String.format("%05d", index);
  }

  private static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

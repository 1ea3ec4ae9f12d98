package io.backfillfleet.coordinator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The id of a successor split off a slice: {@code <origin>.s<12 hex>}, the plan's slice it descends from and a hash
 * of the parent's id and the cut. Deterministic, so a split that is tried again creates nothing twice; it does not
 * grow with each generation of splits; and it is never a plan's id (those end in {@code -<index>} or {@code -nots}).
 */
final class SplitIds {
  private static final int MAX_ORIGIN = 180;

  private SplitIds() {}

  static String successor(String parentId, SliceLineage parentLineage, SplitPoint cut) {
    String origin = parentLineage == null ? parentId : parentLineage.origin();
    if (origin.length() > MAX_ORIGIN) origin = origin.substring(0, MAX_ORIGIN);
    return origin + ".s" + hash(parentId + "|" + cut.describe());
  }

  private static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.backfillfleet.coordinator;

import java.nio.charset.StandardCharsets;

/**
 * How a job's slices are spread over buckets, so that no ZooKeeper listing grows with the job: every per-slice folder
 * ({@code slices}, {@code open}, {@code claims}, {@code rejected}) has one child per bucket, and a bucket holds about
 * {@value #TARGET_PER_BUCKET} slices. The count is fixed when the job is published (stored in the job node) and a
 * slice's bucket is a hash of its id, so anyone who knows the id finds its nodes without a listing.
 */
public record Buckets(int count) {

  /**
   * Slices per bucket aimed at: a listing of 1,024 ids of 200 characters (the longest id) is about 205 KiB, a fifth of
   * jute.maxbuffer; of usual 40-character ids, 45 KiB. Fewer buckets make status cheaper (a read per bucket).
   */
  static final int TARGET_PER_BUCKET = 1_024;
  static final int MIN = 16;
  /** 8,192 bucket names of 4 characters are a 64 KiB listing; at 16 million slices a bucket lists about 2,000 ids. */
  static final int MAX = 8_192;

  public Buckets {
    if (count < 1 || count > 0xFFFF) throw new IllegalArgumentException("bucket count " + count + " out of range");
  }

  /** The bucket count for a job of this many slices: a power of two between {@value #MIN} and {@value #MAX}. */
  public static Buckets forSlices(long slices) {
    long wanted = Math.max(MIN, (slices + TARGET_PER_BUCKET - 1) / TARGET_PER_BUCKET);
    int n = MIN;
    while (n < wanted && n < MAX) n <<= 1;
    return new Buckets(n);
  }

  /** The bucket of a slice: 4 hex digits of a stable hash of its id (FNV-1a, the same in every version). */
  public String of(String sliceId) {
    int h = 0x811C9DC5;
    for (byte b : sliceId.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xFF;
      h *= 0x01000193;
    }
    return name(Integer.remainderUnsigned(h, count));
  }

  public String name(int index) {
    return String.format("%04x", index);
  }

  /** Every bucket name, in order. */
  public java.util.List<String> all() {
    java.util.List<String> out = new java.util.ArrayList<>(count);
    for (int i = 0; i < count; i++) out.add(name(i));
    return out;
  }
}

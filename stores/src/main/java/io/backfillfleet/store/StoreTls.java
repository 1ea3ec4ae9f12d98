package io.backfillfleet.store;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The TLS context a store config's {@code trustStore} describes (JKS by its extension, PKCS12 otherwise). */
public final class StoreTls {
  private StoreTls() {}

  public static SSLContext sslContext(StoreConfig config, Map<String, String> env) {
    try (InputStream in = Files.newInputStream(Path.of(config.trustStore()))) {
      KeyStore ks = KeyStore.getInstance(config.trustStore().endsWith(".jks") ? "JKS" : "PKCS12");
      ks.load(in, config.trustStorePassword(env).map(String::toCharArray).orElse(null));
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (Exception e) {
      throw new StoreConfigException("cannot load trustStore " + config.trustStore() + " for " + config.describe() + ": "
          + e.getMessage());
    }
  }
}

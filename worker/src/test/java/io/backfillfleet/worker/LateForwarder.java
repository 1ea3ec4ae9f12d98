package io.backfillfleet.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback port that refuses connections until {@link #open} and then forwards each one to a real server: a
 * cluster that comes up after the worker started, without restarting a shared test server.
 */
final class LateForwarder implements AutoCloseable {
  private final int port;
  private final String toHost;
  private final int toPort;
  private final List<java.io.Closeable> open = new CopyOnWriteArrayList<>();

  LateForwarder(int port, String toHost, int toPort) {
    this.port = port;
    this.toHost = toHost;
    this.toPort = toPort;
  }

  /** Starts accepting on the port; every connection is piped both ways to the real server. */
  void open() throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    open.add(server);
    daemon(() -> {
      try {
        while (true) {
          Socket in = server.accept();
          Socket out = new Socket(toHost, toPort);
          open.add(in);
          open.add(out);
          daemon(() -> pipe(in, out));
          daemon(() -> pipe(out, in));
        }
      } catch (IOException closed) {
        // close() ends the accept loop
      }
    });
  }

  private static void pipe(Socket from, Socket to) {
    try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
      i.transferTo(o);
    } catch (IOException ended) {
      // either side closed
    } finally {
      try {
        to.close();
        from.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
  }

  private static void daemon(Runnable r) {
    Thread t = new Thread(r, "late-forwarder");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    for (java.io.Closeable c : open) c.close();
  }
}

package io.backfillfleet.coordinator;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.ZooDefs;

/**
 * A TCP proxy between a ZooKeeper client and a real server. Armed with {@link #dropNextMultiAnswer()}, it lets the
 * next {@code multi} request through to the server, waits for the server's answer (so the transaction was applied),
 * swallows it and cuts the connection: the client sees a connection loss for a write that happened. Everything else
 * passes unchanged; the client reconnects through it to the same session (or, told to stay down, only once it comes
 * back).
 *
 * <p>It reads ZooKeeper's framing only: every packet is a 4-byte length and a body; after the connect packet, a
 * request body starts with its xid and op code, an answer with the xid it answers.
 */
final class AnswerDroppingProxy implements AutoCloseable {
  // no real xid: the client counts up from 1, its special xids are small negatives
  private static final int NONE = Integer.MIN_VALUE;

  private final ServerSocket listener;
  private final String serverHost;
  private final int serverPort;
  private final AtomicBoolean armed = new AtomicBoolean();
  private final CountDownLatch dropped = new CountDownLatch(1);
  private volatile boolean stayDown;
  private volatile boolean down;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  AnswerDroppingProxy(String serverHostPort) throws IOException {
    int colon = serverHostPort.lastIndexOf(':');
    this.serverHost = serverHostPort.substring(0, colon);
    this.serverPort = Integer.parseInt(serverHostPort.substring(colon + 1));
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon("proxy-accept", this::acceptLoop);
  }

  String connectString() {
    return listener.getInetAddress().getHostAddress() + ":" + listener.getLocalPort();
  }

  /** The next multi request reaches the server; its answer never reaches the client. */
  void dropNextMultiAnswer() {
    armed.set(true);
  }

  /** As {@link #dropNextMultiAnswer()}, and then refuses every connection until {@link #comeBack()}. */
  void dropNextMultiAnswerAndStayDown() {
    stayDown = true;
    armed.set(true);
  }

  void comeBack() {
    stayDown = false;
    down = false;
  }

  /** Whether an answer was swallowed (within {@code timeout}). */
  boolean awaitDropped(Duration timeout) throws InterruptedException {
    return dropped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        if (down) {
          closeQuietly(client); // ZooKeeper unreachable: the client's reconnects fail
          continue;
        }
        Socket server = new Socket(serverHost, serverPort);
        sockets.add(client);
        sockets.add(server);
        AtomicInteger dropXid = new AtomicInteger(NONE);
        daemon("proxy-up", () -> pump(client, server, dropXid, true));
        daemon("proxy-down", () -> pump(server, client, dropXid, false));
      } catch (IOException e) {
        if (!closed) throw new IllegalStateException("proxy cannot accept: " + e, e);
      }
    }
  }

  private void pump(Socket from, Socket to, AtomicInteger dropXid, boolean requests) {
    try {
      DataInputStream in = new DataInputStream(from.getInputStream());
      DataOutputStream out = new DataOutputStream(to.getOutputStream());
      forward(out, readFrame(in)); // the connect request or response: no header
      while (true) {
        byte[] body = readFrame(in);
        ByteBuffer b = ByteBuffer.wrap(body);
        int xid = body.length >= 4 ? b.getInt(0) : NONE;
        if (requests) {
          // set before the request is forwarded, so the answer can never overtake it
          if (body.length >= 8 && b.getInt(4) == ZooDefs.OpCode.multi && armed.compareAndSet(true, false)) {
            dropXid.set(xid);
          }
        } else if (xid != NONE && xid == dropXid.get()) {
          down = stayDown;
          dropped.countDown();
          closeQuietly(from);
          closeQuietly(to);
          return;
        }
        forward(out, body);
      }
    } catch (IOException e) {
      closeQuietly(from); // one side went away: so does the other, as a real broken connection would
      closeQuietly(to);
    }
  }

  private static byte[] readFrame(DataInputStream in) throws IOException {
    int len = in.readInt();
    if (len < 0 || len > 64 << 20) throw new IOException("not a ZooKeeper packet length: " + len);
    byte[] body = new byte[len];
    in.readFully(body);
    return body;
  }

  private static void forward(DataOutputStream out, byte[] body) throws IOException {
    out.writeInt(body.length);
    out.write(body);
    out.flush();
  }

  private static void daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already broken
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    sockets.forEach(AnswerDroppingProxy::closeQuietly);
  }
}

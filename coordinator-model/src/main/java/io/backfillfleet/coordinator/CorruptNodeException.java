package io.backfillfleet.coordinator;

/** A znode whose content cannot be read. The path is part of the message so on-call can find and fix it. */
public class CorruptNodeException extends CoordinationException {
  private final String path;

  public CorruptNodeException(String path, String problem) {
    this(path, problem, null);
  }

  public CorruptNodeException(String path, String problem, Throwable cause) {
    super("corrupt ZooKeeper node " + path + ": " + problem
        + " (inspect it with 'zkCli.sh get " + path + "'; a slice's window and size are in the plan report,"
        + " 'backfill plan --dry-run --format json', from which the node can be written again)", cause);
    this.path = path;
  }

  public String path() {
    return path;
  }
}

package io.backfillfleet.coordinator;

import java.util.List;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.OpResult;

/** Which operation of a failed ZooKeeper {@code multi} failed, and how: tells a tally conflict from a fencing. */
record MultiFailure(int index, KeeperException.Code code) {

  /** The failed operation of a multi, or null if {@code e} is not a multi's failure. */
  static MultiFailure of(Throwable e) {
    Throwable c = e instanceof CoordinationException ? e.getCause() : e;
    if (!(c instanceof KeeperException ke)) return null;
    List<OpResult> results = ke.getResults();
    if (results == null) return new MultiFailure(-1, ke.code());
    for (int i = 0; i < results.size(); i++) {
      if (results.get(i) instanceof OpResult.ErrorResult err && err.getErr() != 0
          && err.getErr() != KeeperException.Code.RUNTIMEINCONSISTENCY.intValue()) {
        return new MultiFailure(i, KeeperException.Code.get(err.getErr()));
      }
    }
    return new MultiFailure(-1, ke.code());
  }

  boolean is(int op, KeeperException.Code c) {
    return index == op && code == c;
  }
}

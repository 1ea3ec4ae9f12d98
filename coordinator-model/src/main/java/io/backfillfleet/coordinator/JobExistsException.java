package io.backfillfleet.coordinator;

/** Publishing refused because a job of that name exists; nothing was changed. */
public class JobExistsException extends CoordinationException {
  public JobExistsException(String job, String detail) {
    super("job '" + job + "' already exists (" + detail + "); nothing was changed. Choose another job name,"
        + " add tenants with 'backfill plan --add-tenants', or delete it with 'backfill delete-job --job " + job + "'");
  }
}
